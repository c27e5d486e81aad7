// Tile GEMMs on operands packed once. The emulator's blocks multiply each k tile's stacked weights
// (a row group's) by each column chunk's DAC'd inputs: as `out += lhs * rhs`, Eigen packs both
// operands into its kernel's layouts on every call, the weights once per column chunk and the
// inputs once per row group; at 4096^3 on 64 x 64 tiles that packing was a tenth of the run. Here
// each operand is packed by the first block that needs it and kept for the run. The kernel and
// the layouts are Eigen's own (Eigen 3.4's internal GEMM parts), called as its product calls them
// with the whole depth in one pass, so the sums are the bits `out += lhs * rhs` gives (the tests
// hold them to it). Internal to photonics.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include <Eigen/Core>

namespace lightwatt::photonics::detail {

using ConstFloatBlock = Eigen::Ref<const Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
using FloatBlock = Eigen::Ref<Eigen::MatrixXf, 0, Eigen::OuterStride<>>;

// The packed forms: lhs (rows x depth) and rhs (depth x cols), each rows * depth or depth * cols
// floats into `packed`, which is aligned as Eigen's kernel loads it (Eigen's allocations are).
void pack_lhs(const ConstFloatBlock& lhs, float* packed);
void pack_rhs(const ConstFloatBlock& rhs, float* packed);

// out += lhs * rhs from their packed forms; out is rows x cols.
void add_packed_product(FloatBlock out, const float* packed_lhs, const float* packed_rhs, Eigen::Index depth);

// A run's packed operands, one slot each, filled by the first caller: concurrent callers of the
// same slot wait for it, so each is packed once whatever the threads.
class PackedOperands {
public:
    // Empties every slot and makes `count` of them.
    void reset(std::size_t count);

    // Slot i's packed operand of `size` floats, packed by pack(float*) if no caller has yet.
    template <typename Pack>
    const float* get(std::size_t i, Eigen::Index size, Pack&& pack) {
        std::atomic<int>& state = states_[i];
        int expected = kEmpty;
        if (state.compare_exchange_strong(expected, kPacking, std::memory_order_acquire)) {
            slots_[i].resize(size);
            pack(slots_[i].data());
            state.store(kReady, std::memory_order_release);
        } else {
            wait_ready(state);
        }
        return slots_[i].data();
    }

    [[nodiscard]] std::size_t bytes() const;

private:
    static constexpr int kEmpty = 0, kPacking = 1, kReady = 2;
    static void wait_ready(const std::atomic<int>& state);
    std::vector<Eigen::VectorXf> slots_;
    std::unique_ptr<std::atomic<int>[]> states_;
    std::size_t count_ = 0;
};

}  // namespace lightwatt::photonics::detail
