// Fuzzes `lightwatt frontier RESULTS`: any bytes read as a file of sweep rows (CSV or JSON lines,
// by the first byte's lowest bit), and the frontiers of whatever was read, must give a table or an
// InputError, never a crash, hang, sanitizer report or another exception.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lightwatt/core/error.hpp"
#include "lightwatt/study/pareto.hpp"
#include "lightwatt/study/sweep_results.hpp"

using namespace lightwatt;
using namespace lightwatt::study;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const RowFormat format = (data[0] & 1) != 0 ? RowFormat::jsonl : RowFormat::csv;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        SweepResults r;
        read_result_rows(text, format, "fuzz", r);
        (void)frontier(r, "j_per_token", "tokens_per_s", GroupBy::option);
        (void)frontier(r, "tokens_per_s_per_user", "tokens_per_s_per_megawatt", GroupBy::system);
    } catch (const InputError&) {
    }
    return 0;
}
