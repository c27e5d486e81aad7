#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <random>
#include <thread>
#include <tuple>
#include <vector>

#include <Eigen/Core>

#include "packed_product.hpp"

namespace adc = lightwatt::photonics::detail;

namespace {

Eigen::MatrixXf random_matrix(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
    std::mt19937 engine(seed);
    std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
    Eigen::MatrixXf m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = spread(engine);
    return m;
}

std::size_t differing_bits(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b) {
    std::size_t n = 0;
    for (Eigen::Index i = 0; i < a.size(); ++i)
        n += std::bit_cast<std::uint32_t>(a.data()[i]) != std::bit_cast<std::uint32_t>(b.data()[i]);
    return n;
}

}  // namespace

TEST_CASE("packed product: out += lhs * rhs from packed operands is Eigen's product, bit for bit") {
    // Tolerance: none. The kernel and the layouts are those Eigen's product runs, with the whole
    // depth in one pass, as Eigen's blocking takes depths this small. The shapes: the emulator's
    // at 4096^3 (512 stacked rows, a 64-wide k tile, a 256-column chunk), row counts off the
    // kernel's 48-row panels, odd depths and column counts off its 4-column panels, each a block
    // of larger matrices (strides), added into a nonzero output. Eigen's product runs its GEMM for
    // these sizes (rows + cols + depth >= 20; below, it sums coefficient by coefficient).
    for (const auto& shape : {std::tuple<Eigen::Index, Eigen::Index, Eigen::Index>{512, 64, 256},
                              {100, 37, 33},
                              {17, 70, 5},
                              {48, 64, 4},
                              {130, 16, 257},
                              {3, 9, 11}}) {
        // Named copies, not a structured binding: clang 14 (the sanitizer build) cannot capture a
        // structured binding in CAPTURE's lambda.
        const Eigen::Index rows = std::get<0>(shape), depth = std::get<1>(shape), cols = std::get<2>(shape);
        CAPTURE(rows);
        CAPTURE(depth);
        CAPTURE(cols);
        const Eigen::MatrixXf lhs_all = random_matrix(rows + 5, depth + 3, 1),
                              rhs_all = random_matrix(depth + 7, cols + 2, 2);
        const auto lhs = lhs_all.block(2, 1, rows, depth);
        const auto rhs = rhs_all.block(4, 1, depth, cols);
        const Eigen::MatrixXf start = random_matrix(rows, cols, 3);
        Eigen::MatrixXf eigen = start;
        eigen.noalias() += lhs * rhs;
        Eigen::VectorXf packed_lhs(rows * depth), packed_rhs(depth * cols);
        adc::pack_lhs(lhs, packed_lhs.data());
        adc::pack_rhs(rhs, packed_rhs.data());
        Eigen::MatrixXf packed = start;
        adc::add_packed_product(packed, packed_lhs.data(), packed_rhs.data(), depth);
        CHECK(differing_bits(packed, eigen) == 0);
        CHECK((packed - eigen).cwiseAbs().maxCoeff() == 0.0f);
    }
}

TEST_CASE("packed product: each slot is packed once, by one of the threads that ask for it") {
    adc::PackedOperands operands;
    for (const std::size_t count : {8u, 3u}) {
        operands.reset(count);
        std::vector<int> packs(count, 0);
        std::vector<const float*> seen(2 * count, nullptr);
        auto ask = [&](std::size_t first) {
            for (std::size_t i = 0; i < count; ++i)
                seen[first + i] = operands.get(i, static_cast<Eigen::Index>(i + 1), [&](float* packed) {
                    ++packs[i];
                    for (std::size_t v = 0; v <= i; ++v) packed[v] = static_cast<float>(i);
                });
        };
        std::thread other(ask, count);
        ask(0);
        other.join();
        for (std::size_t i = 0; i < count; ++i) {
            CHECK(packs[i] == 1);
            CHECK(seen[i] == seen[count + i]);
            CHECK(seen[i][i] == static_cast<float>(i));
        }
        CHECK(operands.bytes() == 4 * count * (count + 1) / 2);
    }
}
