#include "packed_product.hpp"

#include <thread>

#include <Eigen/Core>

namespace lightwatt::photonics::detail {

// Eigen's internal GEMM parts: their names, template arguments and layouts are Eigen 3.4's.
static_assert(EIGEN_WORLD_VERSION == 3 && EIGEN_MAJOR_VERSION == 4,
              "packed_product.cpp calls Eigen 3.4's internal GEMM parts; check them against this Eigen");

namespace {
namespace ei = Eigen::internal;
using Index = Eigen::Index;
using Traits = ei::gebp_traits<float, float>;
using LhsMapper = ei::const_blas_data_mapper<float, Index, Eigen::ColMajor>;
using RhsMapper = ei::const_blas_data_mapper<float, Index, Eigen::ColMajor>;
using ResMapper = ei::blas_data_mapper<float, Index, Eigen::ColMajor, Eigen::Unaligned, 1>;
}  // namespace

void pack_lhs(const ConstFloatBlock& lhs, float* packed) {
    ei::gemm_pack_lhs<float, Index, LhsMapper, Traits::mr, Traits::LhsProgress, Traits::LhsPacket4Packing,
                      Eigen::ColMajor>
        pack;
    pack(packed, LhsMapper(lhs.data(), lhs.outerStride()), lhs.cols(), lhs.rows());
}

void pack_rhs(const ConstFloatBlock& rhs, float* packed) {
    ei::gemm_pack_rhs<float, Index, RhsMapper, Traits::nr, Eigen::ColMajor> pack;
    pack(packed, RhsMapper(rhs.data(), rhs.outerStride()), rhs.rows(), rhs.cols());
}

void add_packed_product(FloatBlock out, const float* packed_lhs, const float* packed_rhs, Index depth) {
    ei::gebp_kernel<float, float, Index, ResMapper, Traits::mr, Traits::nr> gebp;
    gebp(ResMapper(out.data(), out.outerStride()), packed_lhs, packed_rhs, out.rows(), depth, out.cols(), 1.0f);
}

void PackedOperands::reset(std::size_t count) {
    // Slots beyond count go (a run keeps the memory of the last size only); every other one is
    // packed again this run, into its memory where the size is the same.
    slots_.resize(count);
    if (count_ != count) states_ = std::make_unique<std::atomic<int>[]>(count);
    count_ = count;
    for (std::size_t i = 0; i < count_; ++i) states_[i].store(kEmpty, std::memory_order_relaxed);
}

void PackedOperands::wait_ready(const std::atomic<int>& state) {
    while (state.load(std::memory_order_acquire) != kReady) std::this_thread::yield();
}

std::size_t PackedOperands::bytes() const {
    std::size_t floats = 0;
    for (const Eigen::VectorXf& s : slots_) floats += static_cast<std::size_t>(s.size());
    return 4 * floats;
}

}  // namespace lightwatt::photonics::detail
