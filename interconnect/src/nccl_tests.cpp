#include "lightwatt/interconnect/nccl_tests.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "lightwatt/core/error.hpp"
#include "lightwatt/core/untrusted_input.hpp"

namespace lightwatt::interconnect {

namespace {

std::vector<std::string> split_fields(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
        if (i > start) out.emplace_back(s.substr(start, i - start));
    }
    return out;
}

bool is_digits(std::string_view s, bool allow_comma = false) {
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(),
                       [&](char ch) { return (ch >= '0' && ch <= '9') || (allow_comma && ch == ','); });
}

// "[1,0]<stdout>:" (mpirun --tag-output) or "[0]" in front of a line or a field.
// Longest time and highest bandwidth a row may report: eleven days, ten PB/s.
constexpr double kMaxTimeUs = 1e12, kMaxGbytePerS = 1e7;

bool starts_like_a_row(const std::string& field) {
    if (field.size() > 1 && (field[0] == '-' || field[0] == '+')) return is_digits(field.substr(1, 1));
    return is_digits(field);
}

std::size_t mpi_tag_length(std::string_view s) {
    if (s.empty() || s.front() != '[') return 0;
    const std::size_t close = s.find(']');
    if (close == std::string_view::npos || !is_digits(s.substr(1, close - 1), true)) return 0;
    std::size_t end = close + 1;
    for (const std::string_view stream : {"<stdout>:", "<stderr>:"})
        if (s.substr(end, stream.size()) == stream) end += stream.size();
    return end;
}

std::string_view strip_mpi_tags(std::string_view s) {
    for (;;) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        const std::size_t tag = mpi_tag_length(s);
        if (tag == 0) return s;
        s.remove_prefix(tag);
    }
}

std::optional<double> parse_number(const std::string& s) {
    if (s.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<long long> parse_integer(const std::string& s) {
    std::string_view digits = s;
    if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
    if (!is_digits(digits) || digits.size() > 18) return std::nullopt;
    return std::stoll(s);
}

// The columns of a result row, from the header ("size count type redop root time algbw busbw
// #wrong time ..."), or assumed from the field count when the log has no header.
struct Layout {
    bool has_redop = true;
    bool has_root = true;
    int half_width = 4;  // time algbw busbw [#wrong|error] [i_min i_max i_p99 i_cv%]
    bool has_error = true;
    bool has_timestamp = false;
    [[nodiscard]] int lead() const { return 3 + (has_redop ? 1 : 0) + (has_root ? 1 : 0); }
    [[nodiscard]] int fields() const { return lead() + 2 * half_width + (has_timestamp ? 2 : 0); }
};

std::optional<Layout> layout_from_header(const std::vector<std::string>& f) {
    if (f.size() < 6 || f[0] != "size" || f[1] != "count" || f[2] != "type") return std::nullopt;
    Layout l;
    std::size_t i = 3;
    l.has_redop = i < f.size() && f[i] == "redop";
    if (l.has_redop) ++i;
    l.has_root = i < f.size() && f[i] == "root";
    if (l.has_root) ++i;
    std::vector<std::size_t> times;
    for (std::size_t j = i; j < f.size(); ++j)
        if (f[j] == "time" || f[j] == "cputime") times.push_back(j);
    if (times.size() != 2 || times[0] != i) return std::nullopt;
    l.half_width = static_cast<int>(times[1] - times[0]);
    if (l.half_width < 3 || f[times[0] + 1] != "algbw" || f[times[0] + 2] != "busbw") return std::nullopt;
    l.has_error =
        l.half_width >= 4 && (f[times[0] + 3] == "#wrong" || f[times[0] + 3] == "error" || f[times[0] + 3] == "wrong");
    const std::size_t rest = f.size() - times[1];
    l.has_timestamp = rest == static_cast<std::size_t>(l.half_width) + 1 && f.back() == "timestamp";
    if (rest != static_cast<std::size_t>(l.half_width) + (l.has_timestamp ? 1 : 0)) return std::nullopt;
    return l;
}

std::optional<Layout> layout_from_field_count(std::size_t n) {
    Layout l;
    if (n == 13) return l;  // v2.13+: size count type redop root, then 2 x 4
    l.has_root = false;
    if (n == 12) return l;  // pre-2.13 all_reduce / reduce_scatter: redop, no root
    l.has_redop = false;
    if (n == 11) return l;  // pre-2.13 all_gather, oldest layouts: neither
    return std::nullopt;
}

class Parser {
public:
    Parser(std::string file, std::optional<Collective> given) : file_(std::move(file)), given_(given) {}

    void line(std::string_view raw, int number) {
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        std::string_view s = strip_mpi_tags(raw);
        if (s.find("NCCL INFO") != std::string_view::npos || s.find("NCCL WARN") != std::string_view::npos ||
            s.find("NCCL TRACE") != std::string_view::npos)
            return;
        std::string_view body = s;
        while (!body.empty() && (body.front() == '#' || body.front() == ' ' || body.front() == '\t'))
            body.remove_prefix(1);
        const bool commented = !s.empty() && s.front() == '#';
        auto starts = [&](std::string_view prefix) { return body.substr(0, prefix.size()) == prefix; };
        if (starts("nccl-tests version")) {
            const auto f = split_fields(body);
            finish();
            pending_version_ = f.size() > 2 ? f[2] : "";
            return;
        }
        if (starts("Collective test starting:")) {
            finish();
            const auto f = split_fields(body.substr(std::string_view("Collective test starting:").size()));
            start(number);
            current_.program = f.empty() ? "" : f.front();
            if (auto c = collective_from_program(current_.program)) current_.collective = c;
            return;
        }
        if (starts("Collective test concluded")) {
            finish();
            return;
        }
        if (starts("Using devices")) {
            if (open_ && !current_.rows.empty()) finish();
            if (!open_) start(number);
            hosts_.clear();
            current_.devices.clear();
            current_.ranks = current_.nodes = 0;
            return;
        }
        if (starts("Rank") && body.find(" on ") != std::string_view::npos &&
            body.find("device") != std::string_view::npos) {
            if (!open_) start(number);
            const auto f = split_fields(body);
            const auto on = std::find(f.begin(), f.end(), "on");
            if (on != f.end() && on + 1 != f.end()) hosts_.insert(*(on + 1));
            const std::size_t bracket = body.find(']');
            std::string name = bracket == std::string_view::npos ? "" : std::string(body.substr(bracket + 1));
            name.erase(0, name.find_first_not_of(' '));
            while (!name.empty() && name.back() == ' ') name.pop_back();
            current_.devices.push_back(name);
            current_.ranks = static_cast<int>(current_.devices.size());
            current_.nodes = static_cast<int>(hosts_.size());
            return;
        }
        if (starts("Avg bus bandwidth")) {
            const std::size_t colon = body.find(':');
            const auto f = split_fields(colon == std::string_view::npos ? std::string_view{} : body.substr(colon + 1));
            const auto v = f.empty() ? std::nullopt : parse_number(f.front());
            if (!v || *v < 0.0)
                throw InputError({file_, number, "Avg bus bandwidth", std::string(body), "not a bandwidth",
                                  "a non-negative number of GB/s after the colon"});
            if (open_) current_.reported_avg_busbw = gigabytes_per_second(*v);
            return;
        }
        std::vector<std::string> f = split_fields(body);
        f.erase(std::remove_if(f.begin(), f.end(), [](const std::string& t) { return mpi_tag_length(t) == t.size(); }),
                f.end());
        if (f.empty()) return;
        if (auto l = layout_from_header(f)) {
            if (open_ && !current_.rows.empty()) finish();
            if (!open_) start(number);
            layout_ = l;
            return;
        }
        // Comments, units lines, other programs' output; a signed number starts a (bad) row, which
        // row() reports rather than skip.
        if (commented || !starts_like_a_row(f.front())) return;
        row(f, number);
    }

    std::vector<NcclTestsRun> done() {
        finish();
        if (runs_.empty())
            throw InputError({file_, 0, "", "", "no nccl-tests result rows found",
                              "the standard output of an nccl-tests program (for example all_reduce_perf)"});
        return std::move(runs_);
    }

private:
    void start(int number) {
        open_ = true;
        current_ = NcclTestsRun{};
        current_.file = file_;
        current_.first_line = number;
        current_.version = pending_version_;
        current_.collective = given_;
        if (!previous_devices_.empty()) {  // a repeated header without its own device list
            current_.devices = previous_devices_;
            current_.ranks = previous_ranks_;
            current_.nodes = previous_nodes_;
        }
    }

    void finish() {
        if (!open_) return;
        open_ = false;
        if (!current_.devices.empty()) {
            previous_devices_ = current_.devices;
            previous_ranks_ = current_.ranks;
            previous_nodes_ = current_.nodes;
        }
        if (!current_.rows.empty()) runs_.push_back(std::move(current_));
        layout_.reset();
        pending_version_.clear();
    }

    NcclTestsHalf half(const std::vector<std::string>& f, std::size_t at, const Layout& l, int number) const {
        const auto time = parse_number(f[at]);
        const auto algbw = parse_number(f[at + 1]);
        const auto busbw = parse_number(f[at + 2]);
        auto bad = [&](std::size_t i, const char* what, const char* allowed) {
            return InputError({file_, number, "field " + std::to_string(i + 1), f[i], what, allowed});
        };
        // Bounded here, at the row, so that an absurd value is reported where it is and not as a
        // failed fit at the run's first line.
        if (!time || *time <= 0.0 || *time > kMaxTimeUs)
            throw bad(at, "not a time", "a positive number of microseconds, at most 1e12");
        if (!algbw || *algbw < 0.0 || *algbw > kMaxGbytePerS)
            throw bad(at + 1, "not an algbw", "a non-negative number of GB/s, at most 1e7");
        if (!busbw || *busbw < 0.0 || *busbw > kMaxGbytePerS)
            throw bad(at + 2, "not a busbw", "a non-negative number of GB/s, at most 1e7");
        NcclTestsHalf h{microseconds(*time), gigabytes_per_second(*algbw), gigabytes_per_second(*busbw), std::nullopt};
        if (l.has_error && f[at + 3] != "N/A") {
            const auto wrong = parse_number(f[at + 3]);
            if (!wrong || *wrong < 0.0)
                throw bad(at + 3, "not a #wrong count or error", "a non-negative number or N/A");
            h.wrong = wrong;
        }
        return h;
    }

    void row(const std::vector<std::string>& f, int number) {
        const std::optional<Layout> l = layout_ ? layout_ : layout_from_field_count(f.size());
        if (!l || static_cast<int>(f.size()) != l->fields()) {
            const std::string expected =
                l ? std::to_string(l->fields()) + " fields, as the header above it" : "11, 12 or 13 fields";
            throw InputError({file_, number, "result row", std::to_string(f.size()) + " fields",
                              "malformed nccl-tests result row", expected});
        }
        if (!open_) start(number);
        NcclTestsRow r;
        r.line = number;
        const auto size = parse_integer(f[0]);
        const auto count = parse_integer(f[1]);
        if (!size || *size <= 0)
            throw InputError({file_, number, "size", f[0], "not a size", "a positive whole number of bytes"});
        if (!count || *count < 0)
            throw InputError({file_, number, "count", f[1], "not a count", "a whole number of elements"});
        r.size = bytes(static_cast<double>(*size));
        r.count = *count;
        r.type = f[2];
        std::size_t at = 3;
        if (l->has_redop) r.redop = f[at++];
        if (l->has_root) {
            const auto root = parse_integer(f[at]);
            if (!root || *root < -1 || *root > 1000000)
                throw InputError({file_, number, "root", f[at], "not a root rank", "-1 or a rank number"});
            r.root = static_cast<int>(*root);
            ++at;
        }
        r.out_of_place = half(f, at, *l, number);
        r.in_place = half(f, at + static_cast<std::size_t>(l->half_width), *l, number);
        current_.rows.push_back(std::move(r));
    }

    std::string file_;
    std::optional<Collective> given_;
    std::vector<NcclTestsRun> runs_;
    NcclTestsRun current_;
    bool open_ = false;
    std::optional<Layout> layout_;
    std::string pending_version_;
    std::set<std::string> hosts_;
    std::vector<std::string> previous_devices_;
    int previous_ranks_ = 0, previous_nodes_ = 0;
};

}  // namespace

std::vector<NcclTestsRun> parse_nccl_tests(std::string_view text, const std::string& file,
                                           std::optional<Collective> collective) {
    Parser p(file, collective);
    int number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string_view line =
            text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        ++number;
        if (line.find('\0') != std::string_view::npos)
            throw InputError({file, number, "", "a NUL byte", "binary data in a text log", "nccl-tests text output"});
        p.line(line, number);
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return p.done();
}

std::vector<NcclTestsRun> read_nccl_tests_file(const std::string& path, std::optional<Collective> collective) {
    return parse_nccl_tests(read_input_file(path, "a readable nccl-tests log", kMaxTextFileBytes), path, collective);
}

NcclTestsCheck check_run(const NcclTestsRun& run) {
    NcclTestsCheck c;
    double sum = 0.0, peak = 0.0;
    int halves = 0;
    const double factor = run.collective && run.ranks > 0 ? bus_bandwidth_factor(*run.collective, run.ranks) : 0.0;
    for (const auto& row : run.rows) {
        for (const NcclTestsHalf* h : {&row.out_of_place, &row.in_place}) {
            const double algbw = in_gigabytes_per_second(h->algbw), busbw = in_gigabytes_per_second(h->busbw);
            sum += busbw;
            peak = std::max(peak, busbw);
            ++halves;
            // Printed to 2 decimals: compare above 1 GB/s only.
            const double recomputed_algbw = in_gigabytes_per_second(row.size / h->time);
            if (algbw >= 1.0)
                c.max_algbw_deviation = std::max(c.max_algbw_deviation, std::abs(recomputed_algbw - algbw) / algbw);
            if (factor > 0.0 && busbw >= 1.0)
                c.max_busbw_deviation = std::max(c.max_busbw_deviation, std::abs(algbw * factor - busbw) / busbw);
        }
    }
    c.avg_busbw = gigabytes_per_second(halves > 0 ? sum / halves : 0.0);
    c.peak_busbw = gigabytes_per_second(peak);
    if (run.reported_avg_busbw && in_gigabytes_per_second(*run.reported_avg_busbw) > 0.0)
        c.avg_busbw_deviation =
            std::abs(in_gigabytes_per_second(c.avg_busbw) - in_gigabytes_per_second(*run.reported_avg_busbw)) /
            in_gigabytes_per_second(*run.reported_avg_busbw);
    return c;
}

}  // namespace lightwatt::interconnect
