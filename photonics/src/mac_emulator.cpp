#include "lightwatt/photonics/mac_emulator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <numbers>
#include <tuple>

#include "lightwatt/core/constants.hpp"
#include "lightwatt/core/error.hpp"
#include "lightwatt/core/fast_normal.hpp"
#include "lightwatt/core/parallel_for.hpp"
#include "lightwatt/core/rng.hpp"
#include "lightwatt/photonics/drift.hpp"
#include "lightwatt/photonics/quantizer.hpp"

#include "adc_column.hpp"
#include "architecture.hpp"
#include "gpu_backend.hpp"
#include "packed_product.hpp"

namespace lightwatt::photonics {

namespace {

constexpr int kColumnsPerBlock = 256;
// One tile GEMM covers up to this many stacked rows (several tile rows), so each packed input
// block serves them all, unless that leaves fewer than kMinimumBlocks blocks to share out.
constexpr int kRowsPerGemm = 512;
constexpr long long kMinimumBlocks = 32;
// 1 kW of optical power per core bounds any laser; beyond it the float kernel would overflow.
constexpr double kMaxLaserPowerW = 1e3;
// Error statistics (ENOB, the noise budget) need the exact partial sums, a second GEMM: they are
// gathered on every block up to this many partial sums, then on an evenly spaced subset of blocks.
constexpr double kStatisticsPartials = 1024.0 * 1024;
// Stream tags keep the random draws of different purposes apart for the same (seed, index)
// (the weights' tag, kWeightStream, is in architecture.hpp).
constexpr std::uint64_t kNoiseStream = 0x4e4f495345000000ULL;  // "NOISE"
constexpr std::uint64_t kDriftStream = 0x4452494654000000ULL;  // "DRIFT"

// The coherent mesh's settings in the ranges its reader allows: the mesh code (mzi_mesh.hpp)
// takes them as preconditions.
void check_mesh(const CoherentMeshParameters& mesh) {
    if (mesh.phase_dac_bits < 0 || mesh.phase_dac_bits > 52)
        throw InputError::at("phase_dac_bits", std::to_string(mesh.phase_dac_bits), "out of range",
                             "an integer in [0, 52]");
    constexpr double kUnbounded = std::numeric_limits<double>::infinity();
    for (const auto& [key, value, max] :
         {std::tuple<const char*, double, double>{"phase_error_rad", mesh.phase_error_rad_rms, kUnbounded},
          {"thermal_crosstalk", mesh.thermal_crosstalk, 1.0},
          {"splitter_imbalance_rad", mesh.splitter_imbalance_rms, kUnbounded},
          {"mzi_insertion_loss_db", mesh.mzi_insertion_loss.value(), 10.0}})
        if (!std::isfinite(value) || value < 0.0 || value > max)
            throw InputError::at(
                key, format_number(value), "out of range",
                max == kUnbounded ? "a finite number >= 0" : "a number in [0, " + format_number(max) + "]");
}

// The largest |entry| of each operand: they normalise weights and inputs (Plan).
struct Magnitudes {
    double weights = 0.0, inputs = 0.0;
};

// The largest |entry| of a, or NaN where an entry is not finite: one read of the matrix, shared
// among the threads by column blocks (a 4096^2 operand is 128 MiB).
double largest_magnitude(const MatrixView& a, int threads) {
    constexpr Eigen::Index kColumnsPerScan = 64;
    const auto blocks = static_cast<std::size_t>((a.cols() + kColumnsPerScan - 1) / kColumnsPerScan);
    std::vector<double> largest(blocks, 0.0);
    parallel_for_blocks(blocks, threads, [&](std::size_t b) {
        const Eigen::Index j0 = static_cast<Eigen::Index>(b) * kColumnsPerScan;
        const auto block = a.middleCols(j0, std::min(kColumnsPerScan, a.cols() - j0)).array().abs();
        const bool finite = (block <= std::numeric_limits<double>::max()).all();  // false for NaN
        largest[b] = finite ? block.maxCoeff() : std::numeric_limits<double>::quiet_NaN();
    });
    double m = 0.0;
    for (const double v : largest) {
        if (std::isnan(v)) return v;
        m = std::max(m, v);
    }
    return m;
}

Magnitudes validate(const MatrixView& w, const MatrixView& x, const MacEmulatorConfig& c) {
    if (w.size() == 0 || x.size() == 0)
        throw InputError::at("m, n, k",
                             std::to_string(w.rows()) + "x" + std::to_string(w.cols()) + " times " +
                                 std::to_string(x.rows()) + "x" + std::to_string(x.cols()),
                             "empty matrix", "sizes >= 1");
    if (w.cols() != x.rows())
        throw InputError::at("k", std::to_string(w.cols()) + " vs " + std::to_string(x.rows()),
                             "inner dimensions differ", "weights m x k times inputs k x n");
    const int threads = c.threads > 0 ? c.threads : default_thread_count();
    const Magnitudes largest{largest_magnitude(w, threads), largest_magnitude(x, threads)};
    if (std::isnan(largest.weights) || std::isnan(largest.inputs))
        throw InputError::at("matrix", "NaN or infinity", "non-finite entry", "finite numbers");
    if (c.tile_rows < 1 || c.tile_cols < 1 || c.tile_rows > 4096 || c.tile_cols > 4096)
        throw InputError::at("tile", std::to_string(c.tile_rows) + "x" + std::to_string(c.tile_cols),
                             "tile size out of range", "tile rows and columns in [1, 4096]");
    for (const auto& [key, bits] : {std::pair<const char*, int>{"dac_bits", c.dac_bits},
                                    {"weight_bits", c.weight_bits},
                                    {"adc_bits", c.adc_bits}})
        if (bits < 1 || bits > 24)
            throw InputError::at(key, std::to_string(bits), "bits out of range", "an integer in [1, 24]");
    if (!(c.adc_clip_sigmas > 0.0) || !std::isfinite(c.adc_clip_sigmas))
        throw InputError::at("adc_clip_sigmas", format_number(c.adc_clip_sigmas), "must be positive", "a number > 0");
    if (!(c.laser_power_per_core.value() > 0.0) || !(in_watts(c.laser_power_per_core) <= kMaxLaserPowerW))
        throw InputError::at(
            "laser_power_mw", format_number(in_milliwatts(c.laser_power_per_core)),
            in_watts(c.laser_power_per_core) > 0.0 ? "more light than any laser delivers" : "must be positive",
            "an optical power in (0, 1e6] mW");
    if (!(c.clock.value() > 0.0))
        throw InputError::at("clock_ghz", format_number(in_gigahertz(c.clock)), "must be positive", "a clock > 0 GHz");
    check_mesh(c.mesh);
    check_emulation_size(w.rows(), w.cols(), x.cols(), c);
    return largest;
}

}  // namespace

double emulation_working_set_bytes(long long m, long long k, long long n, const MacEmulatorConfig& c) {
    const auto d = [](long long v) { return static_cast<double>(v); };
    const double tiles_row = std::ceil(d(m) / c.tile_rows), tiles_col = std::ceil(d(k) / c.tile_cols);
    const double tiles = tiles_row * tiles_col;
    const double padded = tiles * c.tile_rows * c.tile_cols;  // elements of all implemented tiles
    // Per padded element: up to three double matrices per tile (weights, imaginary part or tuned
    // target), two float strips and the weights' packed copy; per tile a fixed overhead (headers,
    // allocations, statistics).
    const double tile_bytes = padded * (3 * 8 + 3 * 4) + tiles * 512;
    const bool drift =
        c.drift.interval.value() > 0.0 && (c.drift.lo_phase_psd_rad2_per_hz > 0.0 || c.drift.ring_psd_hz2_per_hz > 0.0);
    const double drift_bytes = drift ? tiles * d(n) * 8 * 4 : 0.0;  // the sequences and their FFT buffers
    const double sample = std::min(d(n), 128.0);
    const double matrices = 8 * (d(m) * d(k) + d(k) * d(n))           // weights and inputs
                            + 8 * d(k) * d(n) + 4 * tiles_col * d(n)  // DAC'd inputs, packed too; DC light
                            + 8 * 2 * d(m) * d(n)                     // output and the reference product
                            + 8 * sample * (d(k) + 2 * d(m));         // sampled inputs and partials
    return tile_bytes + drift_bytes + matrices;
}

void check_emulation_size(long long m, long long k, long long n, const MacEmulatorConfig& c, const std::string& key) {
    const double need = emulation_working_set_bytes(m, k, n, c);
    if (need <= kMaxEmulationBytes) return;
    throw InputError::at(key,
                         std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n) + " on " +
                             std::to_string(c.tile_rows) + "x" + std::to_string(c.tile_cols) + " tiles",
                         "needs about " + format_number(need / 1073741824.0) + " GiB to emulate",
                         "problems whose working set (zero-padded tiles included) is at most " +
                             format_number(kMaxEmulationBytes / 1073741824.0) +
                             " GiB; larger tiles waste memory on small m");
}

namespace {

// Rows per group of the double-precision reference products: fixed, so the summation order (and
// so every bit) does not depend on the thread count.
constexpr Eigen::Index kReferenceRows = 256;

// a * b in double, computed on fixed groups of rows in parallel.
Eigen::MatrixXd product_by_row_groups(const MatrixView& a, const MatrixView& b, int threads) {
    Eigen::MatrixXd out(a.rows(), b.cols());
    const auto groups = static_cast<std::size_t>((a.rows() + kReferenceRows - 1) / kReferenceRows);
    parallel_for_blocks(groups, threads, [&](std::size_t g) {
        const Eigen::Index r0 = static_cast<Eigen::Index>(g) * kReferenceRows;
        const Eigen::Index rows = std::min(kReferenceRows, a.rows() - r0);
        out.middleRows(r0, rows).noalias() = a.middleRows(r0, rows) * b;
    });
    return out;
}

// The exact partial sums of every k tile on a sample of columns: their sum (the exact product on
// those columns) and their sum of squares (which sets the ADC's full scale).
struct SampledPartials {
    Eigen::MatrixXd product;
    double sum_square = 0.0;
};

SampledPartials sampled_partials(const MatrixView& weights, const Eigen::MatrixXd& sample_inputs, int tile_cols,
                                 int threads) {
    const Eigen::Index m = weights.rows(), k = weights.cols();
    SampledPartials s;
    s.product = Eigen::MatrixXd::Zero(m, sample_inputs.cols());
    const auto groups = static_cast<std::size_t>((m + kReferenceRows - 1) / kReferenceRows);
    std::vector<double> group_sum_square(groups, 0.0);
    parallel_for_blocks(groups, threads, [&](std::size_t g) {
        const Eigen::Index r0 = static_cast<Eigen::Index>(g) * kReferenceRows;
        const Eigen::Index rows = std::min(kReferenceRows, m - r0);
        Eigen::MatrixXd partial(rows, sample_inputs.cols());
        for (Eigen::Index c0 = 0; c0 < k; c0 += tile_cols) {
            const Eigen::Index cols = std::min<Eigen::Index>(tile_cols, k - c0);
            partial.noalias() = weights.block(r0, c0, rows, cols) * sample_inputs.middleRows(c0, cols);
            group_sum_square[g] += partial.squaredNorm();
            s.product.middleRows(r0, rows) += partial;
        }
    });
    for (const double v : group_sum_square) s.sum_square += v;
    return s;
}

}  // namespace

namespace {

using detail::AdcColumnShape;
using detail::ArchitectureModel;
using detail::Detection;
using detail::ImplementedTile;
using detail::TileNoise;

// The tiling of one product: fixed by the problem and the tile size, never by the thread count.
struct Plan {
    Eigen::Index m = 0, k = 0, n = 0;
    int tr = 0, tc = 0;  // tile rows (outputs) and columns (inputs)
    int tiles_row = 0, tiles_col = 0, chunks = 0, threads = 1;
    double w_scale = 1.0, x_scale = 1.0;  // weights and inputs are normalised to [-1, 1]
    [[nodiscard]] std::size_t tiles() const {
        return static_cast<std::size_t>(tiles_row) * static_cast<std::size_t>(tiles_col);
    }
    // Inputs of k tile t (the last one may be partial).
    [[nodiscard]] Eigen::Index cols_of(int t) const {
        return std::min<Eigen::Index>(tc, k - static_cast<Eigen::Index>(t) * tc);
    }
    // Outputs of tile row r.
    [[nodiscard]] Eigen::Index rows_of(int r) const {
        return std::min<Eigen::Index>(tr, m - static_cast<Eigen::Index>(r) * tr);
    }
};

Plan plan_tiling(const MatrixView& weights, const MatrixView& inputs, const Magnitudes& largest,
                 const MacEmulatorConfig& c) {
    Plan p;
    p.m = weights.rows();
    p.k = weights.cols();
    p.n = inputs.cols();
    p.w_scale = std::max(largest.weights, 1e-300);
    p.x_scale = std::max(largest.inputs, 1e-300);
    p.tr = c.tile_rows;
    p.tc = c.tile_cols;
    p.tiles_row = static_cast<int>((p.m + p.tr - 1) / p.tr);
    p.tiles_col = static_cast<int>((p.k + p.tc - 1) / p.tc);
    p.chunks = static_cast<int>((p.n + kColumnsPerBlock - 1) / kColumnsPerBlock);
    p.threads = c.threads > 0 ? c.threads : default_thread_count();
    return p;
}

// An evenly spaced sample of at most 128 output columns: its exact partial sums set the ADC's full
// scale (calibrated on the data, as hardware is) and, unless the full reference is asked for, its
// exact product is what the output is compared with. Returns the full scale.
double calibrate_adc(const MatrixView& weights, const MatrixView& inputs, const Plan& p, const MacEmulatorConfig& c,
                     MacEmulationResult& result) {
    const Eigen::Index sample_step = std::max<Eigen::Index>(1, (p.n + 127) / 128);
    std::vector<Eigen::Index> sample_columns;
    for (Eigen::Index j = 0; j < p.n; j += sample_step) sample_columns.push_back(j);
    Eigen::MatrixXd sample_inputs(p.k, static_cast<Eigen::Index>(sample_columns.size()));
    for (std::size_t i = 0; i < sample_columns.size(); ++i)
        sample_inputs.col(static_cast<Eigen::Index>(i)) = inputs.col(sample_columns[i]);
    SampledPartials sample = sampled_partials(weights, sample_inputs, p.tc, p.threads);
    if (c.full_reference) {
        result.exact = product_by_row_groups(weights, inputs, p.threads);
        result.reference_columns.resize(static_cast<std::size_t>(p.n));
        for (Eigen::Index j = 0; j < p.n; ++j) result.reference_columns[static_cast<std::size_t>(j)] = j;
    } else {
        result.exact = std::move(sample.product);
        result.reference_columns = sample_columns;
    }
    const double partial_count = static_cast<double>(p.m) * static_cast<double>(sample_columns.size()) * p.tiles_col;
    result.partial_sum_rms = std::sqrt(sample.sum_square / partial_count) / (p.w_scale * p.x_scale);
    // All-zero partial sums (zero weights or inputs) leave any range right: take 1.
    result.adc_full_scale = result.partial_sum_rms > 1e-30 ? c.adc_clip_sigmas * result.partial_sum_rms : 1.0;
    return result.adc_full_scale;
}

// Implemented tile `index`, from its own stream: independent of threads. Edge tiles are
// zero-padded.
ImplementedTile implement_tile(const ArchitectureModel& model, const MatrixView& weights, const Plan& p,
                               const MacEmulatorConfig& c, std::size_t index) {
    const int r = static_cast<int>(index) / p.tiles_col, t = static_cast<int>(index) % p.tiles_col;
    Eigen::MatrixXd target = Eigen::MatrixXd::Zero(p.tr, p.tc);
    target.topLeftCorner(p.rows_of(r), p.cols_of(t)) =
        weights.block(static_cast<Eigen::Index>(r) * p.tr, static_cast<Eigen::Index>(t) * p.tc, p.rows_of(r),
                      p.cols_of(t)) /
        p.w_scale;
    return model.implement(target, c, index);
}

// Drift sequences, one per tile, over the columns (time) of the run; empty ones without drift.
std::vector<std::vector<double>> drift_sequences(const ArchitectureModel& model, const Plan& p,
                                                 const MacEmulatorConfig& c) {
    std::vector<std::vector<double>> drifts(p.tiles());
    const double psd = model.drift_psd(c);
    if (!(psd > 0.0) || !(c.drift.interval.value() > 0.0)) return drifts;
    const Time dt = c.drift.interval / static_cast<double>(p.n);
    parallel_for_blocks(drifts.size(), p.threads, [&](std::size_t i) {
        drifts[i] = flicker_phase_drift(static_cast<std::size_t>(p.n), dt, psd, c.seed ^ kDriftStream, i);
    });
    return drifts;
}

Detection detection_of(const ArchitectureModel& model, const MacEmulatorConfig& c) {
    Detection d;
    d.responsivity = in_amperes_per_watt(c.photodetector.responsivity);
    d.bandwidth_hz = c.noise_bandwidth_per_clock * in_hertz(c.clock);
    d.thermal_variance = c.tia.input_noise_psd.value() * d.bandwidth_hz;
    d.dark_current = in_amperes(c.photodetector.dark_current);
    d.rin_per_hz = std::pow(10.0, c.laser.rin_db_per_hz / 10.0);
    model.split_light(c, 1.0 / c.path_loss.ratio(), d);
    return d;
}

}  // namespace

// What a workspace (EmulationWorkspace::Buffers) holds is in a named namespace: a class with linkage may not hold
// types of an anonymous one.
namespace emulation_buffers {

// The inputs through their DACs (float), and where the DC light follows the inputs, the DC light
// each k tile puts on a detector per column: sum_j p_ch (1 + x_j) / 2, as a photocurrent.
struct DacInputs {
    Eigen::MatrixXf xq;
    Eigen::MatrixXf dc_current;  // tiles_col x n; empty under a fixed LO
};

}  // namespace emulation_buffers
using emulation_buffers::DacInputs;

namespace {

// Fills x (a workspace's: resize keeps the memory when the size is the same).
void dac_inputs(const ArchitectureModel& model, const MatrixView& inputs, const Plan& p, const MacEmulatorConfig& c,
                const Detection& det, DacInputs& x) {
    const bool dc_follows = model.dc_light_follows_inputs();
    const Quantizer dac{c.dac_bits, 1.0};
    x.xq.resize(p.k, p.n);
    x.dc_current.resize(dc_follows ? p.tiles_col : 0, p.n);
    const double light = 0.5 * det.channel_power_w * det.responsivity;
    // quantize(v / x_scale, dac) term for term with its constants hoisted, so that the loop
    // vectorises: the levels are at most 2^23 in magnitude (|v| <= x_scale, dac_bits <= 24), where
    // round_to_nearest_even is its shifter branch, the one taken here without the test.
    const double step = dac.step(), top = dac.levels() / 2.0 - 1.0;
    const auto dac_level = [&](double v) {
        constexpr double shifter = 0x1.8p52;
        const double level = std::clamp((v / p.x_scale / step + shifter) - shifter, -top - 1.0, top);
        return static_cast<float>(level * step);
    };
    parallel_for_blocks(static_cast<std::size_t>(p.chunks), p.threads, [&](std::size_t chunk) {
        const Eigen::Index j0 = static_cast<Eigen::Index>(chunk) * kColumnsPerBlock;
        const Eigen::Index cols_n = std::min<Eigen::Index>(kColumnsPerBlock, p.n - j0);
        for (Eigen::Index j = j0; j < j0 + cols_n; ++j) {
            const double* in = inputs.col(j).data();
            float* xq = x.xq.col(j).data();
            for (Eigen::Index i = 0; i < p.k; ++i) xq[i] = dac_level(in[i]);
            if (!dc_follows) continue;
            for (int t = 0; t < p.tiles_col; ++t) {
                const Eigen::Index c0 = static_cast<Eigen::Index>(t) * p.tc;
                double sum = 0.0;
                for (Eigen::Index i = c0; i < c0 + p.cols_of(t); ++i) sum += 1.0 + x.xq(i, j);
                x.dc_current(t, j) = static_cast<float>(light * sum);
            }
        }
    });
}

// What the fused kernel does in this run, fixed once (adc_column.hpp).
struct Kernel {
    AdcColumnShape shape = AdcColumnShape::plain;
    bool uses_aux = false;
    bool dc_follows = true;      // DC light from the inputs (else the LO's, lo_dc)
    bool weights_drift = false;  // drift re-implements the weights per column chunk
    double lo_dc = 0.0;          // A: LO light and the dark current of the pair
    double dark = 0.0;           // A: dark current of the pair
    detail::NoiseConstants noise;
};

Kernel kernel_of(const ArchitectureModel& model, const MacEmulatorConfig& c, const Detection& det, double adc_step,
                 bool has_drift) {
    Kernel k;
    k.shape = model.adc_shape(c, has_drift);
    k.uses_aux = k.shape == AdcColumnShape::aux || k.shape == AdcColumnShape::aux_rotated;
    k.dc_follows = model.dc_light_follows_inputs();
    k.weights_drift = has_drift && model.drift_effect() == detail::DriftEffect::shifts_weights;
    k.dark = 2.0 * det.dark_current;
    k.lo_dc = k.dc_follows ? 0.0 : det.responsivity * det.lo_power_w + k.dark;
    k.noise.adc_step = adc_step;
    k.noise.shot_per_ampere = 2.0 * constants::elementary_charge.value() * det.bandwidth_hz;
    k.noise.rin = c.rin_noise ? det.rin_per_hz * det.bandwidth_hz : 0.0;
    return k;
}

}  // namespace

// Held by a workspace as well (see DacInputs).
namespace emulation_buffers {

// The implemented weights of each k tile stacked over all tile rows (zero-padded to tr rows
// each), so that one GEMM serves several tile rows and each input block is packed once; and per
// tile, in float and in units of the ADC step, what each noise term needs. Noise terms are
// variances in steps^2 (adc_column.hpp):
//   sigma_v^2 = [thermal + 2qB (I_dc + 2 I_d)] / (g S)^2 + c_pp (p + offset)^2 + c_aa a^2 + c_a a
struct Strip {
    Eigen::MatrixXf weights;      // W / S
    Eigen::MatrixXf weights_aux;  // the auxiliary sum's weights (ArchitectureModel::aux_weights)
    Eigen::VectorXf offset;       // intensity offset (W 1) / S, where the architecture has one
};

struct Strips {
    std::vector<TileNoise> noise;  // per tile
    std::vector<Strip> strips;     // per k tile
};

}  // namespace emulation_buffers
using emulation_buffers::Strip;
using emulation_buffers::Strips;

namespace {

// Every tile implemented and at once converted into its strip rows and noise terms, so that the
// implemented tiles (double, 32 KiB each on 64 x 64 tiles) are not all held at once: only drift
// that re-implements the weights needs them later, and only then are they kept (`kept`).
// Fills s (a workspace's): every strip row and noise term is written, so reuse changes no result;
// the buffers an architecture does not use are emptied (the blocks test the offset's size).
void prepare_strips(const ArchitectureModel& model, const MatrixView& weights, const Plan& p,
                    const MacEmulatorConfig& c, const Detection& det, const Kernel& kernel,
                    std::vector<ImplementedTile>& kept, Strips& s) {
    const double adc_step = kernel.noise.adc_step;
    const Eigen::Index stacked_rows = static_cast<Eigen::Index>(p.tiles_row) * p.tr;
    s.noise.assign(p.tiles(), TileNoise{});
    if (kernel.weights_drift) kept.resize(p.tiles());
    s.strips.resize(static_cast<std::size_t>(p.tiles_col));
    for (Strip& strip : s.strips) {
        strip.weights.resize(stacked_rows, p.tc);
        strip.weights_aux.resize(kernel.uses_aux ? stacked_rows : 0, p.tc);
        strip.offset.resize(model.has_offset() ? stacked_rows : 0);
    }
    parallel_for_blocks(p.tiles(), p.threads, [&](std::size_t i) {
        const int r = static_cast<int>(i) / p.tiles_col, t = static_cast<int>(i) % p.tiles_col;
        const Eigen::Index s0 = static_cast<Eigen::Index>(r) * p.tr;
        TileNoise& f = s.noise[i];
        Strip& strip = s.strips[static_cast<std::size_t>(t)];
        ImplementedTile tile = implement_tile(model, weights, p, c, i);
        f.gain = model.signal_gain(det, tile);
        const double gs = f.gain * adc_step;
        strip.weights.middleRows(s0, p.tr) = (tile.weights / adc_step).cast<float>();
        if (kernel.uses_aux) strip.weights_aux.middleRows(s0, p.tr) = model.aux_weights(tile, tile.weights, adc_step);
        if (model.has_offset())
            strip.offset.segment(s0, p.tr) =
                (tile.weights.leftCols(p.cols_of(t)).rowwise().sum() / adc_step).cast<float>();
        f.thermal = c.thermal_noise ? det.thermal_variance / (gs * gs) : 0.0;
        f.shot_per_ampere = c.shot_noise ? kernel.noise.shot_per_ampere / (gs * gs) : 0.0;
        model.noise_terms(c, det, kernel.noise, tile, f);
        if (kernel.weights_drift) kept[i] = std::move(tile);
    });
}

struct BlockStats {
    double partial_error_square = 0.0;
    double shot = 0.0, thermal = 0.0, rin = 0.0;  // steps^2, summed over sampled partial sums
    std::size_t clipped = 0, partials = 0, sampled = 0;
};

}  // namespace

// Held by a workspace as well (see DacInputs).
namespace emulation_buffers {

// A block's buffers, kept from block to block and from call to call in the workspace: fresh ones
// would be fresh pages, which the kernel zeroes on first touch. Every block sizes and fills what
// it reads, so reuse changes no result.
struct BlockBuffers {
    Eigen::MatrixXf out, p_sum, aux, exact, drifted_weights, drifted_aux;
    Eigen::VectorXf packed_weights, packed_aux_inputs;     // drifted weights, (x + 1)^2, packed
    std::vector<float> digitised, base, cos_phi, sin_phi;  // per row; per column of a tile
    std::vector<double> base_shot;                         // per column of a tile

    [[nodiscard]] std::size_t bytes() const {
        std::size_t floats = digitised.capacity() + base.capacity() + cos_phi.capacity() + sin_phi.capacity();
        for (const Eigen::MatrixXf* m : {&out, &p_sum, &aux, &exact, &drifted_weights, &drifted_aux})
            floats += static_cast<std::size_t>(m->size());
        floats += static_cast<std::size_t>(packed_weights.size() + packed_aux_inputs.size());
        return 4 * floats + 8 * base_shot.capacity();
    }
};

// The block buffers of a workspace: a block takes a free set or makes one, and gives it back when
// done, so there are never more sets than blocks that ran at once (at most the thread count).
// After a run the sets no block of it took are freed (end_run), so that a run on fewer threads
// does not keep an earlier run's sizes.
class BlockBufferPool {
public:
    BlockBuffers& take() {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (free_.empty()) free_.push_back(all_.emplace_back(std::make_unique<Set>()).get());
        Set& set = *free_.back();
        free_.pop_back();
        set.taken = true;
        return set.buffers;
    }
    void give_back(BlockBuffers& b) {
        const std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& set : all_)
            if (&set->buffers == &b) free_.push_back(set.get());
    }
    // Called with no block running.
    void end_run() {
        std::erase_if(all_, [](const auto& set) { return !set->taken; });
        free_.clear();
        for (const auto& set : all_) {
            set->taken = false;
            free_.push_back(set.get());
        }
    }
    [[nodiscard]] std::size_t bytes() const {
        std::size_t total = 0;
        for (const auto& set : all_) total += set->buffers.bytes();
        return total;
    }

private:
    struct Set {
        BlockBuffers buffers;
        bool taken = false;  // by a block of the current run
    };
    std::mutex mutex_;
    std::vector<std::unique_ptr<Set>> all_;
    std::vector<Set*> free_;
};

}  // namespace emulation_buffers
using emulation_buffers::BlockBufferPool;
using emulation_buffers::BlockBuffers;

// What a workspace holds (emulation_workspace.hpp).
struct EmulationWorkspace::Buffers {
    DacInputs x;
    Strips strips;
    BlockBufferPool blocks;
    detail::PackedOperands packed_weights;      // per (row group, k tile)
    detail::PackedOperands packed_aux_weights;  // likewise, where the architecture has an auxiliary sum
    detail::PackedOperands packed_inputs;       // per (column chunk, k tile)
};

EmulationWorkspace::EmulationWorkspace() : buffers_(std::make_unique<Buffers>()) {}
EmulationWorkspace::~EmulationWorkspace() = default;
EmulationWorkspace::EmulationWorkspace(EmulationWorkspace&&) noexcept = default;
EmulationWorkspace& EmulationWorkspace::operator=(EmulationWorkspace&&) noexcept = default;

void EmulationWorkspace::release() { buffers_ = std::make_unique<Buffers>(); }

EmulationWorkspace::Buffers& EmulationWorkspace::buffers() {
    if (!buffers_) buffers_ = std::make_unique<Buffers>();
    return *buffers_;
}

std::size_t EmulationWorkspace::bytes() const {
    if (!buffers_) return 0;
    const Buffers& b = *buffers_;
    std::size_t floats = static_cast<std::size_t>(b.x.xq.size() + b.x.dc_current.size());
    for (const Strip& s : b.strips.strips)
        floats += static_cast<std::size_t>(s.weights.size() + s.weights_aux.size() + s.offset.size());
    return 4 * floats + sizeof(TileNoise) * b.strips.noise.capacity() + b.blocks.bytes() + b.packed_weights.bytes() +
           b.packed_aux_weights.bytes() + b.packed_inputs.bytes();
}

namespace {

// Everything the blocks read, shared by all of them.
struct Run {
    const ArchitectureModel& model;
    const MacEmulatorConfig& c;
    const MatrixView& weights;
    const MatrixView& inputs;
    const Plan& p;
    const Kernel& kernel;
    const std::vector<ImplementedTile>& tiles;  // only where drift re-implements the weights (else empty)
    const std::vector<std::vector<double>>& drifts;
    const DacInputs& x;
    const Strips& strips;
    BlockBufferPool& buffers;
    detail::PackedOperands& packed_weights;  // the strips' rows of each GEMM, packed (packed_product.hpp)
    detail::PackedOperands& packed_aux_weights;
    detail::PackedOperands& packed_inputs;  // the DAC'd inputs of each GEMM, packed
    std::size_t stats_every = 1;            // error statistics on every this-many-th block
    int group = 1;                          // tile rows per GEMM
};

// One work item: a group of tile rows times one chunk of columns, through every k tile. Random
// streams and statistics belong to (tile row, column chunk), so grouping changes no result.
class Block {
public:
    Block(const Run& run, std::size_t work, std::vector<BlockStats>& stats)
        : run_(run), p_(run.p), stats_(stats), buffers_(run.buffers.take()) {
        const int g = static_cast<int>(work) / p_.chunks;
        chunk_ = static_cast<int>(work) % p_.chunks;
        r_first_ = g * run.group;
        r_count_ = std::min(run.group, p_.tiles_row - r_first_);
        s0_ = static_cast<Eigen::Index>(r_first_) * p_.tr;
        s_rows_ = static_cast<Eigen::Index>(r_count_) * p_.tr;
        j0_ = static_cast<Eigen::Index>(chunk_) * kColumnsPerBlock;
        cols_n_ = std::min<Eigen::Index>(kColumnsPerBlock, p_.n - j0_);
        out_.setZero(s_rows_, cols_n_);
        // Zero once: each tile GEMM adds into them and digitise() leaves them zero again.
        p_sum_.setZero(s_rows_, cols_n_);
        if (run.kernel.uses_aux) aux_.setZero(s_rows_, cols_n_);
        digitised_.resize(static_cast<std::size_t>(p_.tr));
        base_shot_.resize(static_cast<std::size_t>(cols_n_));
        base_.resize(static_cast<std::size_t>(cols_n_));
        cos_phi_.resize(static_cast<std::size_t>(cols_n_));
        sin_phi_.resize(static_cast<std::size_t>(cols_n_));
    }

    ~Block() { run_.buffers.give_back(buffers_); }
    Block(const Block&) = delete;
    Block& operator=(const Block&) = delete;

    void run(OutputView output) {
        for (int t = 0; t < p_.tiles_col; ++t) {
            analog_sums(t);
            for (int r = r_first_; r < r_first_ + r_count_; ++r) digitise(r, t);
        }
        for (int r = r_first_; r < r_first_ + r_count_; ++r) {
            const Eigen::Index r0 = static_cast<Eigen::Index>(r) * p_.tr;
            output.block(r0, j0_, p_.rows_of(r), cols_n_) =
                out_.middleRows(static_cast<Eigen::Index>(r - r_first_) * p_.tr, p_.rows_of(r)).cast<double>() *
                (p_.w_scale * p_.x_scale);
        }
    }

private:
    // The weights of k tile t under this chunk's mean drift (a common ring shift, temperature):
    // each tile re-implemented once per chunk.
    void drifted_weights(int t) {
        drifted_weights_.resize(s_rows_, p_.tc);
        if (run_.kernel.uses_aux) drifted_aux_.resize(s_rows_, p_.tc);
        const double adc_step = run_.kernel.noise.adc_step;
        for (int r = r_first_; r < r_first_ + r_count_; ++r) {
            const std::size_t tile_index = static_cast<std::size_t>(r) * p_.tiles_col + static_cast<std::size_t>(t);
            const std::vector<double>& drift = run_.drifts[tile_index];
            double mean_shift = 0.0;
            for (Eigen::Index j = 0; j < cols_n_; ++j) mean_shift += drift[static_cast<std::size_t>(j0_ + j)];
            mean_shift /= static_cast<double>(cols_n_);
            const Eigen::MatrixXd bank =
                run_.model.drifted_weights(run_.tiles[tile_index], run_.c, tile_index, mean_shift);
            const Eigen::Index local = static_cast<Eigen::Index>(r - r_first_) * p_.tr;
            drifted_weights_.middleRows(local, p_.tr) = (bank / adc_step).cast<float>();
            if (run_.kernel.uses_aux)
                drifted_aux_.middleRows(local, p_.tr) = run_.model.aux_weights(run_.tiles[tile_index], bank, adc_step);
        }
    }

    // The analog partial sums of k tile t for the whole group: p = W x and the auxiliary a, added
    // into the zeros digitise() left (an assignment would zero them in a pass of its own). The
    // operands are packed once per run where they are the run's (packed_product.hpp); weights
    // that drift are this block's own and packed here.
    void analog_sums(int t) {
        const Strip& strip = run_.strips.strips[static_cast<std::size_t>(t)];
        const Eigen::Index c0 = static_cast<Eigen::Index>(t) * p_.tc, cols_k = p_.cols_of(t);
        const std::size_t tiles_col = static_cast<std::size_t>(p_.tiles_col);
        const auto tile = static_cast<std::size_t>(t);
        const std::size_t weights_slot = static_cast<std::size_t>(r_first_ / run_.group) * tiles_col + tile;
        const float* inputs = run_.packed_inputs.get(
            static_cast<std::size_t>(chunk_) * tiles_col + tile, cols_k * cols_n_,
            [&](float* packed) { detail::pack_rhs(run_.x.xq.block(c0, j0_, cols_k, cols_n_), packed); });
        const bool drifts = run_.kernel.weights_drift;
        if (drifts) drifted_weights(t);
        const auto weights = [&](detail::PackedOperands& run_packed, const Eigen::MatrixXf& drifted,
                                 const Eigen::MatrixXf& stacked) -> const float* {
            if (drifts) {
                packed_weights_.resize(s_rows_ * cols_k);
                detail::pack_lhs(drifted.leftCols(cols_k), packed_weights_.data());
                return packed_weights_.data();
            }
            return run_packed.get(weights_slot, s_rows_ * cols_k, [&](float* packed) {
                detail::pack_lhs(stacked.block(s0_, 0, s_rows_, cols_k), packed);
            });
        };
        detail::add_packed_product(p_sum_, weights(run_.packed_weights, drifted_weights_, strip.weights), inputs,
                                   cols_k);
        if (!run_.kernel.uses_aux) return;
        const float* aux_weights = weights(run_.packed_aux_weights, drifted_aux_, strip.weights_aux);
        if (run_.model.aux_input() == detail::AuxInput::linear) {
            detail::add_packed_product(aux_, aux_weights, inputs, cols_k);
            return;
        }
        // (x + 1)^2 of each input: packing only moves the inputs, so the packed squares are the
        // squares packed.
        const auto packed_inputs = Eigen::Map<const Eigen::VectorXf>(inputs, cols_k * cols_n_);
        packed_aux_inputs_ = (packed_inputs.array() + 1.0f).square().matrix();
        detail::add_packed_product(aux_, aux_weights, packed_aux_inputs_.data(), cols_k);
    }

    // Tile (r, t): every column through detection noise and the ADC, into the digital sum.
    void digitise(int r, int t) {
        const Run& run = run_;
        const std::size_t tile_index = static_cast<std::size_t>(r) * p_.tiles_col + static_cast<std::size_t>(t);
        const std::size_t block = static_cast<std::size_t>(r) * p_.chunks + static_cast<std::size_t>(chunk_);
        const std::vector<double>& drift = run.drifts[tile_index];
        const TileNoise& tile = run.strips.noise[tile_index];
        const Strip& strip = run.strips.strips[static_cast<std::size_t>(t)];
        BlockStats& s = stats_[block];
        const bool sampled = block % run.stats_every == 0;
        const Eigen::Index c0 = static_cast<Eigen::Index>(t) * p_.tc, cols_k = p_.cols_of(t);
        const Eigen::Index r0 = static_cast<Eigen::Index>(r) * p_.tr, rows = p_.rows_of(r);
        const Eigen::Index local = static_cast<Eigen::Index>(r - r_first_) * p_.tr;
        if (sampled)
            exact_.noalias() = (run.weights.block(r0, c0, rows, cols_k) / p_.w_scale).cast<float>() *
                               (run.inputs.block(c0, j0_, cols_k, cols_n_) / p_.x_scale).cast<float>();
        detail::AdcColumnTerms terms;
        terms.c_pp = static_cast<float>(tile.c_pp);
        terms.c_aa = static_cast<float>(tile.c_aa);
        terms.c_a = static_cast<float>(tile.c_a);
        terms.top = static_cast<float>(std::ldexp(1.0, run.c.adc_bits - 1) - 1.0);
        terms.step = static_cast<float>(run.kernel.noise.adc_step);
        const float* offset = strip.offset.size() > 0 ? strip.offset.data() + s0_ + local : nullptr;
        // The block's stream; each column of the tile takes ceil(rows / 2) words of it, two draws
        // per word (core/fast_normal.hpp), k tiles then columns in order.
        detail::ColumnNormals normals;
        normals.table = normal_polynomial_table().data();
        normals.key = counter_key(run.c.seed ^ kNoiseStream, block);
        const auto words_per_column = static_cast<std::uint64_t>((rows + 1) / 2);
        normals.first_word = static_cast<std::uint64_t>(t) * static_cast<std::uint64_t>(cols_n_) * words_per_column;
        const bool rotated = run.kernel.shape == AdcColumnShape::aux_rotated;
        for (Eigen::Index j = 0; j < cols_n_; ++j) {
            // Shot noise on the light that does not depend on the output: DC light per column
            // (incoherent) or the LO (coherent), plus the dark current of the pair.
            const std::size_t c = static_cast<std::size_t>(j);
            base_shot_[c] = tile.shot_per_ampere *
                            (run.kernel.dc_follows ? static_cast<double>(run.x.dc_current(t, j0_ + j)) + run.kernel.dark
                                                   : run.kernel.lo_dc);
            base_[c] = static_cast<float>(tile.thermal + base_shot_[c]);
            if (!rotated) continue;
            const double phi = drift[static_cast<std::size_t>(j0_ + j)];
            cos_phi_[c] = static_cast<float>(std::cos(phi));
            sin_phi_[c] = static_cast<float>(std::sin(phi));
        }
        if (!sampled) {
            detail::TileColumns columns;
            columns.p = p_sum_.data() + local;
            columns.a = run.kernel.uses_aux ? aux_.data() + local : nullptr;
            columns.out = out_.data() + local;
            columns.stride = s_rows_;
            columns.rows = rows;
            columns.cols = cols_n_;
            columns.base = base_.data();
            columns.cos_phi = rotated ? cos_phi_.data() : nullptr;
            columns.sin_phi = rotated ? sin_phi_.data() : nullptr;
            columns.words_per_column = words_per_column;
            columns.clear_sums = true;
            s.clipped += detail::digitise_tile(run.kernel.shape, terms, columns, offset, normals);
            s.partials += static_cast<std::size_t>(rows * cols_n_);
            return;
        }
        const std::uint64_t first_word = normals.first_word;
        for (Eigen::Index j = 0; j < cols_n_; ++j) {
            const std::size_t c = static_cast<std::size_t>(j);
            terms.base = base_[c];
            if (rotated) {
                terms.cos_phi = cos_phi_[c];
                terms.sin_phi = sin_phi_[c];
            }
            normals.first_word = first_word + static_cast<std::uint64_t>(j) * words_per_column;
            const double base_shot = base_shot_[c];
            float* pj = p_sum_.col(j).data() + local;
            float* aj = run.kernel.uses_aux ? aux_.col(j).data() + local : nullptr;
            float* oj = out_.col(j).data() + local;
            std::fill(digitised_.begin(), digitised_.end(), 0.0f);
            s.clipped +=
                detail::digitise_column(run.kernel.shape, terms, pj, offset, aj, normals, digitised_.data(), rows);
            s.thermal += tile.thermal * static_cast<double>(rows);
            add_statistics(tile, base_shot, pj, offset, aj, j, rows, oj, s);
            std::fill_n(pj, rows, 0.0f);  // for the next tile GEMM, as digitise_tile leaves them
            if (aj != nullptr) std::fill_n(aj, rows, 0.0f);
        }
        s.partials += static_cast<std::size_t>(rows * cols_n_);
    }

    // Error and mean noise terms of one sampled column of partial sums, in steps^2, split as in
    // TileNoise: shot = base + shot_c_pp (p^2 + a^2), rin = (c_pp - shot_c_pp) (p + offset)^2 + c_a a.
    void add_statistics(const TileNoise& tile, double base_shot, const float* pj, const float* offset, const float* aj,
                        Eigen::Index j, Eigen::Index rows, float* oj, BlockStats& s) const {
        const double rin_pp = tile.c_pp - tile.shot_c_pp;
        for (Eigen::Index i = 0; i < rows; ++i) {
            const double d = digitised_[static_cast<std::size_t>(i)];
            oj[i] += digitised_[static_cast<std::size_t>(i)];
            const double e = d - static_cast<double>(exact_(i, j));
            s.partial_error_square += e * e;
            const double pv = pj[i], av = aj != nullptr ? aj[i] : 0.0;
            const double u = offset != nullptr ? pv + static_cast<double>(offset[i]) : pv;
            s.rin += rin_pp * u * u + tile.c_a * av;
            s.shot += base_shot + tile.shot_c_pp * (pv * pv + av * av);
        }
        s.sampled += static_cast<std::size_t>(rows);
    }

    const Run& run_;
    const Plan& p_;
    std::vector<BlockStats>& stats_;
    int chunk_ = 0, r_first_ = 0, r_count_ = 0;
    Eigen::Index s0_ = 0, s_rows_ = 0, j0_ = 0, cols_n_ = 0;
    BlockBuffers& buffers_;
    Eigen::MatrixXf& out_ = buffers_.out;
    Eigen::MatrixXf& p_sum_ = buffers_.p_sum;
    Eigen::MatrixXf& aux_ = buffers_.aux;
    Eigen::MatrixXf& exact_ = buffers_.exact;
    Eigen::VectorXf& packed_weights_ = buffers_.packed_weights;
    Eigen::VectorXf& packed_aux_inputs_ = buffers_.packed_aux_inputs;
    Eigen::MatrixXf& drifted_weights_ = buffers_.drifted_weights;
    Eigen::MatrixXf& drifted_aux_ = buffers_.drifted_aux;
    std::vector<float>& digitised_ = buffers_.digitised;
    std::vector<float>& base_ = buffers_.base;
    std::vector<float>& cos_phi_ = buffers_.cos_phi;
    std::vector<float>& sin_phi_ = buffers_.sin_phi;
    std::vector<double>& base_shot_ = buffers_.base_shot;
};

// Error statistics on every this-many-th block: at most about kStatisticsPartials partial sums.
std::size_t statistics_every(const Plan& p) {
    const double total_partials = static_cast<double>(p.m) * static_cast<double>(p.n) * p.tiles_col;
    return std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(total_partials / kStatisticsPartials)));
}

// The run's packed operands emptied, for `groups` groups of tile rows (Run::group each).
void reset_packed(Run& run, int groups) {
    const auto tiles_col = static_cast<std::size_t>(run.p.tiles_col);
    run.packed_weights.reset(static_cast<std::size_t>(groups) * tiles_col);
    run.packed_aux_weights.reset(run.kernel.uses_aux ? static_cast<std::size_t>(groups) * tiles_col : 0);
    run.packed_inputs.reset(static_cast<std::size_t>(run.p.chunks) * tiles_col);
}

// Every block, in parallel; returns the statistics per (tile row, column chunk).
std::vector<BlockStats> run_blocks(Run& run, OutputView output) {
    const Plan& p = run.p;
    run.stats_every = statistics_every(p);
    // Work on groups of up to kRowsPerGemm / tr tile rows, fewer when that would leave fewer than
    // kMinimumBlocks blocks.
    run.group = std::max(1, static_cast<int>(kRowsPerGemm / p.tr));
    while (run.group > 1 &&
           static_cast<long long>((p.tiles_row + run.group - 1) / run.group) * p.chunks < kMinimumBlocks)
        run.group /= 2;
    const int groups = (p.tiles_row + run.group - 1) / run.group;
    reset_packed(run, groups);
    std::vector<BlockStats> stats(static_cast<std::size_t>(p.tiles_row) * static_cast<std::size_t>(p.chunks));
    parallel_for_blocks(static_cast<std::size_t>(groups) * static_cast<std::size_t>(p.chunks), p.threads,
                        [&](std::size_t work) { Block(run, work, stats).run(output); });
    run.buffers.end_run();
    return stats;
}

// The run as plain arrays (noisy_gemm_problem.hpp): the k tiles' strips side by side, the DAC'd
// inputs, the DC light, and each tile's noise terms as the blocks hand them to the ADC kernel.
NoisyGemmProblem problem_of(const Run& run) {
    const Plan& p = run.p;
    const Kernel& kernel = run.kernel;
    if (kernel.weights_drift)
        throw InputError::at("device", "cuda", "drift that shifts the weights (a microring bank) runs on the CPU only",
                             "device cpu, or drift_interval_s = 0");
    NoisyGemmProblem g;
    g.m = p.m;
    g.k = p.k;
    g.n = p.n;
    g.tile_rows = p.tr;
    g.tile_cols = p.tc;
    g.tiles_row = p.tiles_row;
    g.tiles_col = p.tiles_col;
    g.columns_per_block = kColumnsPerBlock;
    g.shape = static_cast<int>(kernel.shape);
    g.aux_squared = run.model.aux_input() != detail::AuxInput::linear;
    g.dc_follows = kernel.dc_follows;
    g.dark = kernel.dark;
    g.lo_dc = kernel.lo_dc;
    g.noise_seed = run.c.seed ^ kNoiseStream;
    g.adc_top = static_cast<float>(std::ldexp(1.0, run.c.adc_bits - 1) - 1.0);
    g.adc_step = static_cast<float>(kernel.noise.adc_step);
    g.output_scale = p.w_scale * p.x_scale;
    const Eigen::Index stacked = static_cast<Eigen::Index>(p.tiles_row) * p.tr;
    const bool offset = run.model.has_offset();
    g.weights.resize(static_cast<std::size_t>(stacked * p.k));
    if (kernel.uses_aux) g.weights_aux.resize(g.weights.size());
    if (offset) g.offset.resize(static_cast<std::size_t>(stacked * p.tiles_col));
    Eigen::Map<Eigen::MatrixXf> w(g.weights.data(), stacked, p.k), wa(g.weights_aux.data(), stacked, p.k);
    Eigen::Map<Eigen::MatrixXf> off(g.offset.data(), stacked, p.tiles_col);
    for (int t = 0; t < p.tiles_col; ++t) {
        const Strip& strip = run.strips.strips[static_cast<std::size_t>(t)];
        const Eigen::Index c0 = static_cast<Eigen::Index>(t) * p.tc, cols = p.cols_of(t);
        w.middleCols(c0, cols) = strip.weights.leftCols(cols);
        if (kernel.uses_aux) wa.middleCols(c0, cols) = strip.weights_aux.leftCols(cols);
        if (offset) off.col(t) = strip.offset;
    }
    g.inputs.assign(run.x.xq.data(), run.x.xq.data() + run.x.xq.size());
    g.dc_current.assign(run.x.dc_current.data(), run.x.dc_current.data() + run.x.dc_current.size());
    for (const TileNoise& f : run.strips.noise) {
        g.thermal.push_back(f.thermal);
        g.shot_per_ampere.push_back(f.shot_per_ampere);
        g.c_pp.push_back(static_cast<float>(f.c_pp));
        g.c_aa.push_back(static_cast<float>(f.c_aa));
        g.c_a.push_back(static_cast<float>(f.c_a));
    }
    if (kernel.shape != AdcColumnShape::aux_rotated) return g;
    for (const std::vector<double>& drift : run.drifts)
        for (Eigen::Index j = 0; j < p.n; ++j) {
            g.cos_phi.push_back(static_cast<float>(std::cos(drift[static_cast<std::size_t>(j)])));
            g.sin_phi.push_back(static_cast<float>(std::sin(drift[static_cast<std::size_t>(j)])));
        }
    return g;
}

// The product and the clipped count from the GPU. The error statistics come from the blocks that
// gather them (every stats_every-th, about kStatisticsPartials partial sums) run again on the
// CPU, their product discarded: the same numbers as a CPU run's.
std::vector<BlockStats> run_blocks_on_gpu(Run& run, OutputView output) {
    const Plan& p = run.p;
    const detail::GpuGemm gpu = detail::noisy_gemm_on_gpu(problem_of(run));
    output = Eigen::Map<const Eigen::MatrixXf>(gpu.out.data(), p.m, p.n).cast<double>() * (p.w_scale * p.x_scale);
    run.stats_every = statistics_every(p);
    run.group = 1;  // a work item is then one (tile row, column chunk) block
    reset_packed(run, p.tiles_row);
    std::vector<BlockStats> stats(static_cast<std::size_t>(p.tiles_row) * static_cast<std::size_t>(p.chunks));
    Eigen::MatrixXd discarded(p.m, p.n);
    const std::size_t sampled = (stats.size() + run.stats_every - 1) / run.stats_every;
    parallel_for_blocks(sampled, p.threads,
                        [&](std::size_t i) { Block(run, i * run.stats_every, stats).run(discarded); });
    run.buffers.end_run();
    for (BlockStats& s : stats) s.clipped = s.partials = 0;
    stats.front().clipped = gpu.clipped;
    stats.front().partials = static_cast<std::size_t>(p.m * p.n * p.tiles_col);
    return stats;
}

// Error distribution in units of the RMS error, 40 bins over [-5, 5].
void error_histogram(const Eigen::MatrixXd& error, double error_power, MacEmulationResult& result) {
    const double rms_error = std::sqrt(error_power / static_cast<double>(error.size()));
    result.error_histogram_edges.resize(41);
    for (int b = 0; b <= 40; ++b) result.error_histogram_edges[static_cast<std::size_t>(b)] = -5.0 + 0.25 * b;
    result.error_histogram.assign(40, 0);
    if (!(rms_error > 0.0)) return;
    for (Eigen::Index i = 0; i < error.size(); ++i) {
        const double z = error.data()[i] / rms_error;
        const int bin = static_cast<int>(std::floor((z + 5.0) / 0.25));
        if (bin >= 0 && bin < 40) ++result.error_histogram[static_cast<std::size_t>(bin)];
    }
}

// Accuracy against the reference, ENOB, the noise budget and what it leaves unexplained.
void summarise(const std::vector<BlockStats>& stats, double adc_step, const MatrixView& output,
               MacEmulationResult& result) {
    BlockStats total;
    for (const auto& s : stats) {
        total.partial_error_square += s.partial_error_square;
        total.shot += s.shot;
        total.thermal += s.thermal;
        total.rin += s.rin;
        total.clipped += s.clipped;
        total.partials += s.partials;
        total.sampled += s.sampled;
    }
    const double partials = static_cast<double>(total.partials);
    const double sampled_partials = static_cast<double>(std::max<std::size_t>(1, total.sampled));
    Eigen::MatrixXd compared(output.rows(), result.exact.cols());
    for (std::size_t i = 0; i < result.reference_columns.size(); ++i)
        compared.col(static_cast<Eigen::Index>(i)) = output.col(result.reference_columns[i]);
    const Eigen::MatrixXd error = compared - result.exact;
    const double exact_power = result.exact.squaredNorm();
    const double error_power = error.squaredNorm();
    result.snr_db = 10.0 * std::log10(exact_power / std::max(error_power, 1e-300));
    result.rel_rms_error = std::sqrt(error_power / std::max(exact_power, 1e-300));
    result.clipped_fraction = static_cast<double>(total.clipped) / partials;
    result.partial_sums = total.partials;
    result.clipped_partial_sums = total.clipped;
    const double partial_error_variance = total.partial_error_square / sampled_partials;
    result.partial_error_variance = partial_error_variance;
    // ENOB against a full-scale sine of the ADC: SNR_fs = (FS^2 / 2) / sigma^2 = 6.02 ENOB + 1.76.
    const double full_scale = result.adc_full_scale;
    result.enob =
        (10.0 * std::log10(full_scale * full_scale / 2.0 / std::max(partial_error_variance, 1e-300)) - 1.76) / 6.02;
    // The noise terms were summed in ADC steps^2.
    const double step_square = adc_step * adc_step;
    result.predicted = {total.shot * step_square / sampled_partials, total.thermal * step_square / sampled_partials,
                        total.rin * step_square / sampled_partials, step_square / 12.0};
    // What the noise terms do not explain: weight and input resolution, crosstalk, fabrication
    // errors, drift.
    result.static_error = std::max(0.0, partial_error_variance - result.predicted.total());
    const std::array<double, 5> terms = {result.predicted.shot, result.predicted.thermal, result.predicted.rin,
                                         result.predicted.adc, result.static_error};
    result.regime = static_cast<NoiseRegime>(std::max_element(terms.begin(), terms.end()) - terms.begin());
    error_histogram(error, error_power, result);
}

}  // namespace

namespace {

// Everything before the blocks run, each step named above; the DAC'd inputs and the strips are
// the workspace's.
struct Prepared {
    const ArchitectureModel& model;
    Plan plan;
    MacEmulationResult result;
    std::vector<ImplementedTile> tiles;  // only where drift re-implements the weights
    std::vector<std::vector<double>> drifts;
    Kernel kernel;
};

// The architecture is asked once per run or per tile. The inputs were validated (validate).
Prepared prepare(const MatrixView& weights, const MatrixView& inputs, const Magnitudes& largest,
                 const MacEmulatorConfig& c, EmulationWorkspace::Buffers& workspace) {
    const ArchitectureModel& model = detail::architecture_model(c.architecture);
    const Plan plan = plan_tiling(weights, inputs, largest, c);
    MacEmulationResult result;
    result.tiles_row = plan.tiles_row;
    result.tiles_col = plan.tiles_col;
    const double adc_step = Quantizer{c.adc_bits, calibrate_adc(weights, inputs, plan, c, result)}.step();
    std::vector<std::vector<double>> drifts = drift_sequences(model, plan, c);
    const bool has_drift = !drifts.empty() && !drifts.front().empty();
    const Detection det = detection_of(model, c);
    result.detector_power_per_channel = watts(det.channel_power_w);
    dac_inputs(model, inputs, plan, c, det, workspace.x);
    const Kernel kernel = kernel_of(model, c, det, adc_step, has_drift);
    std::vector<ImplementedTile> tiles;  // kept only where drift re-implements them
    prepare_strips(model, weights, plan, c, det, kernel, tiles, workspace.strips);
    return {model, plan, std::move(result), std::move(tiles), std::move(drifts), kernel};
}

// The run of prepared inputs; its buffers are the workspace's.
Run run_of(const Prepared& s, const MacEmulatorConfig& c, const MatrixView& weights, const MatrixView& inputs,
           EmulationWorkspace::Buffers& w) {
    return Run{s.model,
               c,
               weights,
               inputs,
               s.plan,
               s.kernel,
               s.tiles,
               s.drifts,
               w.x,
               w.strips,
               w.blocks,
               w.packed_weights,
               w.packed_aux_weights,
               w.packed_inputs};
}

// The run on validated inputs, into `output` (m x n).
MacEmulationResult emulate_validated(const MatrixView& weights, const MatrixView& inputs, const Magnitudes& largest,
                                     const MacEmulatorConfig& c, OutputView output, EmulationWorkspace& workspace) {
    EmulationWorkspace::Buffers& w = workspace.buffers();
    Prepared s = prepare(weights, inputs, largest, c, w);
    Run run = run_of(s, c, weights, inputs, w);
    const bool gpu = c.device == EmulatorDevice::cuda;
    const std::vector<BlockStats> stats = gpu ? run_blocks_on_gpu(run, output) : run_blocks(run, output);
    s.result.backend = c.device;
    summarise(stats, s.kernel.noise.adc_step, output, s.result);
    return std::move(s.result);
}

// The device is asked for before any work: on cuda, ResourceMissing when it cannot run.
void check_device(const MacEmulatorConfig& c) {
    if (c.device != EmulatorDevice::cuda) return;
    if (const std::string why = detail::cuda_unavailable_reason(); !why.empty()) throw ResourceMissing(why);
}

}  // namespace

// The driver: a workspace of its own, freed on return, and a fresh output.
MacEmulationResult emulate_gemm(const MatrixView& weights, const MatrixView& inputs, const MacEmulatorConfig& c) {
    const Magnitudes largest = validate(weights, inputs, c);
    check_device(c);
    EmulationWorkspace workspace;
    Eigen::MatrixXd output(weights.rows(), inputs.cols());
    MacEmulationResult result = emulate_validated(weights, inputs, largest, c, output, workspace);
    result.output = std::move(output);
    return result;
}

MacEmulationResult emulate_gemm_into(const MatrixView& weights, const MatrixView& inputs, const MacEmulatorConfig& c,
                                     OutputView output, EmulationWorkspace& workspace) {
    const Magnitudes largest = validate(weights, inputs, c);
    if (output.rows() != weights.rows() || output.cols() != inputs.cols())
        throw InputError::at("output",
                             std::to_string(output.rows()) + "x" + std::to_string(output.cols()) + " for " +
                                 std::to_string(weights.rows()) + "x" + std::to_string(inputs.cols()),
                             "output shape differs from the product's", "an m x n output");
    check_device(c);
    return emulate_validated(weights, inputs, largest, c, output, workspace);
}

NoisyGemmProblem noisy_gemm_problem(const MatrixView& weights, const MatrixView& inputs, const MacEmulatorConfig& c) {
    const Magnitudes largest = validate(weights, inputs, c);
    EmulationWorkspace workspace;
    EmulationWorkspace::Buffers& w = workspace.buffers();
    const Prepared s = prepare(weights, inputs, largest, c, w);
    const Run run = run_of(s, c, weights, inputs, w);
    return problem_of(run);
}

}  // namespace lightwatt::photonics
