// Writing result files so that a failure never leaves a partial file (docs/contract.md, "Verbs"). All
// outputs of a run are checked before the work starts and committed together at its end: each
// regular-file output goes to a fresh temporary file (mkstemp: O_EXCL, so a planted name or link
// is never followed) in the target's folder, gets the replaced file's mode, and is renamed over
// the target only once every output has been written. A target that exists and is not a regular
// file (a device, a FIFO, a link to /dev/stdout) is written through, never replaced.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lightwatt {

// Throws InputError (exit 2) naming `option` ("-o", "--plot") and the path when `path` cannot
// take an output: its folder is missing or not writable, it is a directory or a dangling link,
// or it is a read-only file.
void check_output_path(const std::filesystem::path& path, const std::string& option);

// The outputs of one run: files and standard output, committed together.
class RunOutputs {
public:
    // Checks `path` now (check_output_path) so a bad path fails before any work is done.
    void expect(const std::filesystem::path& path, const std::string& option);
    // Content for a file (replacing any staged before) or for standard output (appended).
    void stage(const std::filesystem::path& path, std::string content, const std::string& option);
    void stage_stdout(std::string_view text);
    // Writes every staged file (all temporaries first, then the renames) and then standard
    // output. Throws OutputError (exit 3) when an output cannot be written; no file is replaced
    // when any temporary fails.
    void commit();

private:
    struct File {
        std::filesystem::path path;
        std::string option;
        std::string content;
    };
    std::vector<File> files_;
    std::string stdout_;
};

// One file, checked and committed at once (library and Python callers).
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           const std::string& option = "-o");

// Writes `text` to standard output and flushes; throws OutputError when it cannot.
void write_stdout(std::string_view text);

}  // namespace lightwatt
