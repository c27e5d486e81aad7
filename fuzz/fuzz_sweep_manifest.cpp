// Fuzzes the sweep manifest reader (`lightwatt sweep --resume` and `--merge` read manifest.json):
// any bytes must give a manifest or an InputError, never a crash, hang, sanitizer report or another
// exception; a manifest read is written again and must read back to the same text (the merged
// manifest of shards is written from one read). The chunk files' presence (read_manifest) is a
// file-system check on top of parse_manifest and is not fuzzed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lightwatt/core/error.hpp"
#include "lightwatt/study/sweep_manifest.hpp"

using namespace lightwatt;
using namespace lightwatt::study;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const SweepManifest m = parse_manifest(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
        const std::string written = manifest_json(m);
        if (manifest_json(parse_manifest(written, "written.json")) != written) std::abort();
    } catch (const InputError&) {
    }
    return 0;
}
