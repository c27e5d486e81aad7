#include "lightwatt/photonics/mzi_mesh.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <complex>
#include <numbers>

#include "lightwatt/core/rng.hpp"

namespace lightwatt::photonics {

namespace {

using cd = std::complex<double>;
constexpr double kPi = std::numbers::pi;
constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kUnitaryTolerance = 1e-9;

// Applies the 2x2 matrix t to rows (m, m+1) of a: a <- t a on those rows.
void apply_rows(Eigen::MatrixXcd& a, Eigen::Index m, const Eigen::Matrix2cd& t) {
    for (Eigen::Index j = 0; j < a.cols(); ++j) {
        const cd x = a(m, j), y = a(m + 1, j);
        a(m, j) = t(0, 0) * x + t(0, 1) * y;
        a(m + 1, j) = t(1, 0) * x + t(1, 1) * y;
    }
}

// Applies t from the right to columns (m, m+1) of a: a <- a t on those columns.
void apply_cols(Eigen::MatrixXcd& a, Eigen::Index m, const Eigen::Matrix2cd& t) {
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
        const cd x = a(i, m), y = a(i, m + 1);
        a(i, m) = x * t(0, 0) + y * t(1, 0);
        a(i, m + 1) = x * t(0, 1) + y * t(1, 1);
    }
}

// Two independent standard normals from two uniforms (Box-Muller).
struct NormalPair {
    double first = 0.0;
    double second = 0.0;
};
NormalPair normal_pair(CounterRng& rng) {
    const double u1 = 1.0 - rng.uniform();  // (0, 1]: the log is finite
    const double u2 = rng.uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    return {r * std::cos(kTwoPi * u2), r * std::sin(kTwoPi * u2)};
}

bool finite_non_negative(double v) { return std::isfinite(v) && v >= 0.0; }

double quantise(double phase, int bits) {
    if (bits == 0) return phase;
    const double step = std::ldexp(kTwoPi, -bits);  // 2 pi / 2^bits
    return wrap_phase(std::round(phase / step) * step);
}

// The transfer with imperfections, drawing from rng (so implemented_matrix can run two meshes
// from one stream).
Eigen::MatrixXcd transfer(const ClementsMesh& mesh, const MeshImperfections& imp, CounterRng& rng) {
    assert(is_consistent(mesh) && "mesh_transfer: a mesh clements_decompose did not build");
    assert(imperfections_in_range(imp) && "mesh_transfer: imperfections outside their documented ranges");
    const int n = mesh.size;
    const std::size_t count = mesh.mzis.size();

    // Draws in a fixed layout whatever the knobs: 4 normals per MZI, then one per output phase
    // (rounded up to whole Box-Muller pairs).
    const std::size_t pairs = (4 * count + static_cast<std::size_t>(n) + 1) / 2;
    std::vector<double> normals(2 * pairs);
    for (std::size_t i = 0; i < pairs; ++i) {
        const NormalPair p = normal_pair(rng);
        normals[2 * i] = p.first;
        normals[2 * i + 1] = p.second;
    }

    // Heater drives: the programmed phases after the DAC.
    std::vector<double> theta(count), phi(count);
    for (std::size_t k = 0; k < count; ++k) {
        theta[k] = quantise(wrap_phase(mesh.mzis[k].theta), imp.phase_dac_bits);
        phi[k] = quantise(wrap_phase(mesh.mzis[k].phi), imp.phase_dac_bits);
    }

    // Thermal crosstalk from the nearest MZIs of the same column (modes m - 2 and m + 2).
    std::vector<double> theta_eff = theta, phi_eff = phi;
    if (imp.thermal_crosstalk > 0.0 && count > 0) {
        const std::vector<int> cols = mesh_columns(mesh);
        const int depth = *std::max_element(cols.begin(), cols.end()) + 1;
        std::vector<int> at(static_cast<std::size_t>(depth) * n, -1);
        for (std::size_t k = 0; k < count; ++k)
            at[static_cast<std::size_t>(cols[k]) * n + mesh.mzis[k].mode] = static_cast<int>(k);
        for (std::size_t k = 0; k < count; ++k) {
            const int m = mesh.mzis[k].mode;
            const std::size_t row = static_cast<std::size_t>(cols[k]) * n;
            for (const int nb : {m - 2, m + 2}) {
                if (nb < 0 || nb > n - 2) continue;
                const int j = at[row + nb];
                if (j < 0) continue;
                theta_eff[k] += imp.thermal_crosstalk * theta[static_cast<std::size_t>(j)];
                phi_eff[k] += imp.thermal_crosstalk * phi[static_cast<std::size_t>(j)];
            }
        }
    }

    const double amplitude = std::pow(10.0, -imp.mzi_insertion_loss.value() / 20.0);  // sqrt(10^(-IL/10))
    const double per_mzi_amplitude = imp.balance_edge_loss ? 1.0 : amplitude;
    Eigen::MatrixXcd u = Eigen::MatrixXcd::Identity(n, n);
    for (std::size_t k = 0; k < count; ++k) {
        const double* g = &normals[4 * k];
        const double th = theta_eff[k] + imp.phase_error_rad_rms * g[0];
        const double ph = phi_eff[k] + imp.phase_error_rad_rms * g[1];
        const double kappa_in = kPi / 4.0 + imp.splitter_imbalance_rms * g[2];
        const double kappa_out = kPi / 4.0 + imp.splitter_imbalance_rms * g[3];
        apply_rows(u, mesh.mzis[k].mode, per_mzi_amplitude * mzi_matrix(th, ph, kappa_in, kappa_out));
    }
    for (int i = 0; i < n; ++i) {
        const double d = quantise(wrap_phase(mesh.output_phases(i)), imp.phase_dac_bits) +
                         imp.phase_error_rad_rms * normals[4 * count + static_cast<std::size_t>(i)];
        u.row(i) *= std::polar(1.0, d);
    }
    // Loss-balanced layout: every column attenuates every mode once, a common factor.
    if (imp.balance_edge_loss) u *= std::pow(amplitude, mesh_depth(mesh));
    return u;
}

}  // namespace

double wrap_phase(double x) {
    double r = std::fmod(x, kTwoPi);
    if (r < 0.0) r += kTwoPi;
    if (r >= kTwoPi) r = 0.0;  // -tiny + 2 pi rounds to 2 pi
    return r;
}

Eigen::Matrix2cd mzi_matrix(double theta, double phi, double kappa_in, double kappa_out) {
    const auto coupler = [](double kappa) {
        Eigen::Matrix2cd b;
        const cd c(std::cos(kappa), 0.0), s(0.0, std::sin(kappa));
        b << c, s, s, c;
        return b;
    };
    Eigen::Matrix2cd p_theta = Eigen::Matrix2cd::Identity(), p_phi = Eigen::Matrix2cd::Identity();
    p_theta(0, 0) = std::polar(1.0, theta);
    p_phi(0, 0) = std::polar(1.0, phi);
    return coupler(kappa_out) * p_theta * coupler(kappa_in) * p_phi;
}

Eigen::Matrix2cd mzi_matrix(double theta, double phi) {
    // Eq. (1) in closed form.
    const cd pre = cd(0.0, 1.0) * std::polar(1.0, theta / 2.0);
    const cd e_phi = std::polar(1.0, phi);
    const double s = std::sin(theta / 2.0), c = std::cos(theta / 2.0);
    Eigen::Matrix2cd t;
    t << pre * e_phi * s, pre * c, pre * e_phi * c, -pre * s;
    return t;
}

bool is_unitary(const Eigen::MatrixXcd& u) {
    if (u.rows() == 0 || u.rows() != u.cols() || !u.allFinite()) return false;
    const Eigen::Index n = u.rows();
    const double deviation = (u.adjoint() * u - Eigen::MatrixXcd::Identity(n, n)).cwiseAbs().maxCoeff();
    return deviation <= kUnitaryTolerance;
}

bool is_consistent(const ClementsMesh& mesh) {
    if (mesh.size < 1 || mesh.output_phases.size() != mesh.size || !mesh.output_phases.allFinite()) return false;
    return std::all_of(mesh.mzis.begin(), mesh.mzis.end(), [&](const MziSetting& z) {
        return z.mode >= 0 && z.mode <= mesh.size - 2 && std::isfinite(z.theta) && std::isfinite(z.phi);
    });
}

bool imperfections_in_range(const MeshImperfections& imp) {
    return imp.phase_dac_bits >= 0 && imp.phase_dac_bits <= 52 && finite_non_negative(imp.phase_error_rad_rms) &&
           finite_non_negative(imp.thermal_crosstalk) && imp.thermal_crosstalk <= 1.0 &&
           finite_non_negative(imp.splitter_imbalance_rms) && finite_non_negative(imp.mzi_insertion_loss.value());
}

std::vector<int> mesh_columns(const ClementsMesh& mesh) {
    std::vector<int> next_free(static_cast<std::size_t>(std::max(mesh.size, 0)) + 1, 0);
    std::vector<int> cols;
    cols.reserve(mesh.mzis.size());
    for (const MziSetting& z : mesh.mzis) {
        assert(z.mode >= 0 && z.mode + 1 < mesh.size && "mesh_columns: an MZI outside the mesh");
        const auto m = static_cast<std::size_t>(z.mode);
        const int c = std::max(next_free[m], next_free[m + 1]);
        next_free[m] = next_free[m + 1] = c + 1;
        cols.push_back(c);
    }
    return cols;
}

int mesh_depth(const ClementsMesh& mesh) {
    const std::vector<int> cols = mesh_columns(mesh);
    return cols.empty() ? 0 : *std::max_element(cols.begin(), cols.end()) + 1;
}

namespace {
// An entry of a unitary below 1e-13 in magnitude is zero but for rounding (a genuine entry of a
// unitary of any size this emulator meets is far larger), and is taken as 0, its phase as 0.
// Otherwise the rounding (another instruction set's, say) would set an MZI at will where its two
// entries are both zero (a padded tile's meshes have many) or a phase to pi or 0: an equivalent
// decomposition with other settings, so other quantisation errors of the phase DACs.
constexpr double kRoundingZero = 1e-13;
double settled_abs(cd z) { return std::abs(z) < kRoundingZero ? 0.0 : std::abs(z); }
double settled_arg(cd z) { return std::abs(z) < kRoundingZero ? 0.0 : std::arg(z); }
}  // namespace

ClementsMesh clements_decompose(const Eigen::MatrixXcd& unitary) {
    assert(is_unitary(unitary) && "clements_decompose: not a unitary");
    const Eigen::Index n = unitary.rows();

    Eigen::MatrixXcd u = unitary;
    std::vector<MziSetting> right;  // u <- u T^-1, in the order applied: light meets them first
    std::vector<MziSetting> left;   // u <- T u, in the order applied
    const int size = static_cast<int>(n);
    // Clements' nulling sequence (1-based i as in the paper, 0-based rows and columns).
    for (int i = 1; i <= size - 1; ++i) {
        if (i % 2 == 1) {
            for (int j = 0; j <= i - 1; ++j) {
                // Null u(row, col) by mixing columns (col, col + 1) from the right: with (a, b) the
                // row's pair, the first entry of (a, b) T^H is  -i e^{-i theta/2} (a e^{-i phi} s + b c),
                // zero for tan(theta/2) = |b|/|a|, phi = arg a - arg b + pi.
                const int row = size - j - 1, col = i - j - 1;
                const cd a = u(row, col), b = u(row, col + 1);
                const double theta = 2.0 * std::atan2(settled_abs(b), settled_abs(a));
                const double phi = settled_arg(a) - settled_arg(b) + kPi;
                apply_cols(u, col, mzi_matrix(theta, phi).adjoint());
                right.push_back({col, theta, phi});
            }
        } else {
            for (int j = 1; j <= i; ++j) {
                // Null u(row, col) by mixing rows (row - 1, row) from the left: with (a; b) the
                // column's pair, the second entry of T (a; b) is i e^{i theta/2} (e^{i phi} c a - s b),
                // zero for tan(theta/2) = |a|/|b|, phi = arg b - arg a.
                const int row = size + j - i - 1, col = j - 1;
                const cd a = u(row - 1, col), b = u(row, col);
                const double theta = 2.0 * std::atan2(settled_abs(a), settled_abs(b));
                const double phi = settled_arg(b) - settled_arg(a);
                apply_rows(u, row - 1, mzi_matrix(theta, phi));
                left.push_back({row - 1, theta, phi});
            }
        }
    }

    // Now u = D, diagonal: unitary = L_1^-1 ... L_k^-1 D R_m ... R_1. Move each L^-1 through D,
    // innermost first: T^-1(theta, phi) D(a, b) = D(b - phi - theta + pi, b - theta + pi) T(theta, a - b).
    Eigen::VectorXd d(n);
    for (Eigen::Index i = 0; i < n; ++i) d(i) = std::arg(u(i, i));
    std::vector<MziSetting> order = right;  // light order: R_1..R_m, then T'_k..T'_1
    for (auto it = left.rbegin(); it != left.rend(); ++it) {
        const double alpha = d(it->mode), beta = d(it->mode + 1);
        order.push_back({it->mode, it->theta, alpha - beta});
        d(it->mode) = beta - it->phi - it->theta + kPi;
        d(it->mode + 1) = beta - it->theta + kPi;
    }

    ClementsMesh mesh;
    mesh.size = size;
    for (MziSetting& z : order) {
        z.theta = wrap_phase(z.theta);
        z.phi = wrap_phase(z.phi);
    }
    // Column by column: MZIs sharing a mode keep their order (a later one sits in a later
    // column); MZIs on disjoint modes commute, so the reordering leaves the product unchanged.
    mesh.mzis = order;
    const std::vector<int> cols = mesh_columns(mesh);
    std::vector<std::size_t> idx(order.size());
    for (std::size_t k = 0; k < idx.size(); ++k) idx[k] = k;
    std::stable_sort(idx.begin(), idx.end(), [&](std::size_t x, std::size_t y) {
        return cols[x] != cols[y] ? cols[x] < cols[y] : order[x].mode < order[y].mode;
    });
    for (std::size_t k = 0; k < idx.size(); ++k) mesh.mzis[k] = order[idx[k]];
    mesh.output_phases = d.unaryExpr([](double x) { return wrap_phase(x); });
    return mesh;
}

Eigen::MatrixXcd mesh_transfer(const ClementsMesh& mesh, const MeshImperfections& imp, std::uint64_t seed,
                               std::uint64_t stream) {
    CounterRng rng(seed, stream);
    return transfer(mesh, imp, rng);
}

Eigen::MatrixXcd mesh_transfer(const ClementsMesh& mesh) { return mesh_transfer(mesh, MeshImperfections{}, 0, 0); }

namespace {
// Columns [r, n) of the orthogonal n x n `basis` become the completion of its first r columns that
// Householder QR gives (the identity when r = 0).
void complete_basis(Eigen::MatrixXd& basis, Eigen::Index r) {
    const Eigen::Index n = basis.cols();
    if (r >= n) return;
    if (r == 0) {
        basis.setIdentity();
        return;
    }
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(basis.leftCols(r));
    const Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(n, n);
    basis.rightCols(n - r) = q.rightCols(n - r);
}
}  // namespace

SvdMeshes svd_meshes(const Eigen::MatrixXd& weights) {
    assert(weights.size() > 0 && weights.allFinite() && "svd_meshes: an empty or non-finite weight matrix");
    const Eigen::Index rows = weights.rows(), cols = weights.cols();
    const Eigen::Index k = std::max(rows, cols);
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(weights, Eigen::ComputeFullU | Eigen::ComputeFullV);

    // The decomposition is made the same on every machine up to rounding (another instruction
    // set's rounding must not pick another, equally valid one: the phase DACs would then carry
    // other quantisation errors). Two freedoms are fixed. A singular pair (u_i, v_i) is unique
    // only up to a common sign: each is flipped so that the largest entry of u_i in magnitude is
    // positive (as scikit-learn's svd_flip does). And beyond the rank r (a tile padded with zero
    // rows or columns) the SVD may return any orthonormal basis of the null space: it is replaced
    // by the completion that Householder QR of the first r columns gives, a function of them.
    const Eigen::Index r = svd.rank();
    Eigen::MatrixXd u = svd.matrixU(), v = svd.matrixV();
    for (Eigen::Index i = 0; i < r; ++i) {
        Eigen::Index largest = 0;
        u.col(i).cwiseAbs().maxCoeff(&largest);
        if (u(largest, i) >= 0.0) continue;
        u.col(i) = -u.col(i);
        v.col(i) = -v.col(i);
    }
    complete_basis(u, r);
    complete_basis(v, r);

    // Embed U (M x M) and V (N x N) in K x K orthogonal matrices (header comment).
    Eigen::MatrixXd u_k = Eigen::MatrixXd::Identity(k, k), v_k = Eigen::MatrixXd::Identity(k, k);
    u_k.topLeftCorner(rows, rows) = u;
    v_k.topLeftCorner(cols, cols) = v;

    SvdMeshes out;
    out.rows = static_cast<int>(rows);
    out.cols = static_cast<int>(cols);
    const Eigen::VectorXd& s = svd.singularValues();  // non-negative, decreasing
    out.sigma_max = s.size() > 0 ? s(0) : 0.0;
    out.attenuation = Eigen::VectorXd::Zero(k);
    if (out.sigma_max > 0.0)
        for (Eigen::Index i = 0; i < s.size(); ++i) out.attenuation(i) = std::min(1.0, std::abs(s(i)) / out.sigma_max);
    out.u_mesh = clements_decompose(u_k.cast<cd>());
    out.v_mesh = clements_decompose(v_k.transpose().cast<cd>());
    return out;
}

Eigen::MatrixXcd implemented_matrix(const SvdMeshes& m, const MeshImperfections& imp, std::uint64_t seed,
                                    std::uint64_t stream) {
    [[maybe_unused]] const int k = std::max(m.rows, m.cols);
    assert(m.rows >= 1 && m.cols >= 1 && m.u_mesh.size == k && m.v_mesh.size == k && m.attenuation.size() == k &&
           "implemented_matrix: SvdMeshes that svd_meshes did not build");
    CounterRng rng(seed, stream);
    const Eigen::MatrixXcd t_v = transfer(m.v_mesh, imp, rng);
    const Eigen::MatrixXcd t_u = transfer(m.u_mesh, imp, rng);
    // Only the first cols inputs are lit and the first rows outputs are read.
    const Eigen::MatrixXcd middle = m.attenuation.cast<cd>().asDiagonal() * t_v.leftCols(m.cols);
    return m.sigma_max * (t_u.topRows(m.rows) * middle);
}

}  // namespace lightwatt::photonics
