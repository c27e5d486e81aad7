#include "sweep_command.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <sstream>

#include <unistd.h>

#include "lightwatt/core/error.hpp"
#include "lightwatt/core/parallel_for.hpp"
#include "lightwatt/core/untrusted_input.hpp"
#include "lightwatt/study/sweep_merge.hpp"
#include "lightwatt/study/sweep_run.hpp"

namespace lightwatt::cli {

namespace {

using namespace lightwatt::study;

// Set by SIGINT; lock-free, so the handler may store to it.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_sigint(int) { g_interrupted.store(true); }

// SIGINT stops the sweep after the chunk in progress; a second one (SA_RESETHAND) ends the
// process at once, which leaves the same consistent folder (chunks and manifest are atomic).
class InterruptScope {
public:
    InterruptScope() {
        struct sigaction action {};
        action.sa_handler = on_sigint;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND;
        sigaction(SIGINT, &action, &previous_);
    }
    ~InterruptScope() { sigaction(SIGINT, &previous_, nullptr); }
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

private:
    struct sigaction previous_ {};
};

// Points done and total, rate and time left, on one line redrawn in place.
class Progress {
public:
    explicit Progress(bool shown) : shown_(shown), start_(std::chrono::steady_clock::now()) {}
    void operator()(std::size_t done, std::size_t total, std::size_t done_at_start) {
        if (!shown_) return;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        const double rate = seconds > 0.0 ? static_cast<double>(done - done_at_start) / seconds : 0.0;
        const double left = rate > 0.0 ? static_cast<double>(total - done) / rate : 0.0;
        std::fprintf(stderr, "\rsweep: %zu/%zu points (%.1f %%), %.0f points/s, ETA %.0f s   ", done, total,
                     100.0 * static_cast<double>(done) / static_cast<double>(total), rate, left);
        std::fflush(stderr);
        drawn_ = true;
    }
    ~Progress() {
        if (drawn_) std::fputc('\n', stderr);
    }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

private:
    bool shown_, drawn_ = false;
    std::chrono::steady_clock::time_point start_;
};

RowFormat format_flag(const std::string& format) {
    if (const auto f = enum_parse<RowFormat>(format)) return *f;
    throw InputError::unknown("--format", format, enum_names<RowFormat>(), "unknown format");
}

std::string summary(const SweepOutcome& r, const std::string& dir) {
    const SweepManifest& m = r.manifest;
    std::ostringstream text;
    text << (r.complete ? "Sweep complete: " : "Sweep interrupted: ");
    if (m.shard) text << "shard " << m.shard->text() << ", ";
    text << m.chunks_done << " of " << m.range().size() << " chunks in " << dir << " (" << m.points
         << " design points x " << m.options << " options, " << enum_name(m.format) << "; " << r.chunks_written
         << " chunks written by this run).\n";
    if (!r.complete) text << "Continue with the same command and --resume.\n";
    return text.str();
}

int merge(const SweepOptions& o, const OutputOptions& out) {
    const std::vector<std::filesystem::path> dirs(o.inputs.begin(), o.inputs.end());
    const SweepManifest m = merge_shards(dirs, o.out_dir);
    if (out.json) {
        emit(out, manifest_json(m));
        return 0;
    }
    std::ostringstream text;
    text << "Sweep merged: " << m.chunks << " chunks of " << dirs.size() << " shards in " << o.out_dir << " ("
         << m.points << " design points x " << m.options << " options, " << enum_name(m.format) << ").\n";
    emit(out, text.str());
    return 0;
}

}  // namespace

int sweep(const std::filesystem::path& data_dir, const SweepOptions& o, const OutputOptions& out) {
    if (o.merge) return merge(o, out);
    if (o.inputs.size() != 1)
        throw InputError::at("SWEEP", std::to_string(o.inputs.size()) + " arguments", "more than one sweep file",
                             "one sweep file; several folders only with --merge");
    const RowFormat format = format_flag(o.format);
    const std::optional<Shard> shard = o.shard ? std::optional<Shard>(parse_shard(*o.shard, "--shard")) : std::nullopt;
    if (o.threads && *o.threads < 1)
        throw InputError::at("--threads", std::to_string(*o.threads), "no thread to run on", "1 or more");
    const SweepFile file = load_sweep_file(o.inputs.front());
    const mapping::Catalogs catalogs = mapping::load_catalogs(data_dir);
    const PointEvaluator evaluator(file, catalogs, data_dir);
    SweepRunOptions run;
    run.out_dir = o.out_dir;
    run.format = format;
    run.threads = o.threads.value_or(default_thread_count());
    run.resume = o.resume;
    run.shard = shard;
    run.stop = &g_interrupted;
    Progress progress(!o.quiet && ::isatty(STDERR_FILENO) == 1);
    std::size_t done_at_start = static_cast<std::size_t>(-1);
    run.progress = [&](std::size_t done, std::size_t total) {
        if (done_at_start == static_cast<std::size_t>(-1)) done_at_start = done - std::min(done, run.chunk_points);
        progress(done, total, done_at_start);
    };
    g_interrupted.store(false);
    const InterruptScope interrupt_scope;
    const SweepOutcome r = run_sweep(evaluator, data_dir, run);
    if (out.json)
        emit(out, manifest_json(r.manifest));
    else
        emit(out, summary(r, o.out_dir));
    return r.complete ? 0 : 130;
}

}  // namespace lightwatt::cli
