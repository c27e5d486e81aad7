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

}  // namespace

int main(int argc, char** argv) {
#if defined(LIGHTWATT_WITH_MPI)
    // Under mpirun: one process per GPU; rank 0 measures GEMMs and copies and writes the record.
    const std::optional<MpiSession> mpi = start_mpi(&argc, &argv);
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
        int devices = 0;
        const cudaError_t e = cudaGetDeviceCount(&devices);
        if (e != cudaSuccess || devices == 0)
            throw MissingResource(std::string("no CUDA GPU on this machine (cudaGetDeviceCount: ") +
                                  (e != cudaSuccess ? cudaGetErrorString(e) : "0 devices") + ")");
        std::unique_ptr<Nvml> nvml;
        if (a.energy) {
            nvml = std::make_unique<Nvml>();
            if (!nvml->available())
                throw MissingResource("NVML unavailable (" + nvml->error() +
                                      "); run with --no-energy to measure time only");
            a.options.nvml = nvml.get();
        }
        Record r;
        std::ostringstream command;
        for (int i = 0; i < argc; ++i) command << (i ? " " : "") << argv[i];
        r.command = command.str();
        r.date = today();
        int device = 0;
#if defined(LIGHTWATT_WITH_MPI)
        if (mpi) device = mpi->local_device;
#endif
        cudaDeviceProp prop{};
        cudaGetDeviceProperties(&prop, device);
        r.gpu_model = prop.name;
        r.gpu_count = devices;
        int runtime = 0;
        cudaRuntimeGetVersion(&runtime);
        r.cuda_version = std::to_string(runtime / 1000) + "." + std::to_string(runtime % 1000 / 10);
        r.nccl_version = nccl_version();
        if (nvml) {
            r.sm_clock_mhz = nvml->sm_clock_mhz(0);
            r.memory_clock_mhz = nvml->memory_clock_mhz(0);
            r.power_limit_w = nvml->power_limit_w(0);
            r.idle_power_w = measure_idle_power(nvml.get(), a.options.window_s);
            a.options.idle_power_w = r.idle_power_w;
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
            if (!r.memory.empty() && r.memory.back().energy_j)
                r.memory_bound_power_w = *r.memory.back().energy_j / r.memory.back().time_s;
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
