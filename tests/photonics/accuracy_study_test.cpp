// Accuracy against energy: a small classifier trained here, then run through the photonic
// emulator at several converter precisions and laser powers (issue #3). Re-run and see the table:
//   build/release/tests/photonics_tests -tc="accuracy*" -s
// The data set is synthetic (10 classes of 8 x 8 'images': class prototypes plus Gaussian pixel
// noise, seeded), the model a 64-32-10 MLP trained by SGD in double precision.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "lightwatt/core/rng.hpp"
#include "lightwatt/photonics/emulation_request.hpp"
#include "lightwatt/photonics/photonic_core.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

namespace {

struct DataSet {
    Eigen::MatrixXd x;  // 64 x samples, pixels in [0, 1]
    std::vector<int> label;
};

DataSet make_data(int samples, std::uint64_t stream) {
    // Prototypes are fixed (stream 0); samples draw their own noise.
    CounterRng proto_rng(2024, 0);
    Eigen::MatrixXd prototypes(64, 10);
    for (Eigen::Index c = 0; c < 10; ++c)
        for (Eigen::Index p = 0; p < 64; ++p) prototypes(p, c) = proto_rng.uniform() < 0.4 ? 1.0 : 0.0;
    GaussianSource noise(CounterRng(2024, stream));
    CounterRng pick(2024, stream + 1000);
    DataSet d{Eigen::MatrixXd(64, samples), std::vector<int>(static_cast<std::size_t>(samples))};
    for (int s = 0; s < samples; ++s) {
        const int c = static_cast<int>(pick.next_u64() % 10);
        d.label[static_cast<std::size_t>(s)] = c;
        for (Eigen::Index p = 0; p < 64; ++p) d.x(p, s) = std::clamp(prototypes(p, c) + 0.8 * noise.next(), 0.0, 1.0);
    }
    return d;
}

struct Mlp {
    Eigen::MatrixXd w1, w2;  // 32 x 64, 10 x 32
    Eigen::VectorXd b1, b2;
};

Eigen::MatrixXd relu(const Eigen::MatrixXd& m) { return m.cwiseMax(0.0); }

Mlp train(const DataSet& d) {
    GaussianSource init(CounterRng(99, 0));
    Mlp m{Eigen::MatrixXd(32, 64), Eigen::MatrixXd(10, 32), Eigen::VectorXd::Zero(32), Eigen::VectorXd::Zero(10)};
    for (Eigen::Index i = 0; i < m.w1.size(); ++i) m.w1.data()[i] = init.next() * std::sqrt(2.0 / 64.0);
    for (Eigen::Index i = 0; i < m.w2.size(); ++i) m.w2.data()[i] = init.next() * std::sqrt(2.0 / 32.0);
    const double rate = 0.05;
    const int batch = 50;
    for (int epoch = 0; epoch < 20; ++epoch) {
        for (Eigen::Index start = 0; start < d.x.cols(); start += batch) {
            const Eigen::Index n = std::min<Eigen::Index>(batch, d.x.cols() - start);
            const Eigen::MatrixXd x = d.x.middleCols(start, n);
            const Eigen::MatrixXd z1 = (m.w1 * x).colwise() + m.b1;
            const Eigen::MatrixXd h = relu(z1);
            Eigen::MatrixXd z2 = (m.w2 * h).colwise() + m.b2;
            // Softmax cross-entropy gradient: p - onehot.
            for (Eigen::Index j = 0; j < n; ++j) {
                const double top = z2.col(j).maxCoeff();
                Eigen::VectorXd e = (z2.col(j).array() - top).exp();
                z2.col(j) = e / e.sum();
                z2(d.label[static_cast<std::size_t>(start + j)], j) -= 1.0;
            }
            const Eigen::MatrixXd g2 = z2 / static_cast<double>(n);
            const Eigen::MatrixXd g1 = ((m.w2.transpose() * g2).array() * (z1.array() > 0.0).cast<double>()).matrix();
            m.w2 -= rate * g2 * h.transpose();
            m.b2 -= rate * g2.rowwise().sum();
            m.w1 -= rate * g1 * x.transpose();
            m.b1 -= rate * g1.rowwise().sum();
        }
    }
    return m;
}

double accuracy(const Eigen::MatrixXd& logits, const std::vector<int>& label) {
    int right = 0;
    for (Eigen::Index j = 0; j < logits.cols(); ++j) {
        Eigen::Index best = 0;
        logits.col(j).maxCoeff(&best);
        right += static_cast<int>(best) == label[static_cast<std::size_t>(j)] ? 1 : 0;
    }
    return 100.0 * right / static_cast<double>(logits.cols());
}

}  // namespace

TEST_CASE("accuracy versus energy of a small classifier through the photonic emulator") {
    const DataSet train_set = make_data(3000, 1);
    const DataSet test_set = make_data(1000, 2);
    const Mlp m = train(train_set);
    const Eigen::MatrixXd float_logits = (m.w2 * relu((m.w1 * test_set.x).colwise() + m.b1)).colwise() + m.b2;
    const double float_accuracy = accuracy(float_logits, test_set.label);
    REQUIRE(float_accuracy > 90.0);  // the model learned the task

    const auto catalog = load_photonic_core_catalog(LIGHTWATT_TEST_DATA_DIR);
    struct Row {
        int bits;
        double laser_mw;
        double accuracy;
        double pj_per_mac;
    };
    std::vector<Row> rows;
    for (int bits : {8, 6, 5, 4, 3, 2}) {
        for (double laser_mw : {30.0, 300.0, 3000.0}) {
            PhotonicCore core = catalog.cores.at("dot_product_engine");
            auto& c = core.emulator;
            c.dac_bits = c.weight_bits = c.adc_bits = bits;
            c.laser_power_per_core = milliwatts(laser_mw);
            c.seed = 5;
            c.threads = 1;
            const auto h = emulate_gemm(m.w1, test_set.x, c).output;
            const Eigen::MatrixXd hidden = relu(h.colwise() + m.b1);
            const Eigen::MatrixXd logits = emulate_gemm(m.w2, hidden, c).output.colwise() + m.b2;
            const double pj =
                in_picojoules(mac_energy(energy_parameters(core, static_cast<double>(test_set.x.cols()))).total());
            rows.push_back({bits, laser_mw, accuracy(logits, test_set.label), pj});
        }
    }
    std::printf("\naccuracy vs energy (dot_product_engine core, float model %.1f %%)\n", float_accuracy);
    std::printf("bits  laser mW  accuracy %%  pJ/MAC\n");
    for (const auto& r : rows) std::printf("%4d  %8.1f  %10.1f  %6.4f\n", r.bits, r.laser_mw, r.accuracy, r.pj_per_mac);
    const Row* cheapest = nullptr;
    for (const auto& r : rows)
        if (r.accuracy >= float_accuracy - 1.0 && (cheapest == nullptr || r.pj_per_mac < cheapest->pj_per_mac))
            cheapest = &r;
    REQUIRE(cheapest != nullptr);
    std::printf("cheapest within 1 point of float: %d bits at %.1f mW, %.4f pJ/MAC, %.1f %%\n", cheapest->bits,
                cheapest->laser_mw, cheapest->pj_per_mac, cheapest->accuracy);

    // Highest precision and most light: within 1 point of the float model.
    const Row& best = rows[2];
    CHECK(best.bits == 8);
    CHECK(best.accuracy >= float_accuracy - 1.0);
    // At 2 bits accuracy drops measurably (by more than 3 points) at every laser power.
    for (const auto& r : rows)
        if (r.bits == 2) CHECK(r.accuracy < float_accuracy - 3.0);
}
