#include "lightwatt/interconnect/link_catalog.hpp"

namespace lightwatt::interconnect {

namespace {

Circuit read_circuit(TableReader& r) {
    Circuit c;
    c.power_per_lane = milliwatts(r.optional_number("power_per_lane_mw", Range::non_negative()).value_or(0.0));
    c.energy_per_bit = picojoules_per_bit(r.optional_number("energy_pj_per_bit", Range::non_negative()).value_or(0.0));
    if (!r.contains("power_per_lane_mw") && !r.contains("energy_pj_per_bit"))
        throw r.error("", "", "a circuit needs power_per_lane_mw, energy_pj_per_bit or both",
                      "power_per_lane_mw >= 0 and/or energy_pj_per_bit >= 0");
    c.static_fraction = r.number("static_fraction", Range::unit_interval());
    c.from_circuit_block = r.choice("basis", {"block", "chip", "product"}) == "block";
    return c;
}

Housekeeping read_housekeeping(TableReader& r) {
    Housekeeping h;
    h.power = milliwatts(r.number("power_mw", Range::non_negative()));
    return h;
}

PowerConversion read_conversion(TableReader& r) {
    PowerConversion p;
    p.efficiency = r.number("efficiency", Range::unit_interval_open_closed());
    return p;
}

// The entry named at `key`, its "section.name" recorded in `references`.
template <class T>
const T& reference(TableReader& r, std::string_view key, const NamedCatalog<T>& entries,
                   std::vector<std::string>& references) {
    const std::string name = r.string(key);
    const T& found = entries.at(name, r, key);
    references.push_back(entries.section() + "." + name);
    return found;
}

template <class T>
std::optional<T> optional_reference(TableReader& r, std::string_view key, const NamedCatalog<T>& entries,
                                    std::vector<std::string>& references) {
    if (!r.contains(key)) {
        (void)r.optional_string(key);  // marks the key as known for typo suggestions
        return std::nullopt;
    }
    return reference(r, key, entries, references);
}

PublishedRange read_published(TableReader& r) {
    PublishedRange p;
    p.low = r.number("low", Range::non_negative());
    p.high = r.number("high", Range::at_least(p.low));
    p.source = r.string("source");
    r.finish();
    return p;
}

photonics::Modulator read_modulator(TableReader& r, const photonics::DeviceCatalog& d,
                                    std::vector<std::string>& references) {
    const std::string name = r.string("modulator");
    if (const auto* ring = d.microring_modulators.find(name)) {
        references.push_back("microring_modulators." + name);
        return *ring;
    }
    if (const auto* mzm = d.mach_zehnder_modulators.find(name)) {
        references.push_back("mach_zehnder_modulators." + name);
        return *mzm;
    }
    std::vector<std::string> names = d.microring_modulators.sorted_names();
    const std::vector<std::string> mzms = d.mach_zehnder_modulators.sorted_names();
    names.insert(names.end(), mzms.begin(), mzms.end());
    throw r.unknown_name("modulator", name, names, "microring_modulators or mach_zehnder_modulators");
}

Decibel sum_of_elements(TableReader& r, std::string_view key, const photonics::DeviceCatalog& d,
                        std::vector<std::string>& references) {
    // A single name or an array of names of loss elements; absent means none.
    Decibel total(0.0);
    if (auto names = r.optional_string_list(key)) {
        for (const auto& name : *names) {
            total += d.loss_elements.at(name, r, key).insertion_loss;
            references.push_back("loss_elements." + name);
        }
    }
    return total;
}

OpticalLane read_optics(TableReader& r, const LinkArchetype& a, const photonics::DeviceCatalog& d,
                        std::vector<std::string>& references) {
    OpticalLane o;
    o.laser = reference(r, "laser", d.lasers, references);
    o.transmitter.feed.lanes_per_laser = static_cast<int>(r.integer("lanes_per_laser", 1, 1024));
    o.transmitter.feed.feed_loss = sum_of_elements(r, "laser_feed", d, references);
    if (r.contains("pic_waveguide") || r.contains("pic_routing_length_mm")) {
        const auto& wg = reference(r, "pic_waveguide", d.waveguides, references);
        const Length routing = millimeters(r.number("pic_routing_length_mm", Range::non_negative()));
        o.transmitter.feed.feed_loss += photonics::waveguide_loss(wg, routing);
    } else {
        (void)r.optional_string("pic_waveguide");
        (void)r.optional_number("pic_routing_length_mm", Range::non_negative());
    }
    o.transmitter.modulator = read_modulator(r, d, references);
    o.transmitter.output_coupling_loss = sum_of_elements(r, "output_coupling", d, references);
    o.photodetector = reference(r, "photodetector", d.photodetectors, references);
    o.tia = reference(r, "tia", d.tias, references);
    o.rx_coupling_loss = sum_of_elements(r, "rx_coupling", d, references);
    o.rx_filter_rings_per_lane = static_cast<int>(r.optional_integer("rx_filter_rings_per_lane", 0, 16).value_or(0));
    if (o.rx_filter_rings_per_lane > 0 &&
        !std::holds_alternative<photonics::MicroringModulator>(o.transmitter.modulator))
        throw r.error("rx_filter_rings_per_lane", r.value_text("rx_filter_rings_per_lane"),
                      "receiver ring filters are tuned like the transmitter's microring, but this link's modulator is "
                      "a Mach-Zehnder",
                      "0 with a Mach-Zehnder modulator");
    o.rx_implementation_penalty = Decibel(r.number("rx_implementation_penalty_db", Range::non_negative()));
    o.penalties = Decibel(r.number("penalties_db", Range::non_negative()));
    o.design_channel_loss = Decibel(r.number("design_channel_loss_db", Range::non_negative()));
    o.design_margin = Decibel(r.number("design_margin_db", Range::non_negative()));
    (void)r.string("source");
    TableReader channel = r.table("channel");
    o.channel = read_channel(channel, d, references);
    channel.finish();
    (void)a;
    return o;
}

}  // namespace

photonics::Channel read_channel(TableReader& r, const photonics::DeviceCatalog& d,
                                std::vector<std::string>& references) {
    photonics::Channel c;
    c.fibre = reference(r, "fibre", d.fibres, references);
    c.length = meters(r.number("length_m", Range::non_negative()));
    c.connectors = static_cast<int>(r.optional_integer("connectors", 0, 1000).value_or(0));
    if (c.connectors > 0)
        c.connector = reference(r, "connector", d.loss_elements, references);
    else
        (void)r.optional_string("connector");
    c.splices = static_cast<int>(r.optional_integer("splices", 0, 1000).value_or(0));
    if (c.splices > 0)
        c.splice = reference(r, "splice", d.loss_elements, references);
    else
        (void)r.optional_string("splice");
    c.other_loss = sum_of_elements(r, "other", d, references);
    return c;
}

ElectronicsCatalog read_electronics_catalog(TableReader root) {
    ElectronicsCatalog c;
    c.serdes = read_named_entries(root, "serdes", read_circuit);
    c.dsps = read_named_entries(root, "dsps", read_circuit);
    c.drivers = read_named_entries(root, "drivers", read_circuit);
    c.housekeeping = read_named_entries(root, "housekeeping", read_housekeeping);
    c.power_conversion = read_named_entries(root, "power_conversion", read_conversion);
    auto calibration = root.table("calibration");
    auto block = calibration.table("block_to_product");
    c.block_to_product.factor = block.number("factor", Range::closed(1.0, 10.0));
    c.block_to_product.source = block.string("source");
    (void)block.optional_string("description");
    block.finish();
    calibration.finish();
    root.finish();
    return c;
}

std::map<std::string, std::string> ElectronicsCatalog::sources() const {
    std::map<std::string, std::string> out;
    serdes.add_sources_to(out);
    dsps.add_sources_to(out);
    drivers.add_sources_to(out);
    housekeeping.add_sources_to(out);
    power_conversion.add_sources_to(out);
    out["calibration.block_to_product"] = block_to_product.source;
    return out;
}

LinkArchetype read_link_archetype(TableReader& r, const std::string& name, const photonics::DeviceCatalog& d,
                                  const ElectronicsCatalog& e, std::vector<std::string>& references) {
    LinkArchetype a;
    a.name = name;
    a.kind = r.choice<LinkKind>("kind");
    a.description = r.string("description");
    a.source = r.string("source");
    a.lanes = static_cast<int>(r.integer("lanes", 1, 4096));
    a.symbol_rate = gigabaud(r.number("symbol_rate_gbaud", Range::open(0.0, 1000.0)));
    a.modulation = r.choice<photonics::Modulation>("modulation");
    a.fec = reference(r, "fec", d.fec, references);
    a.idle_fill = r.boolean("idle_fill");
    a.host_serdes = optional_reference(r, "host_serdes", e.serdes, references);
    a.dsp = optional_reference(r, "dsp", e.dsps, references);
    a.driver = optional_reference(r, "driver", e.drivers, references);
    a.housekeeping = optional_reference(r, "housekeeping", e.housekeeping, references);
    a.conversion = optional_reference(r, "power_conversion", e.power_conversion, references);
    a.block_to_product_factor = e.block_to_product.factor;
    references.push_back("calibration.block_to_product");
    if (auto optics = r.optional_table("optics")) {
        a.optics = read_optics(*optics, a, d, references);
        optics->finish();
    }
    if (auto published = r.optional_table("published")) {
        if (auto m = published->optional_table("module_power_w")) a.published_module_power_w = read_published(*m);
        if (auto m = published->optional_table("pj_per_bit")) a.published_pj_per_bit = read_published(*m);
        published->finish();
    }
    const bool optical_kind = a.kind != LinkKind::copper && a.kind != LinkKind::aec;
    if (optical_kind && !a.optics)
        throw r.error("optics", "",
                      "an optical link kind (" + std::string(enum_name(a.kind)) + ") needs an [optics] table",
                      "an [optics] table with laser, modulator, photodetector, tia and channel");
    if (!optical_kind && a.optics)
        throw r.error("optics", "{...}",
                      "an electrical link kind (" + std::string(enum_name(a.kind)) + ") has no optics",
                      "no [optics] table for copper and aec");
    if (a.optics && a.driver) {
        if (const auto* mzm = std::get_if<photonics::MachZehnderModulator>(&a.optics->transmitter.modulator)) {
            // The driver delivers the termination's dissipation: a catalog driver that draws less
            // than that from its supply is physically impossible.
            const DataRate lane_rate = line_rate(a) / static_cast<double>(a.lanes);
            const Power driver = circuit_power(*a.driver, 1, lane_rate);
            const Power termination = photonics::mzm_termination_power(*mzm, a.modulation);
            if (driver < termination)
                throw r.error("driver", "\"" + a.driver->name + "\"",
                              "driver power per lane (" + format_number(in_milliwatts(driver)) +
                                  " mW) is below the modulator's termination dissipation (" +
                                  format_number(in_milliwatts(termination)) + " mW)",
                              "a driver that can supply the travelling-wave termination");
        }
    }
    r.finish();
    return a;
}

LinkCatalog read_link_catalog(TableReader devices, TableReader electronics, TableReader links) {
    LinkCatalog c;
    c.devices_ = photonics::read_device_catalog(std::move(devices));
    c.electronics_ = read_electronics_catalog(std::move(electronics));
    TableReader table = links.table("links");
    for (const auto& name : table.keys()) {
        TableReader entry = table.table(name);
        std::vector<std::string> refs;
        LinkArchetype a = read_link_archetype(entry, name, c.devices_, c.electronics_, refs);
        NamedCatalog<LinkArchetype>::Provenance where{a.source, {entry.file(), entry.line(), "links." + name}};
        c.links_.add(name, std::move(a), std::move(where));
        c.references_[name] = std::move(refs);
    }
    links.finish();
    return c;
}

LinkCatalog load_link_catalog(const std::filesystem::path& data_dir) {
    const auto devices = TomlDocument::parse_file(data_dir / "devices.toml");
    const auto electronics = TomlDocument::parse_file(data_dir / "electronics.toml");
    const auto links = TomlDocument::parse_file(data_dir / "links.toml");
    return read_link_catalog(devices.root(), electronics.root(), links.root());
}

const LinkArchetype& LinkCatalog::find(const std::string& name) const {
    if (const LinkArchetype* found = links_.find(name)) return *found;
    throw InputError::unknown("name", name, links_.names(), "unknown link");
}

std::map<std::string, std::string> LinkCatalog::sources_of(const LinkArchetype& a) const {
    std::map<std::string, std::string> out;
    out["links." + a.name] = a.source;
    const auto it = references_.find(a.name);
    if (it == references_.end()) return out;
    const auto devices = devices_.sources();
    const auto electronics = electronics_.sources();
    for (const auto& key : it->second) {
        if (auto s = devices.find(key); s != devices.end()) out[key] = s->second;
        if (auto s = electronics.find(key); s != electronics.end()) out[key] = s->second;
    }
    return out;
}

}  // namespace lightwatt::interconnect
