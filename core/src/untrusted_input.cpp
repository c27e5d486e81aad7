// The readers' defences against hostile input (untrusted_input.hpp, docs/security.md).
#include "lightwatt/core/untrusted_input.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lightwatt/core/error.hpp"

namespace lightwatt {

namespace {

std::string file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

// Closes the descriptor on every path out of read_input_file.
struct Descriptor {
    int fd;
    ~Descriptor() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::string read_input_file(const std::filesystem::path& path, const std::string& allowed, std::uintmax_t max_bytes) {
    const std::string name = path.string();
    auto fail = [&](const std::string& problem) { return InputError({name, 0, "", "", problem, allowed}); };
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked on the open file.
    const Descriptor d{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (d.fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) throw fail("file not found");
        throw fail(std::string("cannot open file: ") + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(d.fd, &st) != 0) throw fail(std::string("cannot read file: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw fail(file_kind(st.st_mode) + ", not a regular file");
    if (static_cast<std::uintmax_t>(st.st_size) > max_bytes)
        throw fail("file too large (" + std::to_string(st.st_size) + " bytes)" + ", more than the limit of " +
                   std::to_string(max_bytes) + " bytes");
    std::string text;
    text.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t got = ::read(d.fd, text.data() + done, text.size() - done);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw fail(std::string("cannot read file: ") + std::strerror(errno));
        if (got == 0) break;  // the file shrank while being read
        done += static_cast<std::size_t>(got);
    }
    text.resize(done);
    return text;
}

namespace {

// One pass over TOML or JSON text that tracks how deep the parser would have to recurse.
class NestingScanner {
public:
    NestingScanner(std::string_view text, const std::string& file, Syntax syntax)
        : t_(text), file_(file), toml_(syntax == Syntax::toml) {}

    void run() {
        while (i_ < t_.size()) step();
    }

private:
    void step() {
        const char ch = t_[i_];
        if (ch == '\n') return newline();
        if (ch == '"' || (toml_ && ch == '\'')) return skip_string(ch);
        if (toml_ && ch == '#') {
            while (i_ < t_.size() && t_[i_] != '\n') ++i_;
            return;
        }
        ++i_;
        if (ch == ' ' || ch == '\t' || ch == '\r') return;
        const bool fresh = fresh_line_;
        fresh_line_ = false;
        if (toml_) return toml_char(ch, fresh);
        if (ch == '[' || ch == '{')
            push(ch);
        else if (ch == ']' || ch == '}')
            pop();
    }

    void toml_char(char ch, bool fresh) {
        switch (ch) {
            case '[':
                if (fresh && stack_.empty()) return begin_header();
                return push(ch);
            case ']':
                if (in_header_) return end_header();
                return pop();
            case '{':
                push(ch);
                at_key_ = true;
                return;
            case '}':
                pop();
                at_key_ = false;
                return;
            case '=': at_key_ = false; return;
            case ',':
                if (!stack_.empty() && stack_.back() == '{') {
                    at_key_ = true;
                    key_dots_ = 0;
                }
                return;
            case '.':
                if (in_header_)
                    ++header_dots_;
                else if (at_key_)
                    ++key_dots_;
                return check();
            default: return;
        }
    }

    void begin_header() {
        in_header_ = true;
        header_dots_ = 0;
        if (i_ < t_.size() && t_[i_] == '[') ++i_;
    }
    void end_header() {
        in_header_ = false;
        if (i_ < t_.size() && t_[i_] == ']') ++i_;
    }

    void newline() {
        ++i_;
        ++line_;
        if (!stack_.empty()) return;  // an array or inline table goes on
        fresh_line_ = true;
        at_key_ = true;
        in_header_ = false;
        key_dots_ = 0;
    }

    void push(char ch) {
        stack_.push_back(ch);
        saved_dots_.push_back(key_dots_);
        saved_total_ += key_dots_;
        key_dots_ = 0;
        check();
    }
    void pop() {
        if (stack_.empty()) return;  // malformed: the parser reports it
        stack_.pop_back();
        saved_total_ -= saved_dots_.back();
        saved_dots_.pop_back();
    }

    void check() const {
        const std::size_t depth = stack_.size() + static_cast<std::size_t>(header_dots_ + key_dots_ + saved_total_);
        if (depth <= static_cast<std::size_t>(kMaxNesting)) return;
        const char* what = toml_ ? " levels (tables, dotted keys, arrays and inline tables together)"
                                 : " levels of arrays and objects";
        throw InputError({file_, line_, "", "", "nesting deeper than " + std::to_string(kMaxNesting) + what,
                          "at most " + std::to_string(kMaxNesting) + " levels of nesting"});
    }

    void skip_string(char quote) {
        const bool triple = toml_ && t_.substr(i_, 3) == std::string(3, quote);
        const std::size_t open = triple ? 3 : 1;
        i_ += open;
        fresh_line_ = false;
        const bool escapes = quote == '"';
        while (i_ < t_.size()) {
            const char ch = t_[i_];
            if (escapes && ch == '\\') {
                i_ += 2;
                continue;
            }
            if (ch == '\n') {
                ++line_;
                if (!triple) return;  // unterminated: the parser reports it
            }
            if (ch == quote && (!triple || t_.substr(i_, 3) == std::string(3, quote))) {
                i_ += open;
                return;
            }
            ++i_;
        }
    }

    std::string_view t_;
    const std::string& file_;
    bool toml_;
    std::size_t i_ = 0;
    int line_ = 1;
    bool fresh_line_ = true, at_key_ = true, in_header_ = false;
    int header_dots_ = 0, key_dots_ = 0, saved_total_ = 0;
    std::vector<char> stack_;
    std::vector<int> saved_dots_;
};

void append_escape(std::string& out, unsigned char c) {
    switch (c) {
        case '\n': out += "\\n"; return;
        case '\r': out += "\\r"; return;
        case '\t': out += "\\t"; return;
        default: {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
}

}  // namespace

void check_nesting(std::string_view text, const std::string& file, Syntax syntax) {
    NestingScanner(text, file, syntax).run();
}

std::string escape_text(std::string_view s, bool keep_newlines) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '\n' && keep_newlines) {
            out += '\n';
        } else if (c < 0x20 || c == 0x7f) {
            append_escape(out, c);
        } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
            // A C1 control (CSI, OSC, ...) in UTF-8: some terminals act on it.
            append_escape(out, c);
            append_escape(out, static_cast<unsigned char>(s[++i]));
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string escaped_prefix(std::string_view s, std::size_t max_chars) {
    if (s.size() <= max_chars) return escape_text(s);
    return escape_text(s.substr(0, max_chars)) + "...";
}

}  // namespace lightwatt
