#include "lightwatt/photonics/device_catalog.hpp"

namespace lightwatt::photonics {

namespace {

Laser read_laser(TableReader& r) {
    Laser l;
    l.wall_plug_efficiency = r.number("wall_plug_efficiency", Range::unit_interval_open_closed());
    l.max_output_power = milliwatts(r.number("max_output_power_mw", Range::positive()));
    l.rin_db_per_hz = r.number("rin_db_per_hz", Range::closed(-200.0, -80.0));
    l.fixed_power = watts(r.optional_number("fixed_power_w", Range::non_negative()).value_or(0.0));
    l.external_source = r.optional_boolean("external_source").value_or(false);
    return l;
}

MicroringModulator read_microring(TableReader& r) {
    MicroringModulator m;
    m.junction_capacitance = femtofarads(r.number("junction_capacitance_ff", Range::positive()));
    m.drive_swing = volts(r.number("drive_swing_vpp", Range::positive()));
    m.insertion_loss = Decibel(r.number("insertion_loss_db", Range::non_negative()));
    m.extinction_ratio = Decibel(r.number("extinction_ratio_db", Range::positive()));
    m.tuning_range = nanometers(r.number("tuning_range_nm", Range::non_negative()));
    m.heater_efficiency = nanometers_per_milliwatt(r.number("heater_efficiency_nm_per_mw", Range::positive()));
    return m;
}

MachZehnderModulator read_mzm(TableReader& r) {
    MachZehnderModulator m;
    m.vpi_length_volt_cm = r.number("vpi_length_v_cm", Range::positive());
    m.phase_shifter_length = millimeters(r.number("phase_shifter_length_mm", Range::positive()));
    m.drive_swing = volts(r.number("drive_swing_vpp", Range::positive()));
    m.termination = ohms(r.number("termination_ohm", Range::positive()));
    m.insertion_loss = Decibel(r.number("insertion_loss_db", Range::non_negative()));
    if (m.drive_swing > half_wave_voltage(m)) {
        throw r.error("drive_swing_vpp", r.value_text("drive_swing_vpp"),
                      "drive swing exceeds V_pi (" + format_number(in_volts(half_wave_voltage(m))) +
                          " V from vpi_length_v_cm / phase_shifter_length_mm), which folds the transfer curve",
                      "a swing up to V_pi");
    }
    return m;
}

Photodetector read_photodetector(TableReader& r) {
    Photodetector p;
    // Responsivity cannot exceed the quantum limit q lambda / (h c) (1.06 A/W at 1310 nm,
    // 1.25 A/W at 1550 nm); 1.6 A/W bounds any wavelength a data-centre link uses.
    p.responsivity = amperes_per_watt(r.number("responsivity_a_per_w", Range{0.0, 1.6, false, true}));
    p.dark_current = nanoamperes(r.number("dark_current_na", Range::non_negative()));
    p.capacitance = femtofarads(r.number("capacitance_ff", Range::positive()));
    return p;
}

Tia read_tia(TableReader& r) {
    Tia t;
    t.input_noise_psd = picoamperes_per_root_hertz(r.number("noise_density_pa_per_rthz", Range::positive()));
    t.noise_bandwidth_per_baud = r.number("noise_bandwidth_per_baud", Range{0.0, 2.0, false, true});
    t.power = milliwatts(r.number("power_mw", Range::non_negative()));
    t.power_from_circuit_block = r.choice("power_basis", {"block", "chip", "product"}) == "block";
    return t;
}

Fibre read_fibre(TableReader& r) {
    Fibre f;
    f.attenuation_db_per_km = r.number("attenuation_db_per_km", Range::positive());
    return f;
}

Waveguide read_waveguide(TableReader& r) {
    Waveguide w;
    w.loss_db_per_cm = r.number("loss_db_per_cm", Range::non_negative());
    return w;
}

LossElement read_loss_element(TableReader& r) {
    LossElement e;
    e.insertion_loss = Decibel(r.number("insertion_loss_db", Range::non_negative()));
    return e;
}

FecScheme read_fec(TableReader& r) {
    FecScheme f;
    // Thresholds of real codes lie below 2e-2; above ~0.37 no eye opening would be needed at all.
    f.pre_fec_ber_threshold = r.number("pre_fec_ber_threshold", Range{0.0, 0.05, false, true});
    f.code_rate = r.number("code_rate", Range::unit_interval_open_closed());
    f.line_coding_efficiency = r.number("line_coding_efficiency", Range::unit_interval_open_closed());
    return f;
}

}  // namespace

DeviceCatalog read_device_catalog(TableReader root) {
    DeviceCatalog c;
    c.lasers = read_named_entries(root, "lasers", read_laser);
    c.microring_modulators = read_named_entries(root, "microring_modulators", read_microring);
    c.mach_zehnder_modulators = read_named_entries(root, "mach_zehnder_modulators", read_mzm);
    c.photodetectors = read_named_entries(root, "photodetectors", read_photodetector);
    c.tias = read_named_entries(root, "tias", read_tia);
    c.fibres = read_named_entries(root, "fibres", read_fibre);
    c.waveguides = read_named_entries(root, "waveguides", read_waveguide);
    c.loss_elements = read_named_entries(root, "loss_elements", read_loss_element);
    c.fec = read_named_entries(root, "fec", read_fec);
    root.finish();
    return c;
}

DeviceCatalog load_device_catalog(const std::filesystem::path& data_dir) {
    const auto doc = TomlDocument::parse_file(data_dir / "devices.toml");
    return read_device_catalog(doc.root());
}

std::map<std::string, std::string> DeviceCatalog::sources() const {
    std::map<std::string, std::string> out;
    lasers.add_sources_to(out);
    microring_modulators.add_sources_to(out);
    mach_zehnder_modulators.add_sources_to(out);
    photodetectors.add_sources_to(out);
    tias.add_sources_to(out);
    fibres.add_sources_to(out);
    waveguides.add_sources_to(out);
    loss_elements.add_sources_to(out);
    fec.add_sources_to(out);
    return out;
}

}  // namespace lightwatt::photonics
