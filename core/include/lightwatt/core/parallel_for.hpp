// Deterministic parallel loop (docs/contract.md, "Determinism"): work is cut into blocks whose
// boundaries do not depend on the thread count; each block runs single-threaded and draws from
// its own counter-based RNG stream keyed by (seed, block). Threads only decide which block runs
// where, so results are bit-identical on any thread count.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <sys/resource.h>

namespace lightwatt {

// The most threads an address-space limit (ulimit -v, common on batch systems) leaves room for.
// Each thread costs its stack (RLIMIT_STACK; 8 MiB when unset) and, on glibc, a malloc arena that
// reserves 64 MiB of address space when the thread first allocates. Threads may take half the
// limit, leaving the other half for the process's own memory and the work's buffers (a process
// already larger than that half can still run short): without this bound, threads created until
// the system refuses one leave no room for the next allocation, and the run fails with "out of
// memory" depending on which thread allocated first.
inline std::size_t threads_the_address_space_allows() {
    rlimit address_space{};
    if (getrlimit(RLIMIT_AS, &address_space) != 0 || address_space.rlim_cur == RLIM_INFINITY)
        return static_cast<std::size_t>(-1);
    constexpr rlim_t kMiB = 1024 * 1024;
    rlim_t stack = 8 * kMiB;
    rlimit stack_limit{};
    if (getrlimit(RLIMIT_STACK, &stack_limit) == 0 && stack_limit.rlim_cur != RLIM_INFINITY && stack_limit.rlim_cur > 0)
        stack = stack_limit.rlim_cur;
    const rlim_t per_thread = stack + 64 * kMiB;
    return std::max<std::size_t>(1, static_cast<std::size_t>(address_space.rlim_cur / 2 / per_thread));
}

// The thread count to use: LIGHTWATT_THREADS when set (>= 1), else the hardware's.
inline int default_thread_count() {
    if (const char* env = std::getenv("LIGHTWATT_THREADS")) {
        const int n = std::atoi(env);
        if (n >= 1) return n;
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

// Calls body(block) for block in [0, block_count) on up to `threads` threads (fewer under an
// address-space limit, or when the system cannot create more). The first exception thrown by any block is rethrown
// after all threads stop.
template <class Body>
void parallel_for_blocks(std::size_t block_count, int threads, Body&& body) {
    const std::size_t workers =
        std::min({static_cast<std::size_t>(std::max(1, threads)), block_count, threads_the_address_space_allows()});
    if (workers <= 1) {
        for (std::size_t b = 0; b < block_count; ++b) body(b);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto run = [&] {
        for (;;) {
            const std::size_t b = next.fetch_add(1);
            if (b >= block_count) return;
            try {
                body(b);
            } catch (...) {
                std::lock_guard<std::mutex> lock(failure_mutex);
                if (!failure) failure = std::current_exception();
                next = block_count;
                return;
            }
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(workers - 1);
    for (std::size_t t = 1; t < workers; ++t) {
        // A thread the system refuses (address space, process limit) is one worker fewer: blocks
        // do not depend on the worker count, so neither do the results. Never unwind past the
        // joinable threads already started (std::terminate).
        try {
            pool.emplace_back(run);
        } catch (const std::system_error&) {
            break;
        }
    }
    run();
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace lightwatt
