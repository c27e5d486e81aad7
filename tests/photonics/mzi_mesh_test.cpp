#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <numbers>
#include <utility>
#include <vector>

#include "lightwatt/core/rng.hpp"
#include "lightwatt/photonics/mzi_mesh.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

namespace {

using cd = std::complex<double>;
constexpr double pi = std::numbers::pi;

double normal(CounterRng& rng) {
    const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * pi * u2);
}

// Haar-random unitary (Mezzadri, Notices AMS 54, 592 (2007)): QR of a complex Gaussian matrix,
// with the phases of R's diagonal moved into Q so the distribution is exactly Haar.
Eigen::MatrixXcd haar_unitary(int n, std::uint64_t seed) {
    CounterRng rng(seed, 7);
    Eigen::MatrixXcd z(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) z(i, j) = cd(normal(rng), normal(rng)) / std::sqrt(2.0);
    const Eigen::HouseholderQR<Eigen::MatrixXcd> qr(z);
    const Eigen::MatrixXcd q = qr.householderQ();
    const Eigen::MatrixXcd r = qr.matrixQR();
    Eigen::VectorXcd lambda(n);
    for (int i = 0; i < n; ++i) lambda(i) = r(i, i) / std::abs(r(i, i));
    return q * lambda.asDiagonal();
}

Eigen::MatrixXd random_real(int rows, int cols, std::uint64_t seed) {
    CounterRng rng(seed, 11);
    Eigen::MatrixXd w(rows, cols);
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) w(i, j) = normal(rng);
    return w;
}

double max_abs(const Eigen::MatrixXcd& a) { return a.cwiseAbs().maxCoeff(); }

bool bit_identical(const Eigen::MatrixXcd& a, const Eigen::MatrixXcd& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}

// A mesh with the layout of a decomposed N-mode mesh and every MZI in the bar state
// (theta = pi, phi = 0), no output phases: light stays on its input mode.
ClementsMesh bar_mesh(int n) {
    ClementsMesh mesh = clements_decompose(Eigen::MatrixXcd::Identity(n, n));
    for (MziSetting& z : mesh.mzis) {
        z.theta = pi;
        z.phi = 0.0;
    }
    mesh.output_phases.setZero();
    return mesh;
}

// Mean Frobenius error of the SVD route over 20 streams.
double mean_error(const Eigen::MatrixXd& w, const MeshImperfections& imp) {
    const SvdMeshes m = svd_meshes(w);
    double sum = 0.0;
    for (std::uint64_t stream = 0; stream < 20; ++stream)
        sum += (implemented_matrix(m, imp, 42, stream) - w.cast<cd>()).norm();
    return sum / 20.0;
}

}  // namespace

TEST_CASE("mzi_matrix: convention, unitarity, bar and cross states") {
    // theta = 0, phi = 0: T = i [[0, 1], [1, 0]] (cross state).
    const Eigen::Matrix2cd cross = mzi_matrix(0.0, 0.0);
    CHECK(std::abs(cross(0, 0)) < 1e-15);
    CHECK(std::abs(cross(1, 1)) < 1e-15);
    CHECK(std::abs(cross(0, 1) - cd(0.0, 1.0)) < 1e-15);
    CHECK(std::abs(cross(1, 0) - cd(0.0, 1.0)) < 1e-15);
    // theta = pi, phi = 0: T = i e^{i pi/2} [[1, 0], [0, -1]] = [[-1, 0], [0, 1]] (bar state).
    const Eigen::Matrix2cd bar = mzi_matrix(pi, 0.0);
    CHECK(std::abs(bar(0, 0) - cd(-1.0, 0.0)) < 1e-15);
    CHECK(std::abs(bar(1, 1) - cd(1.0, 0.0)) < 1e-15);
    CHECK(std::abs(bar(0, 1)) < 1e-15);
    CHECK(std::abs(bar(1, 0)) < 1e-15);
    // theta = pi/2, phi = pi/3: 50:50; T(0,0) = i e^{i pi/4} e^{i pi/3} sin(pi/4).
    const Eigen::Matrix2cd half = mzi_matrix(pi / 2.0, pi / 3.0);
    CHECK(std::norm(half(0, 0)) == doctest::Approx(0.5));
    CHECK(std::norm(half(1, 0)) == doctest::Approx(0.5));
    CHECK(std::abs(half(0, 0) - cd(0.0, 1.0) * std::polar(1.0, pi / 4.0 + pi / 3.0) / std::sqrt(2.0)) < 1e-15);

    for (double theta : {0.0, 0.3, 1.7, pi, 4.0, 6.2}) {
        for (double phi : {0.0, 1.1, 5.9}) {
            const Eigen::Matrix2cd t = mzi_matrix(theta, phi);
            CHECK(max_abs(t.adjoint() * t - Eigen::Matrix2cd::Identity()) < 1e-14);
            // Bar-path power sin^2(theta/2).
            CHECK(std::norm(t(0, 0)) == doctest::Approx(std::pow(std::sin(theta / 2.0), 2)).epsilon(1e-12));
            // The closed form equals the product B P(theta) B P(phi) with 50:50 couplers.
            CHECK(max_abs(t - mzi_matrix(theta, phi, pi / 4.0, pi / 4.0)) < 1e-14);
        }
    }
}

TEST_CASE("mzi_matrix with imbalanced couplers leaks out of the cross state") {
    // theta = 0: B(k2) B(k1) = B(k1 + k2) (couplers are rotations e^{i k sigma_x}), so with
    // k1 = k2 = pi/4 + 0.01 the bar-path power is cos^2(pi/2 + 0.02) = sin^2(0.02) = 3.99947e-4.
    const Eigen::Matrix2cd t = mzi_matrix(0.0, 0.0, pi / 4.0 + 0.01, pi / 4.0 + 0.01);
    CHECK(std::norm(t(0, 0)) == doctest::Approx(3.99947e-4).epsilon(1e-5));
    CHECK(max_abs(t.adjoint() * t - Eigen::Matrix2cd::Identity()) < 1e-14);  // still lossless
}

TEST_CASE("wrap_phase maps to [0, 2 pi)") {
    CHECK(wrap_phase(-0.1) == doctest::Approx(2.0 * pi - 0.1));
    CHECK(wrap_phase(2.0 * pi) == 0.0);
    CHECK(wrap_phase(7.0) == doctest::Approx(7.0 - 2.0 * pi));
    CHECK(wrap_phase(0.5) == 0.5);
    const double w = wrap_phase(-1e-300);
    CHECK(w >= 0.0);
    CHECK(w < 2.0 * pi);
}

TEST_CASE("the diagonal push-through identity used by the decomposition") {
    // T^-1(theta, phi) D(a, b) = D(b - phi - theta + pi, b - theta + pi) T(theta, a - b).
    for (const auto& [theta, phi, a, b] : {std::array{0.4, 1.3, 2.2, -0.7}, std::array{2.9, 5.0, 0.1, 3.3},
                                           std::array{0.0, 0.0, 1.0, 2.0}, std::array{pi, 0.5, 4.0, 0.2}}) {
        const Eigen::Matrix2cd lhs =
            mzi_matrix(theta, phi).adjoint() * Eigen::Vector2cd(std::polar(1.0, a), std::polar(1.0, b)).asDiagonal();
        const Eigen::Matrix2cd rhs =
            Eigen::Vector2cd(std::polar(1.0, b - phi - theta + pi), std::polar(1.0, b - theta + pi)).asDiagonal() *
            mzi_matrix(theta, a - b);
        CHECK(max_abs(lhs - rhs) < 1e-14);
    }
}

TEST_CASE("Clements decomposition of Haar unitaries reproduces them (error-free mesh to 1e-6)") {
    for (int n : {1, 2, 3, 4, 8, 16, 32}) {
        CAPTURE(n);
        const Eigen::MatrixXcd u = haar_unitary(n, 1000 + static_cast<std::uint64_t>(n));
        REQUIRE(max_abs(u.adjoint() * u - Eigen::MatrixXcd::Identity(n, n)) < 1e-12);
        const ClementsMesh mesh = clements_decompose(u);
        CHECK(mesh.size == n);
        CHECK(mesh.mzis.size() == static_cast<std::size_t>(n * (n - 1) / 2));
        CHECK(mesh.output_phases.size() == n);
        // Depth N (the rectangular mesh has N columns; for N = 2 the second column is empty).
        CHECK(mesh_depth(mesh) == (n == 2 ? 1 : (n == 1 ? 0 : n)));
        // Rectangular layout, listed column by column: column c holds MZIs on modes of parity c.
        const std::vector<int> cols = mesh_columns(mesh);
        bool layout_ok = true, ordered = true, wrapped = true;
        for (std::size_t k = 0; k < cols.size(); ++k) {
            if (mesh.mzis[k].mode % 2 != cols[k] % 2) layout_ok = false;
            if (k > 0 &&
                (cols[k] < cols[k - 1] || (cols[k] == cols[k - 1] && mesh.mzis[k].mode <= mesh.mzis[k - 1].mode)))
                ordered = false;
            for (double p : {mesh.mzis[k].theta, mesh.mzis[k].phi})
                if (!(p >= 0.0 && p < 2.0 * pi)) wrapped = false;
        }
        for (int i = 0; i < n; ++i)
            if (!(mesh.output_phases(i) >= 0.0 && mesh.output_phases(i) < 2.0 * pi)) wrapped = false;
        CHECK(layout_ok);
        CHECK(ordered);
        CHECK(wrapped);

        const double err = max_abs(mesh_transfer(mesh, MeshImperfections{}, 1, 2) - u);
        CHECK(err < 1e-6);   // the requirement
        CHECK(err < 1e-11);  // what the decomposition actually achieves
        CHECK(max_abs(mesh_transfer(mesh) - u) < 1e-11);
    }
}

TEST_CASE("clements_decompose's precondition tells a unitary from what is not one") {
    CHECK(is_unitary(haar_unitary(4, 5)));
    CHECK_FALSE(is_unitary(Eigen::MatrixXcd::Identity(3, 4)));
    CHECK_FALSE(is_unitary(Eigen::MatrixXcd(0, 0)));
    Eigen::MatrixXcd almost = haar_unitary(4, 5);
    almost(1, 2) += 1e-6;
    CHECK_FALSE(is_unitary(almost));
    Eigen::MatrixXcd nan = Eigen::MatrixXcd::Identity(2, 2);
    nan(0, 1) = cd(std::nan(""), 0.0);
    CHECK_FALSE(is_unitary(nan));
}

TEST_CASE("Clements decomposition of matrices full of exact zeros") {
    // Identity, a reversal permutation and a phased cyclic shift: every nulling step meets a = 0
    // or b = 0, the atan2 edge cases.
    const int n = 5;
    Eigen::MatrixXcd reversal = Eigen::MatrixXcd::Zero(n, n), shift = Eigen::MatrixXcd::Zero(n, n);
    for (int i = 0; i < n; ++i) {
        reversal(i, n - 1 - i) = 1.0;
        shift((i + 1) % n, i) = std::polar(1.0, 0.7 * i);
    }
    for (const Eigen::MatrixXcd& u : {Eigen::MatrixXcd(Eigen::MatrixXcd::Identity(n, n)), reversal, shift}) {
        const ClementsMesh mesh = clements_decompose(u);
        CHECK(mesh.mzis.size() == 10);
        CHECK(max_abs(mesh_transfer(mesh) - u) < 1e-12);
    }
}

TEST_CASE("mesh_transfer's preconditions: a consistent mesh and imperfections in range") {
    ClementsMesh mesh = clements_decompose(haar_unitary(4, 3));
    CHECK(is_consistent(mesh));
    MeshImperfections imp;
    CHECK(imperfections_in_range(imp));
    imp.phase_dac_bits = 53;
    CHECK_FALSE(imperfections_in_range(imp));
    imp = {};
    imp.phase_error_rad_rms = -0.1;
    CHECK_FALSE(imperfections_in_range(imp));
    imp = {};
    imp.thermal_crosstalk = 1.5;
    CHECK_FALSE(imperfections_in_range(imp));
    imp = {};
    imp.mzi_insertion_loss = Decibel(std::nan(""));
    CHECK_FALSE(imperfections_in_range(imp));
    ClementsMesh bad = mesh;
    bad.mzis[0].mode = 3;  // would act on modes 3 and 4 of a 4-mode mesh
    CHECK_FALSE(is_consistent(bad));
    bad = mesh;
    bad.output_phases.resize(3);
    CHECK_FALSE(is_consistent(bad));
}

TEST_CASE("SVD route reproduces real matrices with an ideal mesh") {
    for (const auto& shape : {std::pair{4, 4}, std::pair{3, 5}, std::pair{6, 2}, std::pair{1, 3}}) {
        const int rows = shape.first, cols = shape.second;
        CAPTURE(rows);
        CAPTURE(cols);
        const Eigen::MatrixXd w = random_real(rows, cols, 77 + static_cast<std::uint64_t>(rows * 10 + cols));
        const SvdMeshes m = svd_meshes(w);
        const int k = std::max(rows, cols);
        CHECK(m.rows == rows);
        CHECK(m.cols == cols);
        CHECK(m.u_mesh.size == k);
        CHECK(m.v_mesh.size == k);
        CHECK(m.attenuation.size() == k);
        CHECK(m.attenuation.maxCoeff() == doctest::Approx(1.0));
        CHECK(m.attenuation.minCoeff() >= 0.0);
        // Modes past min(M, N) carry no singular value: blocked.
        for (int i = std::min(rows, cols); i < k; ++i) CHECK(m.attenuation(i) == 0.0);
        CHECK(m.sigma_max == doctest::Approx(Eigen::JacobiSVD<Eigen::MatrixXd>(w).singularValues()(0)));

        const Eigen::MatrixXcd got = implemented_matrix(m, MeshImperfections{}, 9, 9);
        REQUIRE(got.rows() == rows);
        REQUIRE(got.cols() == cols);
        CHECK((got.real() - w).cwiseAbs().maxCoeff() < 1e-9);
        CHECK(got.imag().cwiseAbs().maxCoeff() < 1e-9);
    }
}

TEST_CASE("SVD route of a zero matrix") {
    const SvdMeshes m = svd_meshes(Eigen::MatrixXd::Zero(3, 2));
    CHECK(m.sigma_max == 0.0);
    CHECK(m.attenuation.isZero());
    CHECK(implemented_matrix(m, MeshImperfections{}, 1, 1).isZero());
}

TEST_CASE("SVD route: one decomposition whatever the rounding, padded tiles included") {
    // Another instruction set's build rounds the SVD and the nulling differently in the last bits;
    // emulated here by moving every entry by about 2 ulps. Through 12-bit phase DACs the implemented
    // matrix must then move by rounding (under 1e-9), not by other phase settings' quantisation
    // errors (a phase step, 2 pi / 4096, moves entries by about 1e-3 of the largest).
    MeshImperfections imp;
    imp.phase_dac_bits = 12;
    const auto implemented = [&](const Eigen::MatrixXd& w) { return implemented_matrix(svd_meshes(w), imp, 1, 1); };
    CounterRng rng(5, 5);
    for (const auto& [zero_rows, zero_cols] : {std::pair{0, 0}, std::pair{12, 0}, std::pair{0, 10}, std::pair{9, 9}}) {
        const int zr = zero_rows, zc = zero_cols;
        CAPTURE(zr);
        CAPTURE(zc);
        Eigen::MatrixXd w = random_real(16, 16, 40 + static_cast<std::uint64_t>(zr + zc));
        w.bottomRows(zr).setZero();  // a tile padded below and to the right, as edge tiles are
        w.rightCols(zc).setZero();
        Eigen::MatrixXd nudged = w;
        for (Eigen::Index i = 0; i < nudged.size(); ++i) nudged(i) *= 1.0 + (rng.uniform() - 0.5) * 1e-15;
        CHECK(max_abs(implemented(nudged) - implemented(w)) < 1e-9);
    }
}

TEST_CASE("every imperfection knob changes the implemented matrix") {
    const Eigen::MatrixXd w = random_real(6, 6, 5);
    const SvdMeshes m = svd_meshes(w);
    const Eigen::MatrixXcd ideal = implemented_matrix(m, MeshImperfections{}, 3, 4);
    const auto change = [&](const MeshImperfections& imp) { return max_abs(implemented_matrix(m, imp, 3, 4) - ideal); };

    MeshImperfections imp;
    imp.phase_dac_bits = 4;
    CHECK(change(imp) > 1e-3);
    imp = {};
    imp.phase_error_rad_rms = 0.01;
    CHECK(change(imp) > 1e-3);
    imp = {};
    imp.thermal_crosstalk = 0.01;
    CHECK(change(imp) > 1e-3);
    imp = {};
    imp.splitter_imbalance_rms = 0.01;
    CHECK(change(imp) > 1e-4);
    imp = {};
    imp.mzi_insertion_loss = Decibel(0.1);
    CHECK(change(imp) > 1e-3);
    imp.balance_edge_loss = true;
    CHECK(change(imp) > 1e-3);
}

TEST_CASE("phase error: mean error over 20 seeds grows with sigma") {
    const Eigen::MatrixXd w = random_real(4, 4, 21);
    MeshImperfections imp;
    std::vector<double> errors;
    for (double sigma : {0.005, 0.02, 0.08}) {
        imp.phase_error_rad_rms = sigma;
        errors.push_back(mean_error(w, imp));
    }
    CHECK(errors[0] > 0.0);
    CHECK(errors[0] < errors[1]);
    CHECK(errors[1] < errors[2]);
    // First order in sigma: a 4x larger sigma gives roughly a 4x larger error.
    CHECK(errors[1] / errors[0] == doctest::Approx(4.0).epsilon(0.2));
}

TEST_CASE("phase DAC resolution") {
    const Eigen::MatrixXd w = random_real(8, 8, 31);
    const SvdMeshes m = svd_meshes(w);
    const auto error = [&](int bits) {
        MeshImperfections imp;
        imp.phase_dac_bits = bits;
        return max_abs(implemented_matrix(m, imp, 1, 1) - w.cast<cd>());
    };
    CHECK(error(16) < 1e-3);
    CHECK(error(16) > 0.0);
    CHECK(error(4) > error(8));
    CHECK(error(8) > error(16));

    // On a unitary mesh too (N = 16).
    const ClementsMesh mesh = clements_decompose(haar_unitary(16, 8));
    MeshImperfections imp;
    imp.phase_dac_bits = 16;
    CHECK(max_abs(mesh_transfer(mesh, imp, 1, 1) - mesh_transfer(mesh)) < 1e-3);

    // A quantised phase lands on the grid, output screen included. 1 bit: steps of pi, so
    // theta = 1.7 -> pi (bar), phi = 0.4 -> 0, outputs (0.3, 2.0) -> (0, pi).
    // 2 bits: steps of pi/2, theta 1.7 -> pi/2, phi -> 0, outputs -> (0, pi/2).
    const ClementsMesh one{2, {{0, 1.7, 0.4}}, Eigen::Vector2d(0.3, 2.0)};
    const auto screen = [](double d1) {
        Eigen::Matrix2cd s = Eigen::Matrix2cd::Identity();
        s(1, 1) = std::polar(1.0, d1);
        return s;
    };
    imp.phase_dac_bits = 1;
    CHECK(max_abs(mesh_transfer(one, imp, 0, 0) - screen(pi) * mzi_matrix(pi, 0.0)) < 1e-15);
    imp.phase_dac_bits = 2;
    CHECK(max_abs(mesh_transfer(one, imp, 0, 0) - screen(pi / 2.0) * mzi_matrix(pi / 2.0, 0.0)) < 1e-15);
}

TEST_CASE("thermal crosstalk leaks onto the nearest MZIs of the same column") {
    // N = 4: column 0 holds MZIs on modes 0 and 2, column 1 one MZI on mode 1, and so on.
    ClementsMesh mesh = clements_decompose(haar_unitary(4, 12));
    const std::vector<int> cols = mesh_columns(mesh);
    REQUIRE(cols.size() == 6);
    REQUIRE(cols[0] == 0);
    REQUIRE(cols[1] == 0);
    REQUIRE(mesh.mzis[0].mode == 0);
    REQUIRE(mesh.mzis[1].mode == 2);
    const double c = 0.05;
    ClementsMesh expected = mesh;
    for (const auto& [k, j] : {std::pair{0, 1}, std::pair{1, 0}, std::pair{3, 4}, std::pair{4, 3}}) {
        expected.mzis[static_cast<std::size_t>(k)].theta += c * mesh.mzis[static_cast<std::size_t>(j)].theta;
        expected.mzis[static_cast<std::size_t>(k)].phi += c * mesh.mzis[static_cast<std::size_t>(j)].phi;
    }
    MeshImperfections imp;
    imp.thermal_crosstalk = c;
    CHECK(max_abs(mesh_transfer(mesh, imp, 5, 5) - mesh_transfer(expected)) < 1e-13);
    CHECK(max_abs(mesh_transfer(mesh, imp, 5, 5) - mesh_transfer(mesh)) > 1e-3);

    // N = 3 has one MZI per column: no neighbours, so crosstalk does nothing.
    const ClementsMesh three = clements_decompose(haar_unitary(3, 13));
    CHECK(max_abs(mesh_transfer(three, imp, 5, 5) - mesh_transfer(three)) == 0.0);
}

TEST_CASE("insertion loss: per-path MZI count of a rectangular mesh") {
    // Bar state: light stays on its mode and crosses one MZI in each column that covers the mode.
    // Interior modes are covered in all N columns; N even: both edge modes bypass the N/2
    // odd columns; N odd: mode 0 bypasses the (N-1)/2 odd columns, mode N-1 the (N+1)/2 even ones.
    // IL 0.1 dB per MZI: amplitude a = 10^(-0.005) = 0.988553 per MZI.
    MeshImperfections imp;
    imp.mzi_insertion_loss = Decibel(0.1);
    const double a = std::pow(10.0, -0.1 / 20.0);
    CHECK(a == doctest::Approx(0.988553).epsilon(1e-6));
    {
        // N = 4: edges cross 2 MZIs (a^2 = 0.977237), interior modes 4 (a^4 = 0.954993).
        const Eigen::MatrixXcd t = mesh_transfer(bar_mesh(4), imp, 0, 0);
        CHECK(std::abs(t(0, 0)) == doctest::Approx(0.977237).epsilon(1e-6));
        CHECK(std::abs(t(1, 1)) == doctest::Approx(0.954993).epsilon(1e-6));
        CHECK(std::abs(t(2, 2)) == doctest::Approx(0.954993).epsilon(1e-6));
        CHECK(std::abs(t(3, 3)) == doctest::Approx(0.977237).epsilon(1e-6));
        CHECK((t - Eigen::MatrixXcd(t.diagonal().asDiagonal())).cwiseAbs().maxCoeff() < 1e-15);
    }
    {
        // N = 5: mode 0 crosses 3 (a^3 = 0.966051), interior 5 (a^5 = 0.944061), mode 4 crosses 2.
        const Eigen::MatrixXcd t = mesh_transfer(bar_mesh(5), imp, 0, 0);
        CHECK(std::abs(t(0, 0)) == doctest::Approx(0.966051).epsilon(1e-6));
        for (int i = 1; i <= 3; ++i) CHECK(std::abs(t(i, i)) == doctest::Approx(0.944061).epsilon(1e-6));
        CHECK(std::abs(t(4, 4)) == doctest::Approx(0.977237).epsilon(1e-6));
    }
    for (int n : {8, 9, 16}) {
        CAPTURE(n);
        const Eigen::MatrixXcd t = mesh_transfer(bar_mesh(n), imp, 0, 0);
        CHECK(std::abs(t(0, 0)) == doctest::Approx(std::pow(a, (n + 1) / 2)));
        CHECK(std::abs(t(n - 1, n - 1)) == doctest::Approx(std::pow(a, n / 2)));
        for (int i = 1; i < n - 1; ++i) CHECK(std::abs(t(i, i)) == doctest::Approx(std::pow(a, n)));
    }
}

TEST_CASE("insertion loss on a random unitary: uniform only with a loss-balanced layout") {
    const int n = 8;
    const ClementsMesh mesh = clements_decompose(haar_unitary(n, 99));
    const Eigen::MatrixXcd ideal = mesh_transfer(mesh);
    const double a = std::pow(10.0, -0.1 / 20.0);
    MeshImperfections imp;
    imp.mzi_insertion_loss = Decibel(0.1);

    // As built: paths cross between N/2 and N MZIs, so the transfer is not a^N times the ideal;
    // its singular values lie between a^N (every path at its longest) and 1.
    const Eigen::MatrixXcd bare = mesh_transfer(mesh, imp, 0, 0);
    CHECK(max_abs(bare - std::pow(a, n) * ideal) > 1e-3);
    const Eigen::VectorXd sv = Eigen::JacobiSVD<Eigen::MatrixXcd>(bare).singularValues();
    CHECK(sv.maxCoeff() <= 1.0 + 1e-12);
    CHECK(sv.minCoeff() >= std::pow(a, n) - 1e-12);
    CHECK(sv.maxCoeff() - sv.minCoeff() > 1e-3);

    // Loss-balanced: every path crosses N = 8 loss sections: T = a^8 T_ideal, a^8 = 0.912011 (-0.8 dB).
    imp.balance_edge_loss = true;
    const Eigen::MatrixXcd balanced = mesh_transfer(mesh, imp, 0, 0);
    CHECK(std::pow(a, n) == doctest::Approx(0.912011).epsilon(1e-6));
    CHECK(max_abs(balanced - std::pow(a, n) * ideal) < 1e-12);

    // SVD route, 4 x 4 through two balanced 4-mode meshes: a^8 of the ideal.
    const Eigen::MatrixXd w = random_real(4, 4, 3);
    const SvdMeshes m = svd_meshes(w);
    CHECK(max_abs(implemented_matrix(m, imp, 0, 0) - std::pow(a, 8) * w.cast<cd>()) < 1e-12);
}

TEST_CASE("determinism: same (seed, stream) is bit-identical; another stream or seed differs") {
    const SvdMeshes m = svd_meshes(random_real(5, 7, 8));
    MeshImperfections imp;
    imp.phase_dac_bits = 10;
    imp.phase_error_rad_rms = 0.02;
    imp.thermal_crosstalk = 0.01;
    imp.splitter_imbalance_rms = 0.01;
    imp.mzi_insertion_loss = Decibel(0.05);
    const Eigen::MatrixXcd a = implemented_matrix(m, imp, 123, 4);
    CHECK(bit_identical(a, implemented_matrix(m, imp, 123, 4)));
    CHECK(max_abs(a - implemented_matrix(m, imp, 123, 5)) > 1e-4);
    CHECK(max_abs(a - implemented_matrix(m, imp, 124, 4)) > 1e-4);

    const ClementsMesh mesh = clements_decompose(haar_unitary(6, 1));
    CHECK(bit_identical(mesh_transfer(mesh, imp, 9, 0), mesh_transfer(mesh, imp, 9, 0)));
    CHECK(max_abs(mesh_transfer(mesh, imp, 9, 0) - mesh_transfer(mesh, imp, 9, 1)) > 1e-4);

    // The decomposition itself is deterministic.
    const ClementsMesh again = clements_decompose(haar_unitary(6, 1));
    bool same =
        again.mzis.size() == mesh.mzis.size() && (again.output_phases.array() == mesh.output_phases.array()).all();
    for (std::size_t k = 0; same && k < mesh.mzis.size(); ++k)
        same = again.mzis[k].mode == mesh.mzis[k].mode && again.mzis[k].theta == mesh.mzis[k].theta &&
               again.mzis[k].phi == mesh.mzis[k].phi;
    CHECK(same);
}

TEST_CASE("draws do not depend on which knobs are on: a sigma sweep scales the same errors") {
    // Phase error only on a single MZI: theta and phi errors are sigma * (g0, g1) for fixed g, so
    // doubling sigma doubles the phase offsets exactly.
    const ClementsMesh one{2, {{0, 1.0, 2.0}}, Eigen::VectorXd::Zero(2)};
    MeshImperfections imp;
    imp.phase_error_rad_rms = 0.01;
    const Eigen::MatrixXcd t1 = mesh_transfer(one, imp, 17, 3);
    imp.phase_error_rad_rms = 0.02;
    const Eigen::MatrixXcd t2 = mesh_transfer(one, imp, 17, 3);
    // Recover theta from the bar-path power sin^2(theta/2); output phases are 0 +- error.
    const double th1 = 2.0 * std::asin(std::abs(t1(0, 0)));
    const double th2 = 2.0 * std::asin(std::abs(t2(0, 0)));
    CHECK(th2 - 1.0 == doctest::Approx(2.0 * (th1 - 1.0)).epsilon(1e-6));
    // Switching another knob on does not move these draws.
    imp.mzi_insertion_loss = Decibel(0.5);
    const Eigen::MatrixXcd t3 = mesh_transfer(one, imp, 17, 3);
    CHECK(max_abs(t3 - std::pow(10.0, -0.5 / 20.0) * t2) < 1e-15);
}

TEST_CASE("draw layout as documented: one MZI with every random knob") {
    // Per MZI: Box-Muller pairs (g0, g1), (g2, g3) -> theta, phi, input coupler, output coupler
    // errors; then (g4, g5) -> output phases 0 and 1.
    const double theta = 1.2, phi = 0.7, sigma = 0.03, sigma_bs = 0.05;
    const ClementsMesh one{2, {{0, theta, phi}}, Eigen::Vector2d(0.3, 5.0)};
    CounterRng rng(2024, 6);
    std::array<double, 6> g{};
    for (std::size_t i = 0; i < g.size(); i += 2) {
        const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        g[i] = r * std::cos(2.0 * pi * u2);
        g[i + 1] = r * std::sin(2.0 * pi * u2);
    }
    const Eigen::Matrix2cd t =
        mzi_matrix(theta + sigma * g[0], phi + sigma * g[1], pi / 4.0 + sigma_bs * g[2], pi / 4.0 + sigma_bs * g[3]);
    const Eigen::Matrix2cd expected =
        Eigen::Vector2cd(std::polar(1.0, 0.3 + sigma * g[4]), std::polar(1.0, 5.0 + sigma * g[5])).asDiagonal() * t;
    MeshImperfections imp;
    imp.phase_error_rad_rms = sigma;
    imp.splitter_imbalance_rms = sigma_bs;
    CHECK(max_abs(mesh_transfer(one, imp, 2024, 6) - expected) < 1e-14);
}
