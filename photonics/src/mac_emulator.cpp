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

namespace lightwatt::photonics {

namespace {

constexpr std::array<std::string_view, 3> kArchitectureNames = {"coherent-mesh", "microring-bank",
                                                                "dot-product-engine"};
constexpr std::array<std::string_view, 5> kRegimeNames = {"shot", "thermal", "rin", "quantisation", "static"};
constexpr int kColumnsPerBlock = 256;
constexpr Eigen::Index kSliceColumns = 32;
// 1 kW of optical power per core bounds any laser; beyond it the float kernel would overflow.
constexpr double kMaxLaserPowerW = 1e3;
constexpr Eigen::Index kCalibrationColumns = 64;
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

void validate(const Eigen::MatrixXd& w, const Eigen::MatrixXd& x, const MacEmulatorConfig& c) {
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

MacEmulationResult emulate_gemm(const Eigen::MatrixXd& weights, const Eigen::MatrixXd& inputs,
                                const MacEmulatorConfig& c) {
    validate(weights, inputs, c);
    const Eigen::Index m = weights.rows(), k = weights.cols(), n = inputs.cols();
    const double w_scale = std::max(weights.cwiseAbs().maxCoeff(), 1e-300);
    const double x_scale = std::max(inputs.cwiseAbs().maxCoeff(), 1e-300);
    const Eigen::MatrixXd w = weights / w_scale;
    const Eigen::MatrixXd x = inputs / x_scale;
    const int tr = c.tile_rows, tc = c.tile_cols;
    const int tiles_row = static_cast<int>((m + tr - 1) / tr);
    const int tiles_col = static_cast<int>((k + tc - 1) / tc);
    const int chunks = static_cast<int>((n + kColumnsPerBlock - 1) / kColumnsPerBlock);
    const int threads = c.threads > 0 ? c.threads : default_thread_count();

    MacEmulationResult result;
    result.tiles_row = tiles_row;
    result.tiles_col = tiles_col;
    if (c.full_reference) {
        result.exact = weights * inputs;
        result.reference_columns.resize(static_cast<std::size_t>(n));
        for (Eigen::Index j = 0; j < n; ++j) result.reference_columns[static_cast<std::size_t>(j)] = j;
    } else {
        const Eigen::Index step = std::max<Eigen::Index>(1, (n + 127) / 128);
        for (Eigen::Index j = 0; j < n; j += step) result.reference_columns.push_back(j);
        Eigen::MatrixXd picked(k, static_cast<Eigen::Index>(result.reference_columns.size()));
        for (std::size_t i = 0; i < result.reference_columns.size(); ++i)
            picked.col(static_cast<Eigen::Index>(i)) = inputs.col(result.reference_columns[i]);
        result.exact = weights * picked;
    }

    // Exact normalised partial sums set the ADC's full scale (calibrated on the data, as hardware
    // is), from an evenly spaced sample of at most kCalibrationColumns columns.
    const Eigen::Index sample_step = std::max<Eigen::Index>(1, n / kCalibrationColumns);
    const Eigen::Index sample_count = (n + sample_step - 1) / sample_step;
    Eigen::MatrixXd x_sample(k, sample_count);
    for (Eigen::Index j = 0; j < sample_count; ++j) x_sample.col(j) = x.col(j * sample_step);
    double sum_square_partials = 0.0;
    for (int tcol = 0; tcol < tiles_col; ++tcol) {
        const Eigen::Index c0 = static_cast<Eigen::Index>(tcol) * tc;
        const Eigen::Index cols = std::min<Eigen::Index>(tc, k - c0);
        sum_square_partials += (w.middleCols(c0, cols) * x_sample.middleRows(c0, cols)).squaredNorm();
    }
    const double partial_count = static_cast<double>(m) * static_cast<double>(sample_count) * tiles_col;
    result.partial_sum_rms = std::sqrt(sum_square_partials / partial_count);
    // All-zero partial sums (zero weights or inputs) leave any range right: take 1.
    const double full_scale = result.partial_sum_rms > 1e-30 ? c.adc_clip_sigmas * result.partial_sum_rms : 1.0;
    result.adc_full_scale = full_scale;
    const Quantizer adc{c.adc_bits, full_scale};
    const Quantizer dac{c.dac_bits, 1.0};

    // Implemented tiles, each from its own stream: independent of threads.
    std::vector<ImplementedTile> tiles(static_cast<std::size_t>(tiles_row) * tiles_col);
    parallel_for_blocks(tiles.size(), threads, [&](std::size_t index) {
        const int r = static_cast<int>(index) / tiles_col, t = static_cast<int>(index) % tiles_col;
        const Eigen::Index r0 = static_cast<Eigen::Index>(r) * tr, c0 = static_cast<Eigen::Index>(t) * tc;
        Eigen::MatrixXd target = Eigen::MatrixXd::Zero(tr, tc);  // edge tiles are zero-padded
        const Eigen::Index rows = std::min<Eigen::Index>(tr, m - r0), cols = std::min<Eigen::Index>(tc, k - c0);
        target.topLeftCorner(rows, cols) = w.block(r0, c0, rows, cols);
        tiles[index] = implement_tile(target, c, index);
    });

    // Drift sequences, one per tile, over the columns (time) of the run.
    std::vector<std::vector<double>> drifts(tiles.size());
    const bool lo_drift = c.architecture == MacArchitecture::coherent_mesh && c.drift.lo_phase_psd_rad2_per_hz > 0.0;
    const bool ring_drift = c.architecture == MacArchitecture::microring_bank && c.drift.ring_psd_hz2_per_hz > 0.0;
    if ((lo_drift || ring_drift) && c.drift.interval.value() > 0.0) {
        const Time dt = c.drift.interval / static_cast<double>(n);
        const double psd = lo_drift ? c.drift.lo_phase_psd_rad2_per_hz : c.drift.ring_psd_hz2_per_hz;
        for (std::size_t i = 0; i < drifts.size(); ++i)
            drifts[i] = flicker_phase_drift(static_cast<std::size_t>(n), dt, psd, c.seed ^ kDriftStream, i);
    }

    const Detection det = detection_of(c);
    result.detector_power_per_channel = watts(det.channel_power_w);
    const Eigen::MatrixXf xq = x.unaryExpr([&](double v) { return quantize(v, dac); }).cast<float>();
    const Eigen::MatrixXf xf = x.cast<float>();
    const Eigen::MatrixXf wf = w.cast<float>();

    // Per tile, in float: implemented weights, what each noise term needs, the gain.
    struct FloatTile {
        Eigen::MatrixXf weights, weights_imag, weights_square;
        Eigen::VectorXf row_sums;  // sum over the inputs in use: the offset term W 1
        double gain = 1.0;
    };
    std::vector<FloatTile> ftiles(tiles.size());
    for (std::size_t i = 0; i < tiles.size(); ++i) {
        const int t = static_cast<int>(i) % tiles_col;
        const Eigen::Index cols_k = std::min<Eigen::Index>(tc, k - static_cast<Eigen::Index>(t) * tc);
        FloatTile& f = ftiles[i];
        f.weights = tiles[i].weights.cast<float>();
        if (c.architecture == MacArchitecture::coherent_mesh) f.weights_imag = tiles[i].weights_imag.cast<float>();
        if (c.architecture == MacArchitecture::microring_bank) f.weights_square = f.weights.array().square().matrix();
        f.row_sums = f.weights.leftCols(cols_k).rowwise().sum();
        f.gain = signal_gain(det, c, tiles[i]);
    }

    const double total_partials = static_cast<double>(m) * static_cast<double>(n) * tiles_col;
    const std::size_t block_count = static_cast<std::size_t>(tiles_row) * chunks;
    const std::size_t stats_every =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(total_partials / kStatisticsPartials)));
    const float shot_per_ampere = static_cast<float>(2.0 * constants::elementary_charge.value() * det.bandwidth_hz);
    const float rin_b = static_cast<float>(det.rin_per_hz * det.bandwidth_hz);
    const float thermal = c.thermal_noise ? static_cast<float>(det.thermal_variance) : 0.0f;
    const float adc_step = static_cast<float>(adc.step());
    const float adc_top = static_cast<float>(std::ldexp(1.0, c.adc_bits - 1) - 1.0);

    Eigen::MatrixXd normalised_out = Eigen::MatrixXd::Zero(m, n);
    struct BlockStats {
        double partial_error_square = 0.0;
        double shot = 0.0, thermal = 0.0, rin = 0.0;
        std::size_t clipped = 0, partials = 0, sampled = 0;
    };
    std::vector<BlockStats> stats(block_count);
    parallel_for_blocks(block_count, threads, [&](std::size_t block) {
        const int r = static_cast<int>(block) / chunks, chunk = static_cast<int>(block) % chunks;
        const Eigen::Index r0 = static_cast<Eigen::Index>(r) * tr;
        const Eigen::Index rows = std::min<Eigen::Index>(tr, m - r0);
        const Eigen::Index j0 = static_cast<Eigen::Index>(chunk) * kColumnsPerBlock;
        const Eigen::Index cols_n = std::min<Eigen::Index>(kColumnsPerBlock, n - j0);
        const bool sampled = block % stats_every == 0;
        FastNormal normal(c.seed ^ kNoiseStream, block);
        BlockStats& s = stats[block];
        Eigen::MatrixXf out = Eigen::MatrixXf::Zero(rows, cols_n);
        Eigen::MatrixXf hw(tr, cols_n), aux(tr, cols_n);
        Eigen::RowVectorXf dc_column(cols_n);
        Eigen::ArrayXXf z(tr, kSliceColumns);
        for (int t = 0; t < tiles_col; ++t) {
            const std::size_t tile_index = static_cast<std::size_t>(r) * tiles_col + t;
            const std::vector<double>& drift = drifts[tile_index];
            const FloatTile* tile = &ftiles[tile_index];
            FloatTile drifted;
            if (!drift.empty() && c.architecture == MacArchitecture::microring_bank) {
                // A common ring shift (temperature) moves every ring off its tuning: the bank as
                // shifted by this chunk's mean drift.
                double mean_shift = 0.0;
                for (Eigen::Index j = 0; j < cols_n; ++j) mean_shift += drift[static_cast<std::size_t>(j0 + j)];
                mean_shift /= static_cast<double>(cols_n);
                MicroringBankTile bank = microring_bank_weights(tiles[tile_index].quantised_target, c.microring,
                                                                c.seed ^ kWeightStream, tile_index, hertz(mean_shift));
                drifted = *tile;
                drifted.weights = bank.weights.cast<float>();
                drifted.weights_square = drifted.weights.array().square().matrix();
                tile = &drifted;
            }
            const Eigen::Index c0 = static_cast<Eigen::Index>(t) * tc;
            const Eigen::Index cols_k = std::min<Eigen::Index>(tc, k - c0);
            const auto xin = xq.block(c0, j0, cols_k, cols_n);
            const float gain = static_cast<float>(tile->gain);
            const float inverse_gain = 1.0f / gain;
            hw.noalias() = tile->weights.leftCols(cols_k) * xin;
            // What sets the shot and RIN noise, per architecture (docs/models/photonic-mac.md):
            //   incoherent: DC light per column sum_j p_ch (1 + x_j)/2; RIN on the differential
            //     current incl. offset (one laser) or per channel (WDM lines);
            //   coherent: DC = R (P_LO + |b|^2); RIN on the signal current.
            const bool coherent = c.architecture == MacArchitecture::coherent_mesh;
            if (!coherent) {
                const float light = static_cast<float>(0.5 * det.channel_power_w * det.responsivity);
                dc_column = ((xin.array() + 1.0f).colwise().sum() * light).matrix();
                if (c.architecture == MacArchitecture::microring_bank && c.rin_noise)
                    aux.noalias() = tile->weights_square.leftCols(cols_k) * (xin.array() + 1.0f).square().matrix();
            } else if (c.shot_noise || !drift.empty()) {
                aux.noalias() = tile->weights_imag.leftCols(cols_k) * xin;
            }
            const float field_gain = coherent ? static_cast<float>(tiles[tile_index].signal_scale / tiles[tile_index].coherent_scale)
                                              : 0.0f;
            const float lo_current = static_cast<float>(det.responsivity * det.lo_power_w);
            const float signal_current_per_field2 = static_cast<float>(det.responsivity * det.channel_power_w);
            const float dark = static_cast<float>(2.0 * det.dark_current);
            Eigen::MatrixXf exact;
            if (sampled) exact.noalias() = wf.block(r0, c0, rows, cols_k) * xf.block(c0, j0, cols_k, cols_n);
            // The element-wise work runs on slices of kSliceColumns columns, whose temporaries stay
            // in the L1 cache; the random draws keep their column-by-column order.
            for (Eigen::Index js = 0; js < cols_n; js += kSliceColumns) {
                const Eigen::Index cols_s = std::min<Eigen::Index>(kSliceColumns, cols_n - js);
                // Noise standard deviation of every partial sum, as whole-block array expressions
                // (vectorised): sigma_y = sqrt(thermal + 2 q B (I_dc + 2 I_d) + RIN B I_ref^2) / gain.
                auto p_block = hw.block(0, js, rows, cols_s).array();
                Eigen::ArrayXXf variance = Eigen::ArrayXXf::Constant(rows, cols_s, thermal);
                if (coherent) {
                    if (c.shot_noise) {
                        const auto re = p_block * field_gain;
                        const auto im = aux.block(0, js, rows, cols_s).array() * field_gain;
                        variance += shot_per_ampere * (lo_current + dark + signal_current_per_field2 * (re.square() + im.square()));
                    }
                    if (c.rin_noise) variance += rin_b * (gain * p_block).square();
                } else {
                    if (c.shot_noise) variance.rowwise() += (shot_per_ampere * (dc_column.segment(js, cols_s).array() + dark));
                    if (c.rin_noise) {
                        if (c.architecture == MacArchitecture::dot_product_engine)
                            variance += rin_b * gain * gain * (p_block.colwise() + tile->row_sums.head(rows).array()).square();
                        else
                            variance += rin_b * gain * gain * aux.block(0, js, rows, cols_s).array();
                    }
                }
                const float inverse_step = 1.0f / adc_step;
                // One standard normal per partial sum (column by column), then the ADC on the block.
                if (rows == tr) {
                    normal.fill(z.data(), static_cast<std::size_t>(rows * cols_s));
                } else {
                    for (Eigen::Index j = 0; j < cols_s; ++j)
                        for (Eigen::Index i = 0; i < rows; ++i) z(i, j) = normal.next();
                }
                const auto noise = (variance.sqrt() * inverse_gain) * z.topLeftCorner(rows, cols_s);
                Eigen::ArrayXXf v;
                if (coherent && !drift.empty()) {
                    Eigen::ArrayXXf analog;
                    // Homodyne against an LO whose phase has drifted by phi: Re(e^{i phi} b).
                    analog.resize(rows, cols_s);
                    for (Eigen::Index j = 0; j < cols_s; ++j) {
                        const double phi = drift[static_cast<std::size_t>(j0 + js + j)];
                        analog.col(j) = static_cast<float>(std::cos(phi)) * p_block.col(j) -
                                        static_cast<float>(std::sin(phi)) * aux.block(0, js, rows, cols_s).array().col(j);
                    }
                    v = (analog + noise) * inverse_step;
                } else {
                    v = (p_block + noise) * inverse_step;
                }
                // Mid-tread ADC: round to the nearest step (ties away from zero), clip to the range.
                v = (v == v).select(v, 0.0f);  // no NaN reaches the integer conversion below
                s.clipped += static_cast<std::size_t>(((v >= adc_top + 0.5f) || (v < -adc_top - 1.5f)).count());
                // Round half away from zero by truncating |v| + 1/2 (vectorises; no libm call).
                const auto bounded = v.max(-adc_top - 1.0f).min(adc_top);
                const Eigen::ArrayXXf digitised = ((bounded.abs() + 0.5f).cast<int>().cast<float>() * bounded.sign()) * adc_step;
                out.middleCols(js, cols_s) += digitised.matrix();
                if (sampled) s.partial_error_square += (digitised.matrix() - exact.middleCols(js, cols_s)).cast<double>().squaredNorm();
                if (sampled) {
                    // Mean noise terms of these partial sums, per unit of normalised output squared.
                    const double g2 = static_cast<double>(gain) * gain;
                    const double block_partials = static_cast<double>(rows * cols_s);
                    s.thermal += static_cast<double>(thermal) * block_partials / g2;
                    const double noise_total = (variance.cast<double>().sum()) / g2;
                    double rin_part = 0.0;
                    if (c.rin_noise) {
                        if (coherent) rin_part = (rin_b * (gain * p_block).square()).cast<double>().sum() / g2;
                        else if (c.architecture == MacArchitecture::dot_product_engine)
                            rin_part = (rin_b * gain * gain * (p_block.colwise() + tile->row_sums.head(rows).array()).square())
                                           .cast<double>()
                                           .sum() / g2;
                        else rin_part = (rin_b * gain * gain * aux.block(0, js, rows, cols_s).array()).cast<double>().sum() / g2;
                    }
                    s.rin += rin_part;
                    s.shot += noise_total - rin_part - static_cast<double>(thermal) * block_partials / g2;
                    s.sampled += static_cast<std::size_t>(rows * cols_s);
                }
            }
            s.partials += static_cast<std::size_t>(rows * cols_n);
        }
        normalised_out.block(r0, j0, rows, cols_n) = out.cast<double>();
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
    result.output = normalised_out * (w_scale * x_scale);
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
    result.predicted = {total.shot / sampled_partials, total.thermal / sampled_partials, total.rin / sampled_partials,
                        adc.step() * adc.step() / 12.0};
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
