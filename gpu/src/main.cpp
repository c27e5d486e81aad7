// lightwatt-measure: cuBLASLt GEMMs, a bandwidth-bound copy and NCCL collectives on this
// machine's GPUs, with NVML energy, written as a calibration record (docs/calibration.md,
// "Measuring on a GPU"). Exit codes as lightwatt's (docs/contract.md): 0 success, 2 bad usage,
// 3 no GPU / NVML / NCCL at run time, 1 an internal error.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cuda_support.hpp"
#include "idle_power.hpp"
#include "measurements.hpp"
#if defined(LIGHTWATT_WITH_MPI)
#include <mpi.h>

#include "nccl_mpi.hpp"
#endif

using namespace lightwatt::gpu;

namespace {

constexpr const char* kUsage =
    "usage: lightwatt-measure gemm|memory|nccl|all [options]\n"
    "  --shapes MxNxK[,...]   GEMM shapes (default 4096x4096x4096,8192x8192x8192,2048x2048x2048,\n"
    "                         1024x4096x4096,16x8192x8192,64x8192x8192,128x8192x28672)\n"
    "  --dtypes LIST          GEMM types among bf16, fp16, fp8 (default all the GPU supports)\n"
    "  --min-bytes B          smallest copy / collective size (default 1 MiB copies, 8 KiB collectives)\n"
    "  --max-bytes B          largest (default 4 GiB copies, 1 GiB collectives)\n"
    "  --window-s S           seconds per timed window, >= 0.1 (default 1)\n"
    "  --no-energy            time only, without NVML\n"
    "  --quick                small sizes and 0.2 s windows (a smoke test)\n"
    "  -o FILE                write the record to FILE (atomically) instead of stdout\n";

struct Args {
    std::string verb;
    MeasureOptions options;
    std::optional<double> min_bytes, max_bytes;
    bool energy = true, quick = false;
    std::string output;
};

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, sep);)
        if (!item.empty()) out.push_back(item);
    return out;
}

double positive_number(const std::string& flag, const std::string& v) {
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || *end != '\0' || !(x > 0.0) || x > 1e15)
        throw UsageError(flag + " = " + v + ": not a positive number");
    return x;
}

Shape shape_of(const std::string& s) {
    const auto parts = split(s, 'x');
    if (parts.size() != 3) throw UsageError("--shapes: '" + s + "' is not MxNxK");
    Shape shape;
    long long* dims[] = {&shape.m, &shape.n, &shape.k};
    for (int i = 0; i < 3; ++i) {
        const double v = positive_number("--shapes", parts[static_cast<std::size_t>(i)]);
        if (v != static_cast<double>(static_cast<long long>(v)) || v > 1e6)
            throw UsageError("--shapes: '" + s + "': dimensions are whole numbers up to 1000000");
        *dims[i] = static_cast<long long>(v);
    }
    return shape;
}

Args parse(int argc, char** argv) {
    Args a;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) throw UsageError("no measurement given");
    if (args[0] == "--help" || args[0] == "-h") {
        std::cout << kUsage;
        std::exit(0);
    }
    a.verb = args[0];
    if (a.verb != "gemm" && a.verb != "memory" && a.verb != "nccl" && a.verb != "all")
        throw UsageError("unknown measurement '" + a.verb + "': allowed gemm, memory, nccl, all");
    std::string shapes =
        "4096x4096x4096,8192x8192x8192,2048x2048x2048,1024x4096x4096,16x8192x8192,64x8192x8192,128x8192x28672";
    std::string dtypes = "bf16,fp16,fp8";
    a.options.window_s = 1.0;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& f = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw UsageError(f + " needs a value");
            return args[++i];
        };
        if (f == "--shapes")
            shapes = value();
        else if (f == "--dtypes")
            dtypes = value();
        else if (f == "--min-bytes")
            a.min_bytes = positive_number(f, value());
        else if (f == "--max-bytes")
            a.max_bytes = positive_number(f, value());
        else if (f == "--window-s")
            a.options.window_s = positive_number(f, value());
        else if (f == "--no-energy")
            a.energy = false;
        else if (f == "--quick")
            a.quick = true;
        else if (f == "-o" || f == "--output")
            a.output = value();
        else
            throw UsageError("unknown option '" + f + "'");
    }
    if (a.quick) {
        shapes = "1024x1024x1024";
        dtypes = "bf16";
        a.options.window_s = 0.2;
        if (!a.min_bytes) a.min_bytes = 1 << 20;
        if (!a.max_bytes) a.max_bytes = 16 << 20;
    }
    if (a.options.window_s < 0.1)
        throw UsageError("--window-s must be at least 0.1 (the energy counter updates every 20-100 ms)");
    for (const auto& s : split(shapes, ',')) a.options.shapes.push_back(shape_of(s));
    a.options.dtypes = split(dtypes, ',');
    for (const auto& d : a.options.dtypes)
        if (d != "bf16" && d != "fp16" && d != "fp8")
            throw UsageError("--dtypes: unknown '" + d + "': allowed bf16, fp16, fp8");
    if (a.min_bytes && a.max_bytes && *a.min_bytes > *a.max_bytes)
        throw UsageError("--min-bytes is larger than --max-bytes");
    return a;
}

// The same commit as the CLI's (docs/security.md), restated here because gpu/ links only the
// standard library: a fresh mkstemp temporary beside the target (never a predictable name a
// planted link could redirect), the replaced file's mode, then rename; a target that exists and
// is not a regular file (a device, a FIFO) is written through, never replaced.
void write_all(int fd, const std::string& path, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw UsageError("-o " + path + ": write failed: " + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
}

void write_atomically(const std::string& path, const std::string& text) {
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) throw UsageError("-o " + path + ": cannot write there: " + std::strerror(errno));
        write_all(fd, path, text);
        ::close(fd);
        return;
    }
    const std::size_t slash = path.rfind('/');
    const std::string folder = slash == std::string::npos ? "." : path.substr(0, slash);
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string temporary = folder + "/." + name + ".XXXXXX";
    const int fd = ::mkstemp(temporary.data());
    if (fd < 0) throw UsageError("-o " + path + ": cannot write there: " + std::strerror(errno));
    const mode_t mask = ::umask(0);
    ::umask(mask);
    try {
        if (::fchmod(fd, exists ? (st.st_mode & 07777) : (0666 & ~mask)) != 0)
            throw UsageError("-o " + path + ": cannot write there: " + std::strerror(errno));
        write_all(fd, path, text);
        if (::fsync(fd) != 0) throw UsageError("-o " + path + ": write failed: " + std::strerror(errno));
    } catch (...) {
        ::close(fd);
        ::unlink(temporary.c_str());
        throw;
    }
    if (::close(fd) != 0 || std::rename(temporary.c_str(), path.c_str()) != 0) {
        ::unlink(temporary.c_str());
        throw UsageError("-o " + path + ": cannot rename into place");
    }
}

std::string today() {
    const std::time_t t = std::time(nullptr);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buffer;
}

// The GPUs of this machine, counted through NVML when it loads: it opens no CUDA context and
// starts no CUDA runtime, so an idle GPU stays idle for the device idle measurement. Without NVML
// (--no-energy), through the CUDA runtime.
int gpu_count(const Nvml* nvml) {
    if (nvml != nullptr && nvml->available()) return static_cast<int>(nvml->device_count().value_or(0));
    int devices = 0;
    return cudaGetDeviceCount(&devices) == cudaSuccess ? devices : 0;
}

// Settling and idle windows: up to 30 s to settle over a 2 s window (5 s over 1 s in quick mode),
// then the energy counter over at least 1 s (0.5 s).
IdleOptions idle_options(const Args& a) {
    IdleOptions o;
    if (a.quick) {
        o.settle.max_s = 5.0;
        o.settle.window_s = 1.0;
        o.window_s = 0.5;
        return o;
    }
    o.window_s = std::max(1.0, a.options.window_s);
    return o;
}

// One idle state's measurement, said on stderr as it starts and ends.
std::optional<IdleState> idle_state(const Nvml& nvml, const std::vector<int>& devices, const IdleOptions& o,
                                    const char* name) {
    std::fprintf(stderr, "lightwatt-measure: %s: settling (up to %.0f s)\n", name, o.settle.max_s);
    auto s = measure_idle(nvml, devices, o);
    if (s) std::fprintf(stderr, "  %s\n", describe(name, *s).c_str());
    if (!s) std::fprintf(stderr, "lightwatt-measure: %s: NVML could not read power, clocks or energy\n", name);
    return s;
}

// Throws the missing-resource error of a machine without a CUDA GPU, if this is one.
void require_cuda_gpu() {
    int devices = 0;
    const cudaError_t e = cudaGetDeviceCount(&devices);
    if (e != cudaSuccess || devices == 0)
        throw MissingResource(std::string("no CUDA GPU on this machine (cudaGetDeviceCount: ") +
                              (e != cudaSuccess ? cudaGetErrorString(e) : "0 devices") + ")");
}

// A CUDA context on each of `devices`, as a measurement holds one: the state of context idle.
void open_contexts(const std::vector<int>& devices) {
    for (const int d : devices) {
        LW_CUDA(cudaSetDevice(d));
        LW_CUDA(cudaFree(nullptr));
    }
}

std::vector<int> first_devices(int count) {
    std::vector<int> out;
    for (int d = 0; d < count; ++d) out.push_back(d);
    return out;
}

std::string power_source(const std::optional<IdleState>& device_idle, const std::optional<IdleState>& context_idle) {
    std::string s = "measured: NVML total-energy counters, each window's power taken between two of their updates";
    if (context_idle) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, " (every %.0f ms here)", context_idle->update_period_s * 1e3);
        s += buffer;
    }
    if (device_idle) s += "; " + describe("device idle (no CUDA context)", *device_idle);
    if (context_idle) s += "; " + describe("context idle (a CUDA context, no kernel)", *context_idle);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    // NVML before anything touches CUDA (docs/calibration.md, "Measuring on a GPU"): the device idle
    // is measured before this process opens a CUDA context.
    std::unique_ptr<Nvml> nvml = std::make_unique<Nvml>();
#if defined(LIGHTWATT_WITH_MPI)
    // Under mpirun: one process per GPU; rank 0 measures GEMMs and copies and writes the record.
    const std::optional<MpiSession> mpi = start_mpi(&argc, &argv, gpu_count(nvml.get()));
    const bool writer = !mpi || mpi->rank == 0;
    auto finish = [&](int code) {
        if (mpi) {
            if (code != 0) MPI_Abort(MPI_COMM_WORLD, code);
            stop_mpi();
        }
        return code;
    };
#else
    const bool writer = true;
    auto finish = [](int code) { return code; };
#endif
    try {
        Args a = parse(argc, argv);
        if (!a.energy) nvml.reset();
        if (nvml && !nvml->available()) {
            require_cuda_gpu();
            throw MissingResource("NVML unavailable (" + nvml->error() +
                                  "); run with --no-energy to measure time only");
        }
        const int devices = gpu_count(nvml.get());
        if (devices == 0) require_cuda_gpu();
        a.options.nvml = nvml.get();
        Record r;
        std::ostringstream command;
        for (int i = 0; i < argc; ++i) command << (i ? " " : "") << argv[i];
        r.command = command.str();
        r.date = today();
        int device = 0;
        bool under_mpi = false;
#if defined(LIGHTWATT_WITH_MPI)
        under_mpi = mpi.has_value();
        if (mpi) device = mpi->local_device;
#endif
        // The GPUs this process drives: all of the machine's, or under MPI its own.
        std::vector<int> driven = under_mpi ? std::vector<int>{device} : first_devices(devices);
        const IdleOptions idle = idle_options(a);
        std::optional<IdleState> device_idle, context_idle;
        if (nvml && writer) device_idle = idle_state(*nvml, driven, idle, "device idle (no CUDA context)");
        int cuda_devices = 0;
        LW_CUDA(cudaGetDeviceCount(&cuda_devices));
        if (!under_mpi) driven = first_devices(cuda_devices);  // CUDA_VISIBLE_DEVICES may hide some
        open_contexts(driven);
        if (nvml && writer) context_idle = idle_state(*nvml, driven, idle, "context idle (a CUDA context, no kernel)");
        cudaDeviceProp prop{};
        cudaGetDeviceProperties(&prop, device);
        r.gpu_model = prop.name;
        r.gpu_count = cuda_devices;
        int runtime = 0;
        cudaRuntimeGetVersion(&runtime);
        r.cuda_version = std::to_string(runtime / 1000) + "." + std::to_string(runtime % 1000 / 10);
        r.nccl_version = nccl_version();
        if (nvml) {
            const auto index = static_cast<unsigned>(device);
            r.sm_clock_mhz = nvml->sm_clock_mhz(index);
            r.memory_clock_mhz = nvml->memory_clock_mhz(index);
            r.power_limit_w = nvml->power_limit_w(index);
            r.energy_measured = true;
            r.power_source = power_source(device_idle, context_idle);
            if (device_idle) {
                r.device_idle_power_w = device_idle->power_w;
                r.device_idle_sm_clock_mhz = device_idle->sm_clock_mhz;
            }
            if (context_idle) {
                r.context_idle_power_w = context_idle->power_w;
                r.context_idle_sm_clock_mhz = context_idle->sm_clock_mhz;
            }
            a.options.context_idle_power_w = r.context_idle_power_w;
            a.options.power_limit_w = r.power_limit_w;
        }
        const bool all = a.verb == "all";
        if (writer && (all || a.verb == "gemm")) {
            std::fprintf(stderr, "lightwatt-measure: GEMMs on %s\n", prop.name);
            r.gemm = measure_gemm(a.options);
            for (const auto& g : r.gemm)
                if (g.mean_power_w && (!r.compute_bound_power_w || *g.mean_power_w > *r.compute_bound_power_w))
                    r.compute_bound_power_w = g.mean_power_w;
        }
        if (writer && (all || a.verb == "memory")) {
            std::fprintf(stderr, "lightwatt-measure: copies on %s\n", prop.name);
            MeasureOptions o = a.options;
            o.min_bytes = a.min_bytes.value_or(1 << 20);
            o.max_bytes = a.max_bytes.value_or(4.0 * (1 << 30));
            r.memory = measure_memory(o);
            if (!r.memory.empty()) r.memory_bound_power_w = r.memory.back().mean_power_w;
        }
        if (all || a.verb == "nccl") {
            std::fprintf(stderr, "lightwatt-measure: NCCL %s collectives on %d GPU(s)\n", r.nccl_version.c_str(),
                         devices);
            MeasureOptions o = a.options;
            o.min_bytes = a.min_bytes.value_or(8192);
            o.max_bytes = a.max_bytes.value_or(1 << 30);
#if defined(LIGHTWATT_WITH_MPI)
            if (mpi) {
                r.collectives = measure_nccl_mpi(o, *mpi);
                r.gpu_count = mpi->size;
                r.nodes = mpi->nodes;
            } else {
                r.collectives = measure_nccl(o);
            }
#else
            r.collectives = measure_nccl(o);
#endif
        }
        if (!writer) return finish(0);
        // Reported and counted, never clamped or dropped: a mean power above the enforced limit is
        // a window artefact or a GPU that overshoots it, and either is worth seeing.
        for (const auto& w : windows_above_power_limit(r))
            std::fprintf(stderr,
                         "lightwatt-measure: warning: mean power per GPU above the enforced limit (%.0f W): %s\n",
                         r.power_limit_w.value_or(0.0), w.c_str());
        const std::string json = record_json(r);
        if (a.output.empty())
            std::cout << json;
        else
            write_atomically(a.output, json);
        for (const auto& g : r.gemm)
            std::fprintf(stderr, "  gemm %s %lldx%lldx%lld: %.1f TFLOP/s\n", g.dtype.c_str(), g.m, g.n, g.k,
                         g.tflop_per_s);
        for (const auto& m : r.memory) std::fprintf(stderr, "  copy %.0f B: %.1f GB/s\n", m.bytes, m.gbyte_per_s);
        for (const auto& c : r.collectives)
            if (!c.rows.empty())
                std::fprintf(stderr, "  %s on %d: %.1f GB/s busbw at %.0f B\n", c.collective.c_str(), c.ranks,
                             c.rows.back().busbw_gbyte_per_s, c.rows.back().bytes);
        return finish(0);
    } catch (const UsageError& e) {
        std::cerr << "lightwatt-measure: error: " << e.what() << "\n" << kUsage;
        return finish(2);
    } catch (const MissingResource& e) {
        std::cerr << "lightwatt-measure: missing resource: " << e.what() << "\n";
        return finish(3);
    } catch (const std::exception& e) {
        std::cerr << "lightwatt-measure: internal error: " << e.what() << "\n";
        return finish(1);
    }
}
