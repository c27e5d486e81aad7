#include "lightwatt/core/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lightwatt/core/error.hpp"

namespace lightwatt {

namespace {

namespace fs = std::filesystem;

std::string os_error() { return std::strerror(errno); }

fs::path with_folder(const fs::path& path) { return path.has_parent_path() ? path : fs::path(".") / path; }

InputError path_error(const fs::path& path, const std::string& option, const std::string& problem,
                      const std::string& allowed) {
    return InputError::at(option, path.string(), problem, allowed);
}

OutputError write_error(const fs::path& path, const std::string& what) {
    return OutputError("cannot write " + path.string() + ": " + what);
}

void write_all(int fd, std::string_view content, const fs::path& path) {
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw write_error(path, os_error());
        done += static_cast<std::size_t>(n);
    }
}

// A target that exists and is not a regular file (a device, a FIFO): written through.
void write_through(const fs::path& path, std::string_view content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) throw write_error(path, os_error());
    try {
        write_all(fd, content, path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0) throw write_error(path, os_error());
}

mode_t new_file_mode() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return 0666 & ~mask;
}

// A staged file: its temporary, written in full, waiting for the rename.
struct Temporary {
    fs::path temporary;
    fs::path target;
};

// Writes `content` to a fresh temporary beside the (link-resolved) target, with the target's mode.
Temporary write_temporary(const fs::path& path, std::string_view content) {
    fs::path target = with_folder(path);
    struct stat st {};
    const bool exists = ::stat(target.c_str(), &st) == 0;
    std::error_code ec;
    // A link to a regular file: the file is replaced and the link kept.
    if (exists && fs::is_symlink(target, ec)) target = fs::canonical(target, ec);
    if (ec) throw write_error(path, ec.message());
    std::string name = (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) throw write_error(path, os_error());
    const Temporary t{name, target};
    try {
        if (::fchmod(fd, exists ? (st.st_mode & 07777) : new_file_mode()) != 0) throw write_error(path, os_error());
        write_all(fd, content, path);
        if (::fsync(fd) != 0) throw write_error(path, os_error());
    } catch (...) {
        ::close(fd);
        ::unlink(name.c_str());
        throw;
    }
    if (::close(fd) != 0) {
        ::unlink(name.c_str());
        throw write_error(path, os_error());
    }
    return t;
}

bool is_special(const fs::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
}

}  // namespace

void check_output_path(const fs::path& path, const std::string& option) {
    const fs::path target = with_folder(path);
    const std::string allowed = "a file path in an existing, writable folder";
    struct stat st {};
    const bool exists = ::stat(target.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) throw path_error(path, option, "is a directory", "a file path");
    if (exists && !S_ISREG(st.st_mode)) {
        if (::access(target.c_str(), W_OK) != 0) throw path_error(path, option, "cannot write: " + os_error(), allowed);
        return;  // written through at commit
    }
    struct stat link {};
    if (!exists && ::lstat(target.c_str(), &link) == 0)
        throw path_error(path, option, "a symbolic link to nothing", "a file path, or a link to an existing file");
    if (exists && ::access(target.c_str(), W_OK) != 0)
        throw path_error(path, option, "the file is read-only", "a writable file, or a new file's path");
    std::error_code ec;
    const fs::path real = exists ? fs::canonical(target, ec) : target;
    if (!fs::is_directory(real.parent_path(), ec)) throw path_error(path, option, "the folder does not exist", allowed);
    if (::access(real.parent_path().c_str(), W_OK | X_OK) != 0)
        throw path_error(path, option, "cannot write in the folder: " + os_error(), allowed);
}

void RunOutputs::expect(const fs::path& path, const std::string& option) { check_output_path(path, option); }

void RunOutputs::stage(const fs::path& path, std::string content, const std::string& option) {
    for (File& f : files_) {
        if (f.path != path) continue;
        f.content = std::move(content);
        return;
    }
    files_.push_back({path, option, std::move(content)});
}

void RunOutputs::stage_stdout(std::string_view text) { stdout_.append(text); }

void RunOutputs::commit() {
    std::vector<Temporary> staged;
    try {
        for (const File& f : files_) {
            check_output_path(f.path, f.option);  // the folder may have changed during the run
            if (is_special(with_folder(f.path))) continue;
            staged.push_back(write_temporary(f.path, f.content));
        }
    } catch (...) {
        for (const Temporary& t : staged) ::unlink(t.temporary.c_str());
        throw;
    }
    for (const Temporary& t : staged) {
        if (std::rename(t.temporary.c_str(), t.target.c_str()) != 0) {
            const std::string why = os_error();
            ::unlink(t.temporary.c_str());
            throw write_error(t.target, why);
        }
    }
    for (const File& f : files_)
        if (is_special(with_folder(f.path))) write_through(with_folder(f.path), f.content);
    files_.clear();
    write_stdout(stdout_);
    stdout_.clear();
}

void write_file_atomically(const fs::path& path, std::string_view content, const std::string& option) {
    RunOutputs outputs;
    outputs.stage(path, std::string(content), option);
    outputs.commit();
}

void write_stdout(std::string_view text) {
    if (!text.empty()) std::fwrite(text.data(), 1, text.size(), stdout);
    if (std::fflush(stdout) != 0 || std::ferror(stdout))
        throw OutputError(std::string("cannot write standard output: ") + os_error());
}

}  // namespace lightwatt
