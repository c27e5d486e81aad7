// Buffers an emulation keeps from call to call: the DAC'd inputs, the weight strips and the
// blocks' partial and digital sums. A caller emulating repeatedly (a benchmark, a layer called
// once per batch) passes the same workspace to emulate_gemm_into, so that no call asks the
// system for fresh pages, which the kernel zeroes on first touch (about a tenth of a 4096^3
// run's time when every call allocated them).
//
// Memory is bounded: each buffer holds the size of the last call that used it (a call of another
// size frees it and allocates that size), plus one set of block buffers per thread that ran
// blocks at once; nothing grows across calls. release() frees everything, and so does the
// destructor.
#pragma once

#include <cstddef>
#include <memory>

namespace lightwatt::photonics {

class EmulationWorkspace {
public:
    EmulationWorkspace();
    ~EmulationWorkspace();
    EmulationWorkspace(EmulationWorkspace&&) noexcept;
    EmulationWorkspace& operator=(EmulationWorkspace&&) noexcept;
    EmulationWorkspace(const EmulationWorkspace&) = delete;
    EmulationWorkspace& operator=(const EmulationWorkspace&) = delete;

    // Frees every buffer; the next call allocates again.
    void release();
    // Bytes the buffers hold now.
    [[nodiscard]] std::size_t bytes() const;

    struct Buffers;  // defined by the emulator (mac_emulator.cpp)
    // The buffers (empty ones again in a moved-from workspace).
    [[nodiscard]] Buffers& buffers();

private:
    std::unique_ptr<Buffers> buffers_;
};

}  // namespace lightwatt::photonics
