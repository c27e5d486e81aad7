#include "lightwatt/photonics/crossbar_power.hpp"

#include <algorithm>
#include <cmath>

#include "lightwatt/photonics/laser.hpp"

namespace lightwatt::photonics {

namespace {

double scaling_law(ConverterScaling s, int bits) {
    const double n = bits;
    if (s == ConverterScaling::sar) return n;
    return std::exp2(n) / n;
}

// The memory of the CACTI runs: a global buffer per 4 tiles, a local buffer per tile plus one
// for operand B, two small output buffers per tile and one small input buffer per core, and one
// per core position for operand B (once when it is broadcast, per tile otherwise).
Power memory_power(const CrossbarGeometry& g, const CrossbarDevices& d) {
    const double tiles = g.tiles, cores = static_cast<double>(g.tiles) * g.cores_per_tile;
    const double operand_b_buffers = g.operand_b_shared_across_tiles ? g.cores_per_tile : cores;
    return d.global_buffer_power_per_4_tiles * tiles / 4.0 +
           tiles * (d.local_buffer_power + 2.0 * d.small_buffer_power) + d.local_buffer_power +
           (cores + operand_b_buffers) * d.small_buffer_power;
}

}  // namespace

Energy scaled_conversion_energy(const ScaledConverter& c, int bits) {
    return c.power / c.sample_rate * scaling_law(c.scaling, bits) / scaling_law(c.scaling, c.bits);
}

CrossbarCounts crossbar_counts(const CrossbarGeometry& g) {
    CrossbarCounts n;
    n.cores = static_cast<double>(g.tiles) * g.cores_per_tile;
    const double b_positions = g.operand_b_shared_across_tiles ? g.cores_per_tile : n.cores;
    n.modulators = static_cast<double>(g.wavelengths) * (g.rows * n.cores + g.cols * b_positions);
    const double outputs = static_cast<double>(g.rows) * g.cols;
    n.outputs = outputs * n.cores;
    n.adcs = outputs * (g.adc_shared_by_tile_cores ? g.tiles : n.cores);
    n.adders = outputs * g.tiles;
    n.macs_per_cycle = outputs * g.wavelengths * n.cores;
    return n;
}

Decibel crossbar_modulation_loss(const CrossbarGeometry& g, const CrossbarDevices& d) {
    const double stages = std::ceil(std::log2(static_cast<double>(std::max(g.rows, g.cols))));
    return d.modulator_insertion_loss + static_cast<double>(d.routers_per_modulator) * d.router_insertion_loss +
           stages * d.y_branch_insertion_loss;
}

Decibel crossbar_computation_loss(const CrossbarDevices& d) {
    return d.y_branch_insertion_loss + d.phase_shifter_insertion_loss + d.coupler_insertion_loss;
}

Power crossbar_laser_power(const CrossbarGeometry& g, const CrossbarDevices& d, DecibelMilliwatt at_unit) {
    const Decibel split(10.0 * std::log10(static_cast<double>(g.rows) * g.cols));
    return to_power(at_unit + crossbar_modulation_loss(g, d) + crossbar_computation_loss(d) + split);
}

Power laser_power_per_level_rule(const CrossbarGeometry& g, const CrossbarDevices& d, int bits) {
    return crossbar_laser_power(g, d, d.detector_sensitivity) * std::exp2(bits);
}

std::optional<Power> detector_power_for_bits(const Photodetector& pd, const Tia& tia, Frequency clock,
                                             double rin_db_per_hz, int bits) {
    ReceiverConditions c;
    c.symbol_rate = baud(in_hertz(clock));
    c.rin_db_per_hz = rin_db_per_hz;
    // Margin of the quantiser's noise over the receiver's at light P (watts): increasing in P
    // while thermal noise dominates, then flat at the RIN floor.
    const double step_per_watt = 2.0 * in_amperes_per_watt(pd.responsivity) / std::exp2(bits) / std::sqrt(12.0);
    auto margin = [&](double p) { return step_per_watt * p - in_amperes(noise_rms(pd, tia, c, watts(p))); };
    double lo = 1e-12, hi = 10.0;
    if (margin(hi) < 0.0) return std::nullopt;
    for (int i = 0; i < 200 && hi / lo > 1.0 + 1e-12; ++i) {
        const double mid = std::sqrt(lo * hi);
        (margin(mid) < 0.0 ? lo : hi) = mid;
    }
    return watts(hi);
}

Power CrossbarPower::total() const {
    Power sum{};
    for (const Power& p : parts) sum += p;
    return sum;
}

Energy CrossbarPower::energy_per_mac() const { return total() / hertz(macs_per_second); }

CrossbarPower crossbar_power(const CrossbarGeometry& g, const CrossbarDevices& d, int bits,
                             Power laser_optical_per_core) {
    const CrossbarCounts n = crossbar_counts(g);
    Laser laser;
    laser.wall_plug_efficiency = d.laser_wall_plug_efficiency;
    CrossbarPower out;
    auto& p = out.parts;
    p[CrossbarPart::laser] = n.cores * laser_electrical_power(laser, laser_optical_per_core);
    p[CrossbarPart::dac] = n.modulators * scaled_conversion_energy(d.dac, bits) * g.clock;
    p[CrossbarPart::modulator] = n.modulators * (d.modulator_energy_per_sample * g.clock +
                                                 static_cast<double>(d.routers_per_modulator) * d.router_static_power);
    p[CrossbarPart::adc] = n.adcs * scaled_conversion_energy(d.adc, bits) * g.clock;
    p[CrossbarPart::tia] = n.adcs * d.tia_power;
    p[CrossbarPart::photodetector] = n.outputs * d.detectors_per_output * d.detector_bias_power;
    p[CrossbarPart::adder] = n.adders * d.adder_power;
    p[CrossbarPart::memory] = memory_power(g, d);
    out.macs_per_second = n.macs_per_cycle * in_hertz(g.clock);
    return out;
}

namespace {

ScaledConverter read_scaled_converter(TableReader r) {
    ScaledConverter c;
    c.bits = static_cast<int>(r.integer("bits", 1, 24));
    c.power = milliwatts(r.number("power_mw", Range::positive()));
    c.sample_rate = gigahertz(r.number("sample_rate_gsps", Range::positive()));
    c.scaling = r.choice<ConverterScaling>("scaling");
    (void)r.string("source");
    r.finish();
    return c;
}

CrossbarGeometry read_geometry(TableReader r) {
    CrossbarGeometry g;
    g.tiles = static_cast<int>(r.integer("tiles", 1, 1 << 16));
    g.cores_per_tile = static_cast<int>(r.integer("cores_per_tile", 1, 1 << 16));
    g.rows = static_cast<int>(r.integer("rows", 1, 4096));
    g.cols = static_cast<int>(r.integer("cols", 1, 4096));
    g.wavelengths = static_cast<int>(r.integer("wavelengths", 1, 4096));
    g.clock = gigahertz(r.number("clock_ghz", Range::open(0.0, 1e4)));
    g.operand_b_shared_across_tiles = r.boolean("operand_b_shared_across_tiles");
    g.adc_shared_by_tile_cores = r.boolean("adc_shared_by_tile_cores");
    (void)r.string("source");
    r.finish();
    return g;
}

CrossbarDevices read_devices(TableReader r) {
    CrossbarDevices d;
    auto loss = [&](const char* key) { return Decibel(r.number(key, Range::closed(0.0, 100.0))); };
    auto power_mw = [&](const char* key) { return milliwatts(r.number(key, Range::non_negative())); };
    d.modulator_energy_per_sample = picojoules(1e-3 * r.number("modulator_energy_fj", Range::non_negative()));
    d.modulator_insertion_loss = loss("modulator_insertion_loss_db");
    d.routers_per_modulator = static_cast<int>(r.integer("routers_per_modulator", 0, 16));
    d.router_static_power = power_mw("router_static_mw");
    d.router_insertion_loss = loss("router_insertion_loss_db");
    d.y_branch_insertion_loss = loss("y_branch_insertion_loss_db");
    d.phase_shifter_insertion_loss = loss("phase_shifter_insertion_loss_db");
    d.coupler_insertion_loss = loss("coupler_insertion_loss_db");
    d.detector_sensitivity = DecibelMilliwatt(r.number("detector_sensitivity_dbm", Range::closed(-100.0, 40.0)));
    d.detector_bias_power = power_mw("detector_bias_mw");
    d.detectors_per_output = static_cast<int>(r.integer("detectors_per_output", 1, 2));
    d.laser_wall_plug_efficiency = r.number("laser_wall_plug_efficiency", Range::unit_interval_open_closed());
    d.tia_power = power_mw("tia_power_mw");
    (void)r.string("source");
    d.dac = read_scaled_converter(r.table("dac"));
    d.adc = read_scaled_converter(r.table("adc"));
    TableReader digital = r.table("digital");
    d.adder_power = milliwatts(digital.number("adder_power_mw", Range::non_negative()));
    d.global_buffer_power_per_4_tiles =
        milliwatts(digital.number("global_buffer_mw_per_4_tiles", Range::non_negative()));
    d.local_buffer_power = milliwatts(digital.number("local_buffer_mw", Range::non_negative()));
    d.small_buffer_power = milliwatts(digital.number("small_buffer_mw", Range::non_negative()));
    (void)digital.string("source");
    digital.finish();
    r.finish();
    return d;
}

}  // namespace

CrossbarAccelerator read_crossbar_accelerator(TableReader& root) {
    (void)root.string("source");
    CrossbarAccelerator a;
    a.geometry = read_geometry(root.table("architecture"));
    a.devices = read_devices(root.table("devices"));
    return a;
}

}  // namespace lightwatt::photonics
