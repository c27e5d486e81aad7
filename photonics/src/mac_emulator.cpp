#include "lightwatt/photonics/mac_emulator.hpp"

#include <array>
#include <cmath>
#include <numbers>

#include "lightwatt/core/constants.hpp"
#include "lightwatt/core/error.hpp"
#include "lightwatt/core/fast_normal.hpp"
#include "lightwatt/core/parallel_for.hpp"
#include "lightwatt/core/rng.hpp"
#include "lightwatt/photonics/drift.hpp"
#include "lightwatt/photonics/microring_bank.hpp"
#include "lightwatt/photonics/mzi_mesh.hpp"
#include "lightwatt/photonics/quantizer.hpp"

#include "adc_column.hpp"

namespace lightwatt::photonics {

namespace {

constexpr std::array<std::string_view, 3> kArchitectureNames = {"coherent-mesh", "microring-bank",
                                                                "dot-product-engine"};
constexpr std::array<std::string_view, 5> kRegimeNames = {"shot", "thermal", "rin", "quantisation", "static"};
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
// Stream tags keep the random draws of different purposes apart for the same (seed, index).
constexpr std::uint64_t kWeightStream = 0x5745494748540000ULL;  // "WEIGHT"
constexpr std::uint64_t kNoiseStream = 0x4e4f495345000000ULL;   // "NOISE"
constexpr std::uint64_t kDriftStream = 0x4452494654000000ULL;   // "DRIFT"

InputError config_error(const std::string& key, const std::string& value, const std::string& problem,
                        const std::string& allowed) {
    return InputError({"", 0, key, value, problem, allowed});
}

void validate(const MatrixView& w, const MatrixView& x, const MacEmulatorConfig& c) {
    if (w.size() == 0 || x.size() == 0)
        throw config_error("m, n, k", std::to_string(w.rows()) + "x" + std::to_string(w.cols()) + " times " +
                                          std::to_string(x.rows()) + "x" + std::to_string(x.cols()),
                           "empty matrix", "sizes >= 1");
    if (w.cols() != x.rows())
        throw config_error("k", std::to_string(w.cols()) + " vs " + std::to_string(x.rows()),
                           "inner dimensions differ", "weights m x k times inputs k x n");
    if (!w.allFinite() || !x.allFinite())
        throw config_error("matrix", "NaN or infinity", "non-finite entry", "finite numbers");
    if (c.tile_rows < 1 || c.tile_cols < 1 || c.tile_rows > 4096 || c.tile_cols > 4096)
        throw config_error("tile", std::to_string(c.tile_rows) + "x" + std::to_string(c.tile_cols), "tile size out of range",
                           "tile rows and columns in [1, 4096]");
    for (const auto& [key, bits] : {std::pair<const char*, int>{"dac_bits", c.dac_bits},
                                    {"weight_bits", c.weight_bits}, {"adc_bits", c.adc_bits}})
        if (bits < 1 || bits > 24)
            throw config_error(key, std::to_string(bits), "bits out of range", "an integer in [1, 24]");
    if (!(c.adc_clip_sigmas > 0.0) || !std::isfinite(c.adc_clip_sigmas))
        throw config_error("adc_clip_sigmas", format_number(c.adc_clip_sigmas), "must be positive", "a number > 0");
    if (!(c.laser_power_per_core.value() > 0.0) || !(in_watts(c.laser_power_per_core) <= kMaxLaserPowerW))
        throw config_error("laser_power_mw", format_number(in_milliwatts(c.laser_power_per_core)),
                           in_watts(c.laser_power_per_core) > 0.0 ? "more light than any laser delivers" : "must be positive",
                           "an optical power in (0, 1e6] mW");
    if (!(c.clock.value() > 0.0)) throw config_error("clock_ghz", format_number(in_hertz(c.clock) * 1e-9),
                                                     "must be positive", "a clock > 0 GHz");
    check_emulation_size(w.rows(), w.cols(), x.cols(), c);
}

// The weights a tile implements, for normalised targets in [-1, 1], and what detection sees.
struct ImplementedTile {
    Eigen::MatrixXd weights;           // real part of the implemented transfer, in normalised units
    Eigen::MatrixXd weights_imag;      // coherent mesh only: the imaginary leakage
    double coherent_scale = 1.0;       // coherent: sigma_max (implemented = scale * mesh matrix)
    double signal_scale = 1.0;         // microring bank: analog swing per unit weight, 1 - D_min
    Eigen::MatrixXd quantised_target;  // microring bank: what the rings were tuned for (drift reuses it)
};

ImplementedTile implement_tile(const Eigen::MatrixXd& target, const MacEmulatorConfig& c, std::uint64_t tile_index) {
    ImplementedTile t;
    const Quantizer weight_q{c.weight_bits, 1.0};
    switch (c.architecture) {
        case MacArchitecture::dot_product_engine: {
            t.weights = target.unaryExpr([&](double v) { return quantize(v, weight_q); });
            break;
        }
        case MacArchitecture::microring_bank: {
            const Eigen::MatrixXd quantised = target.unaryExpr([&](double v) { return quantize(v, weight_q); });
            t.quantised_target = quantised;
            MicroringBankTile bank = microring_bank_weights(quantised, c.microring, c.seed ^ kWeightStream, tile_index);
            t.weights = std::move(bank.weights);
            t.signal_scale = bank.signal_scale;
            break;
        }
        case MacArchitecture::coherent_mesh: {
            const SvdMeshes meshes = svd_meshes(target);
            MeshImperfections imp;
            imp.phase_dac_bits = c.mesh.phase_dac_bits;
            imp.phase_error_rad_rms = c.mesh.phase_error_rad_rms;
            imp.thermal_crosstalk = c.mesh.thermal_crosstalk;
            imp.splitter_imbalance_rms = c.mesh.splitter_imbalance_rms;
            imp.mzi_insertion_loss_db = c.mesh.mzi_insertion_loss.value();
            imp.balance_edge_loss = true;  // laid out so every path crosses the same number of MZIs
            const Eigen::MatrixXcd mesh = implemented_matrix(meshes, imp, c.seed ^ kWeightStream, tile_index);
            // The meshes' insertion loss scales every output alike; the system calibrates that
            // scale out digitally (least squares against the target), which costs signal, not
            // accuracy: s = <Re M, W> / <W, W>.
            const double target_norm = target.squaredNorm();
            const double scale = target_norm > 0.0 ? (mesh.real().cwiseProduct(target)).sum() / target_norm : 1.0;
            const double safe_scale = std::abs(scale) > 1e-12 ? scale : 1.0;
            t.weights = mesh.real() / safe_scale;
            t.weights_imag = mesh.imag() / safe_scale;
            t.coherent_scale = meshes.sigma_max > 0.0 ? meshes.sigma_max : 1.0;
            t.signal_scale = safe_scale;
            break;
        }
    }
    return t;
}

// Detection constants of one configuration: current per unit normalised output and noise terms.
struct Detection {
    double responsivity = 0.0;
    double bandwidth_hz = 0.0;
    double thermal_variance = 0.0;  // A^2
    double dark_current = 0.0;      // A, per detector (two per balanced pair)
    double rin_per_hz = 0.0;
    double channel_power_w = 0.0;   // incoherent: per input channel at a detector; coherent: per input mode
    double lo_power_w = 0.0;        // coherent: local oscillator per output
};

Detection detection_of(const MacEmulatorConfig& c) {
    Detection d;
    d.responsivity = in_amperes_per_watt(c.photodetector.responsivity);
    d.bandwidth_hz = c.noise_bandwidth_per_clock * in_hertz(c.clock);
    d.thermal_variance = c.tia.input_noise_psd.value() * d.bandwidth_hz;
    d.dark_current = in_amperes(c.photodetector.dark_current);
    d.rin_per_hz = std::pow(10.0, c.laser.rin_db_per_hz / 10.0);
    const double transmission = 1.0 / c.path_loss.ratio();
    const double laser_w = in_watts(c.laser_power_per_core);
    if (c.architecture == MacArchitecture::coherent_mesh) {
        // Half the light is the signal, split over the k input modes; half is the LO, split over
        // the n outputs' homodyne receivers.
        d.channel_power_w = laser_w / 2.0 / c.tile_cols * transmission;
        d.lo_power_w = laser_w / 2.0 / c.tile_rows * transmission;
    } else {
        // Every input channel is broadcast to the n rows of the core: k x n channel copies.
        d.channel_power_w = laser_w / (static_cast<double>(c.tile_cols) * c.tile_rows) * transmission;
    }
    return d;
}

// Current per unit of normalised output y.
double signal_gain(const Detection& d, const MacEmulatorConfig& c, const ImplementedTile& tile) {
    if (c.architecture == MacArchitecture::coherent_mesh)
        return 2.0 * d.responsivity * std::sqrt(d.lo_power_w * d.channel_power_w) / tile.coherent_scale * tile.signal_scale;
    // Offset intensity encoding p = p_ch (1 + x)/2 with balanced weights: I = (R p_ch / 2) y.
    return d.responsivity * d.channel_power_w / 2.0 * tile.signal_scale;
}

}  // namespace

double emulation_working_set_bytes(long long m, long long k, long long n, const MacEmulatorConfig& c) {
    const auto d = [](long long v) { return static_cast<double>(v); };
    const double tiles_row = std::ceil(d(m) / c.tile_rows), tiles_col = std::ceil(d(k) / c.tile_cols);
    const double tiles = tiles_row * tiles_col;
    const double padded = tiles * c.tile_rows * c.tile_cols;  // elements of all implemented tiles
    // Per padded element: up to three double matrices per tile (weights, imaginary part or tuned
    // target) and two float strips; per tile a fixed overhead (headers, allocations, statistics).
    const double tile_bytes = padded * (3 * 8 + 2 * 4) + tiles * 512;
    const bool drift = c.drift.interval.value() > 0.0 && (c.drift.lo_phase_psd_rad2_per_hz > 0.0 || c.drift.ring_psd_hz2_per_hz > 0.0);
    const double drift_bytes = drift ? tiles * d(n) * 8 * 4 : 0.0;  // the sequences and their FFT buffers
    const double sample = std::min(d(n), 128.0);
    const double matrices = 8 * (d(m) * d(k) + d(k) * d(n))    // weights and inputs
                            + 4 * d(k) * d(n) + 4 * tiles_col * d(n)  // DAC'd inputs, DC light
                            + 8 * 2 * d(m) * d(n)                 // output and the reference product
                            + 8 * sample * (d(k) + 2 * d(m));     // sampled inputs and partials
    return tile_bytes + drift_bytes + matrices;
}

void check_emulation_size(long long m, long long k, long long n, const MacEmulatorConfig& c, const std::string& key) {
    const double need = emulation_working_set_bytes(m, k, n, c);
    if (need <= kMaxEmulationBytes) return;
    throw InputError({"", 0, key,
                      std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n) + " on " + std::to_string(c.tile_rows) +
                          "x" + std::to_string(c.tile_cols) + " tiles",
                      "needs about " + format_number(need / 1073741824.0) + " GiB to emulate",
                      "problems whose working set (zero-padded tiles included) is at most " +
                          format_number(kMaxEmulationBytes / 1073741824.0) + " GiB; larger tiles waste memory on small m"});
}

std::string_view architecture_name(MacArchitecture a) { return kArchitectureNames[static_cast<std::size_t>(a)]; }

std::optional<MacArchitecture> architecture_from_name(std::string_view name) {
    for (std::size_t i = 0; i < kArchitectureNames.size(); ++i)
        if (kArchitectureNames[i] == name) return static_cast<MacArchitecture>(i);
    return std::nullopt;
}

const std::vector<std::string>& architecture_names() {
    static const std::vector<std::string> names(kArchitectureNames.begin(), kArchitectureNames.end());
    return names;
}

std::string_view regime_name(NoiseRegime r) { return kRegimeNames[static_cast<std::size_t>(r)]; }

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

MacEmulationResult emulate_gemm(const MatrixView& weights, const MatrixView& inputs,
                                const MacEmulatorConfig& c) {
    validate(weights, inputs, c);
    const Eigen::Index m = weights.rows(), k = weights.cols(), n = inputs.cols();
    const double w_scale = std::max(weights.cwiseAbs().maxCoeff(), 1e-300);
    const double x_scale = std::max(inputs.cwiseAbs().maxCoeff(), 1e-300);
    const int tr = c.tile_rows, tc = c.tile_cols;
    const int tiles_row = static_cast<int>((m + tr - 1) / tr);
    const int tiles_col = static_cast<int>((k + tc - 1) / tc);
    const int chunks = static_cast<int>((n + kColumnsPerBlock - 1) / kColumnsPerBlock);
    const int threads = c.threads > 0 ? c.threads : default_thread_count();
    const bool coherent = c.architecture == MacArchitecture::coherent_mesh;

    MacEmulationResult result;
    result.tiles_row = tiles_row;
    result.tiles_col = tiles_col;

    // An evenly spaced sample of at most 128 output columns: its exact partial sums set the ADC's
    // full scale (calibrated on the data, as hardware is) and, unless the full reference is asked
    // for, its exact product is what the output is compared with.
    const Eigen::Index sample_step = std::max<Eigen::Index>(1, (n + 127) / 128);
    std::vector<Eigen::Index> sample_columns;
    for (Eigen::Index j = 0; j < n; j += sample_step) sample_columns.push_back(j);
    Eigen::MatrixXd sample_inputs(k, static_cast<Eigen::Index>(sample_columns.size()));
    for (std::size_t i = 0; i < sample_columns.size(); ++i)
        sample_inputs.col(static_cast<Eigen::Index>(i)) = inputs.col(sample_columns[i]);
    SampledPartials sample = sampled_partials(weights, sample_inputs, tc, threads);
    if (c.full_reference) {
        result.exact = product_by_row_groups(weights, inputs, threads);
        result.reference_columns.resize(static_cast<std::size_t>(n));
        for (Eigen::Index j = 0; j < n; ++j) result.reference_columns[static_cast<std::size_t>(j)] = j;
    } else {
        result.exact = std::move(sample.product);
        result.reference_columns = sample_columns;
    }
    const double partial_count = static_cast<double>(m) * static_cast<double>(sample_columns.size()) * tiles_col;
    result.partial_sum_rms = std::sqrt(sample.sum_square / partial_count) / (w_scale * x_scale);
    // All-zero partial sums (zero weights or inputs) leave any range right: take 1.
    const double full_scale = result.partial_sum_rms > 1e-30 ? c.adc_clip_sigmas * result.partial_sum_rms : 1.0;
    result.adc_full_scale = full_scale;
    const Quantizer adc{c.adc_bits, full_scale};
    const Quantizer dac{c.dac_bits, 1.0};
    const double adc_step = adc.step();

    // Implemented tiles, each from its own stream: independent of threads.
    std::vector<ImplementedTile> tiles(static_cast<std::size_t>(tiles_row) * tiles_col);
    parallel_for_blocks(tiles.size(), threads, [&](std::size_t index) {
        const int r = static_cast<int>(index) / tiles_col, t = static_cast<int>(index) % tiles_col;
        const Eigen::Index r0 = static_cast<Eigen::Index>(r) * tr, c0 = static_cast<Eigen::Index>(t) * tc;
        Eigen::MatrixXd target = Eigen::MatrixXd::Zero(tr, tc);  // edge tiles are zero-padded
        const Eigen::Index rows = std::min<Eigen::Index>(tr, m - r0), cols = std::min<Eigen::Index>(tc, k - c0);
        target.topLeftCorner(rows, cols) = weights.block(r0, c0, rows, cols) / w_scale;
        tiles[index] = implement_tile(target, c, index);
    });

    // Drift sequences, one per tile, over the columns (time) of the run.
    std::vector<std::vector<double>> drifts(tiles.size());
    const bool lo_drift = coherent && c.drift.lo_phase_psd_rad2_per_hz > 0.0;
    const bool ring_drift = c.architecture == MacArchitecture::microring_bank && c.drift.ring_psd_hz2_per_hz > 0.0;
    if ((lo_drift || ring_drift) && c.drift.interval.value() > 0.0) {
        const Time dt = c.drift.interval / static_cast<double>(n);
        const double psd = lo_drift ? c.drift.lo_phase_psd_rad2_per_hz : c.drift.ring_psd_hz2_per_hz;
        parallel_for_blocks(drifts.size(), threads, [&](std::size_t i) {
            drifts[i] = flicker_phase_drift(static_cast<std::size_t>(n), dt, psd, c.seed ^ kDriftStream, i);
        });
    }
    const bool has_drift = !drifts.empty() && !drifts.front().empty();

    const Detection det = detection_of(c);
    result.detector_power_per_channel = watts(det.channel_power_w);

    // The inputs through their DACs (float), and for the incoherent cores the DC light each k tile
    // puts on a detector per column: sum_j p_ch (1 + x_j) / 2, as a photocurrent.
    Eigen::MatrixXf xq(k, n);
    Eigen::MatrixXf dc_current(coherent ? 0 : tiles_col, n);
    const double light = 0.5 * det.channel_power_w * det.responsivity;
    parallel_for_blocks(static_cast<std::size_t>(chunks), threads, [&](std::size_t chunk) {
        const Eigen::Index j0 = static_cast<Eigen::Index>(chunk) * kColumnsPerBlock;
        const Eigen::Index cols_n = std::min<Eigen::Index>(kColumnsPerBlock, n - j0);
        for (Eigen::Index j = j0; j < j0 + cols_n; ++j) {
            for (Eigen::Index i = 0; i < k; ++i) xq(i, j) = static_cast<float>(quantize(inputs(i, j) / x_scale, dac));
            if (coherent) continue;
            for (int t = 0; t < tiles_col; ++t) {
                const Eigen::Index c0 = static_cast<Eigen::Index>(t) * tc;
                const Eigen::Index cols = std::min<Eigen::Index>(tc, k - c0);
                double sum = 0.0;
                for (Eigen::Index i = c0; i < c0 + cols; ++i) sum += 1.0 + xq(i, j);
                dc_current(t, j) = static_cast<float>(light * sum);
            }
        }
    });

    // Per tile, in float and in units of the ADC step: implemented weights, what each noise term
    // needs, the gain. Noise terms are variances in steps^2 (adc_column.hpp):
    //   sigma_v^2 = [thermal + 2qB (I_dc + 2 I_d)] / (g S)^2 + c_pp (p + offset)^2 + c_aa a^2 + c_a a
    struct FloatTile {
        double gain = 1.0;               // A per unit normalised output
        double thermal = 0.0, shot_per_ampere = 0.0;  // steps^2, steps^2 per A of DC light
        double c_pp = 0.0, c_aa = 0.0, c_a = 0.0;
        double shot_c_pp = 0.0;          // the shot part of c_pp (coherent), for the budget
    };
    // The implemented weights of each k tile stacked over all tile rows (zero-padded to tr rows
    // each), so that one GEMM serves several tile rows and each input block is packed once.
    struct Strip {
        Eigen::MatrixXf weights;         // W / S
        Eigen::MatrixXf weights_aux;     // coherent: Im W / S; microring: W^2 (for the RIN term)
        Eigen::VectorXf offset;          // dot-product engine: (W 1) / S, the intensity offset
    };
    const double shot_per_ampere = 2.0 * constants::elementary_charge.value() * det.bandwidth_hz;
    const double rin_b = det.rin_per_hz * det.bandwidth_hz;
    const double dark = 2.0 * det.dark_current;
    detail::AdcColumnShape shape = detail::AdcColumnShape::plain;
    if (c.architecture == MacArchitecture::dot_product_engine && c.rin_noise) shape = detail::AdcColumnShape::offset;
    if (c.architecture == MacArchitecture::microring_bank && c.rin_noise) shape = detail::AdcColumnShape::aux;
    if (coherent && has_drift) shape = detail::AdcColumnShape::aux_rotated;
    else if (coherent && c.shot_noise) shape = detail::AdcColumnShape::aux;
    const bool uses_aux = shape == detail::AdcColumnShape::aux || shape == detail::AdcColumnShape::aux_rotated;
    const double lo_dc = coherent ? det.responsivity * det.lo_power_w + dark : 0.0;
    const auto aux_weights_of = [&](const ImplementedTile& tile, const Eigen::MatrixXd& implemented) -> Eigen::MatrixXf {
        if (coherent) return (tile.weights_imag / adc_step).cast<float>();
        return implemented.array().square().matrix().cast<float>();
    };
    const Eigen::Index stacked_rows = static_cast<Eigen::Index>(tiles_row) * tr;
    std::vector<FloatTile> ftiles(tiles.size());
    std::vector<Strip> strips(static_cast<std::size_t>(tiles_col));
    for (Strip& strip : strips) {
        strip.weights.resize(stacked_rows, tc);
        if (uses_aux) strip.weights_aux.resize(stacked_rows, tc);
        if (c.architecture == MacArchitecture::dot_product_engine) strip.offset.resize(stacked_rows);
    }
    parallel_for_blocks(tiles.size(), threads, [&](std::size_t i) {
        const int r = static_cast<int>(i) / tiles_col, t = static_cast<int>(i) % tiles_col;
        const Eigen::Index cols_k = std::min<Eigen::Index>(tc, k - static_cast<Eigen::Index>(t) * tc);
        const Eigen::Index s0 = static_cast<Eigen::Index>(r) * tr;
        FloatTile& f = ftiles[i];
        Strip& strip = strips[static_cast<std::size_t>(t)];
        const ImplementedTile& tile = tiles[i];
        f.gain = signal_gain(det, c, tile);
        const double gs = f.gain * adc_step;
        strip.weights.middleRows(s0, tr) = (tile.weights / adc_step).cast<float>();
        if (uses_aux) strip.weights_aux.middleRows(s0, tr) = aux_weights_of(tile, tile.weights);
        f.thermal = c.thermal_noise ? det.thermal_variance / (gs * gs) : 0.0;
        f.shot_per_ampere = c.shot_noise ? shot_per_ampere / (gs * gs) : 0.0;
        const double rin = c.rin_noise ? rin_b : 0.0;
        switch (c.architecture) {
            case MacArchitecture::dot_product_engine:
                strip.offset.segment(s0, tr) = (tile.weights.leftCols(cols_k).rowwise().sum() / adc_step).cast<float>();
                f.c_pp = rin;  // RIN on the whole current incl. the offset, one laser
                break;
            case MacArchitecture::microring_bank:
                f.c_a = rin / (adc_step * adc_step);  // RIN per WDM line: sum W^2 (1 + x)^2
                break;
            case MacArchitecture::coherent_mesh: {
                // Shot on the signal light: 2qB R p_ch |b|^2 with b = (fg y, fg y_imag).
                const double fg = tile.signal_scale / tile.coherent_scale;
                f.shot_c_pp = c.shot_noise ? shot_per_ampere * det.responsivity * det.channel_power_w * fg * fg /
                                                 (f.gain * f.gain)
                                           : 0.0;
                f.c_pp = f.shot_c_pp + rin;
                f.c_aa = f.shot_c_pp;
                break;
            }
        }
    });

    const double total_partials = static_cast<double>(m) * static_cast<double>(n) * tiles_col;
    const std::size_t stats_every =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(total_partials / kStatisticsPartials)));
    // Random streams and statistics belong to (tile row, column chunk); the work is done on groups
    // of up to kRowsPerGemm / tr tile rows, fewer when that would leave fewer than kMinimumBlocks
    // blocks. Neither choice changes a result: every tile row draws from its own stream.
    int group = std::max(1, static_cast<int>(kRowsPerGemm / tr));
    while (group > 1 && static_cast<long long>((tiles_row + group - 1) / group) * chunks < kMinimumBlocks) group /= 2;
    const int groups = (tiles_row + group - 1) / group;

    result.output.resize(m, n);
    struct BlockStats {
        double partial_error_square = 0.0;
        double shot = 0.0, thermal = 0.0, rin = 0.0;  // steps^2, summed over sampled partial sums
        std::size_t clipped = 0, partials = 0, sampled = 0;
    };
    std::vector<BlockStats> stats(static_cast<std::size_t>(tiles_row) * chunks);
    parallel_for_blocks(static_cast<std::size_t>(groups) * chunks, threads, [&](std::size_t work) {
        const int g = static_cast<int>(work) / chunks, chunk = static_cast<int>(work) % chunks;
        const int r_first = g * group, r_count = std::min(group, tiles_row - r_first);
        const Eigen::Index s0 = static_cast<Eigen::Index>(r_first) * tr, s_rows = static_cast<Eigen::Index>(r_count) * tr;
        const Eigen::Index j0 = static_cast<Eigen::Index>(chunk) * kColumnsPerBlock;
        const Eigen::Index cols_n = std::min<Eigen::Index>(kColumnsPerBlock, n - j0);
        std::vector<FastNormal> normals;
        for (int r = r_first; r < r_first + r_count; ++r)
            normals.emplace_back(c.seed ^ kNoiseStream, static_cast<std::size_t>(r) * chunks + chunk);
        Eigen::MatrixXf out = Eigen::MatrixXf::Zero(s_rows, cols_n);
        Eigen::MatrixXf p(s_rows, cols_n), aux(s_rows, cols_n), exact, xin_aux;
        Eigen::MatrixXf drifted_weights, drifted_aux;
        std::vector<float> z(static_cast<std::size_t>(tr)), digitised(static_cast<std::size_t>(tr));
        for (int t = 0; t < tiles_col; ++t) {
            const Strip& strip = strips[static_cast<std::size_t>(t)];
            const Eigen::Index c0 = static_cast<Eigen::Index>(t) * tc;
            const Eigen::Index cols_k = std::min<Eigen::Index>(tc, k - c0);
            const auto xin = xq.block(c0, j0, cols_k, cols_n);
            const bool ring_drifts = ring_drift && has_drift;
            if (ring_drifts) {
                // A common ring shift (temperature) moves every ring off its tuning: each bank as
                // shifted by this chunk's mean drift.
                drifted_weights.resize(s_rows, tc);
                if (uses_aux) drifted_aux.resize(s_rows, tc);
                for (int r = r_first; r < r_first + r_count; ++r) {
                    const std::size_t tile_index = static_cast<std::size_t>(r) * tiles_col + t;
                    const std::vector<double>& drift = drifts[tile_index];
                    double mean_shift = 0.0;
                    for (Eigen::Index j = 0; j < cols_n; ++j) mean_shift += drift[static_cast<std::size_t>(j0 + j)];
                    mean_shift /= static_cast<double>(cols_n);
                    const MicroringBankTile bank = microring_bank_weights(
                        tiles[tile_index].quantised_target, c.microring, c.seed ^ kWeightStream, tile_index, hertz(mean_shift));
                    const Eigen::Index local = static_cast<Eigen::Index>(r - r_first) * tr;
                    drifted_weights.middleRows(local, tr) = (bank.weights / adc_step).cast<float>();
                    if (uses_aux) drifted_aux.middleRows(local, tr) = aux_weights_of(tiles[tile_index], bank.weights);
                }
                p.noalias() = drifted_weights.leftCols(cols_k) * xin;
            } else {
                p.noalias() = strip.weights.block(s0, 0, s_rows, cols_k) * xin;
            }
            if (uses_aux) {
                using StackedWeights = Eigen::Ref<const Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
                const StackedWeights lhs = ring_drifts ? StackedWeights(drifted_aux.leftCols(cols_k))
                                                       : StackedWeights(strip.weights_aux.block(s0, 0, s_rows, cols_k));
                if (coherent) {
                    aux.noalias() = lhs * xin;
                } else {
                    xin_aux = (xin.array() + 1.0f).square().matrix();
                    aux.noalias() = lhs * xin_aux;
                }
            }
            for (int r = r_first; r < r_first + r_count; ++r) {
                const std::size_t tile_index = static_cast<std::size_t>(r) * tiles_col + t;
                const std::size_t block = static_cast<std::size_t>(r) * chunks + chunk;
                const std::vector<double>& drift = drifts[tile_index];
                const FloatTile& tile = ftiles[tile_index];
                FastNormal& normal = normals[static_cast<std::size_t>(r - r_first)];
                BlockStats& s = stats[block];
                const bool sampled = block % stats_every == 0;
                const Eigen::Index r0 = static_cast<Eigen::Index>(r) * tr;
                const Eigen::Index rows = std::min<Eigen::Index>(tr, m - r0);
                const Eigen::Index local = static_cast<Eigen::Index>(r - r_first) * tr;
                if (sampled)
                    exact.noalias() = (weights.block(r0, c0, rows, cols_k) / w_scale).cast<float>() *
                                      (inputs.block(c0, j0, cols_k, cols_n) / x_scale).cast<float>();
                detail::AdcColumnTerms terms;
                terms.c_pp = static_cast<float>(tile.c_pp);
                terms.c_aa = static_cast<float>(tile.c_aa);
                terms.c_a = static_cast<float>(tile.c_a);
                terms.top = static_cast<float>(std::ldexp(1.0, c.adc_bits - 1) - 1.0);
                terms.step = static_cast<float>(adc_step);
                const float* offset = strip.offset.size() > 0 ? strip.offset.data() + s0 + local : nullptr;
                for (Eigen::Index j = 0; j < cols_n; ++j) {
                    // Shot noise on the light that does not depend on the output: DC light per
                    // column (incoherent) or the LO (coherent), plus the dark current of the pair.
                    const double dc = coherent ? lo_dc : static_cast<double>(dc_current(t, j0 + j)) + dark;
                    const double base_shot = tile.shot_per_ampere * dc;
                    terms.base = static_cast<float>(tile.thermal + base_shot);
                    if (shape == detail::AdcColumnShape::aux_rotated) {
                        const double phi = drift[static_cast<std::size_t>(j0 + j)];
                        terms.cos_phi = static_cast<float>(std::cos(phi));
                        terms.sin_phi = static_cast<float>(std::sin(phi));
                    }
                    normal.fill(z.data(), static_cast<std::size_t>(rows));
                    const float* pj = p.col(j).data() + local;
                    const float* aj = uses_aux ? aux.col(j).data() + local : nullptr;
                    float* oj = out.col(j).data() + local;
                    if (!sampled) {
                        s.clipped += detail::digitise_column(shape, terms, pj, offset, aj, z.data(), oj, rows);
                        continue;
                    }
                    std::fill(digitised.begin(), digitised.end(), 0.0f);
                    s.clipped += detail::digitise_column(shape, terms, pj, offset, aj, z.data(), digitised.data(), rows);
                    // Error and mean noise terms of these partial sums, in steps^2.
                    s.thermal += tile.thermal * static_cast<double>(rows);
                    for (Eigen::Index i = 0; i < rows; ++i) {
                        const double d = digitised[static_cast<std::size_t>(i)];
                        oj[i] += digitised[static_cast<std::size_t>(i)];
                        const double e = d - static_cast<double>(exact(i, j));
                        s.partial_error_square += e * e;
                        const double pv = pj[i], av = aj != nullptr ? aj[i] : 0.0;
                        double rin_term = 0.0, shot_term = base_shot;
                        switch (c.architecture) {
                            case MacArchitecture::dot_product_engine: {
                                const double u = pv + static_cast<double>(offset[i]);
                                rin_term = tile.c_pp * u * u;
                                break;
                            }
                            case MacArchitecture::microring_bank: rin_term = tile.c_a * av; break;
                            case MacArchitecture::coherent_mesh:
                                rin_term = (tile.c_pp - tile.shot_c_pp) * pv * pv;
                                shot_term += tile.shot_c_pp * (pv * pv + av * av);
                                break;
                        }
                        s.rin += rin_term;
                        s.shot += shot_term;
                    }
                    s.sampled += static_cast<std::size_t>(rows);
                }
                s.partials += static_cast<std::size_t>(rows * cols_n);
            }
        }
        for (int r = r_first; r < r_first + r_count; ++r) {
            const Eigen::Index r0 = static_cast<Eigen::Index>(r) * tr;
            const Eigen::Index rows = std::min<Eigen::Index>(tr, m - r0);
            result.output.block(r0, j0, rows, cols_n) =
                out.middleRows(static_cast<Eigen::Index>(r - r_first) * tr, rows).cast<double>() * (w_scale * x_scale);
        }
    });

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
    Eigen::MatrixXd compared(m, result.exact.cols());
    for (std::size_t i = 0; i < result.reference_columns.size(); ++i)
        compared.col(static_cast<Eigen::Index>(i)) = result.output.col(result.reference_columns[i]);
    const Eigen::MatrixXd error = compared - result.exact;
    const double exact_power = result.exact.squaredNorm();
    const double error_power = error.squaredNorm();
    result.snr_db = 10.0 * std::log10(exact_power / std::max(error_power, 1e-300));
    result.rel_rms_error = std::sqrt(error_power / std::max(exact_power, 1e-300));
    result.clipped_fraction = static_cast<double>(total.clipped) / partials;
    const double partial_error_variance = total.partial_error_square / sampled_partials;
    result.partial_error_variance = partial_error_variance;
    // ENOB against a full-scale sine of the ADC: SNR_fs = (FS^2 / 2) / sigma^2 = 6.02 ENOB + 1.76.
    result.enob = (10.0 * std::log10(full_scale * full_scale / 2.0 / std::max(partial_error_variance, 1e-300)) - 1.76) / 6.02;
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

    // Error distribution in units of the RMS error, 40 bins over [-5, 5].
    const double rms_error = std::sqrt(error_power / static_cast<double>(error.size()));
    result.error_histogram_edges.resize(41);
    for (int b = 0; b <= 40; ++b) result.error_histogram_edges[static_cast<std::size_t>(b)] = -5.0 + 0.25 * b;
    result.error_histogram.assign(40, 0);
    if (rms_error > 0.0) {
        for (Eigen::Index i = 0; i < error.size(); ++i) {
            const double z = error.data()[i] / rms_error;
            const int bin = static_cast<int>(std::floor((z + 5.0) / 0.25));
            if (bin >= 0 && bin < 40) ++result.error_histogram[static_cast<std::size_t>(bin)];
        }
    }
    return result;
}

}  // namespace lightwatt::photonics
