#include "lightwatt/mapping/system_energy.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "lightwatt/core/closest_match.hpp"
#include "lightwatt/core/error.hpp"

namespace lightwatt::mapping {

LinkCost link_cost(const interconnect::LinkArchetype& a, Spread spread) {
    const interconnect::LinkReport r = interconnect::evaluate(a);
    LinkCost c;
    c.static_power = r.static_power;
    if (spread != Spread::typical && a.published_module_power_w) {
        // Both ends' modules at the published range's end instead of the modelled module power.
        const double bound = spread == Spread::low ? a.published_module_power_w->low : a.published_module_power_w->high;
        c.static_power += 2.0 * (watts(bound) - r.module_power);
    }
    c.payload = r.payload_rate;
    // link_power carries payload in both directions at full load.
    c.dynamic_energy_per_bit = (r.link_power - r.static_power) / (2.0 * r.payload_rate);
    c.full_load_energy_per_bit = r.energy_per_bit;
    return c;
}

LinkCosts LinkCosts::of(const interconnect::LinkCatalog& links) {
    LinkCosts out;
    for (const auto& a : links.links())
        out.by_name[a.name] = {link_cost(a, Spread::low), link_cost(a, Spread::typical), link_cost(a, Spread::high)};
    return out;
}

const LinkCost& LinkCosts::at(const std::string& name, Spread spread) const {
    const auto it = by_name.find(name);
    if (it == by_name.end()) throw std::out_of_range("no link archetype \"" + name + "\" among the evaluated links");
    return it->second[spread];
}

Energy SystemEnergy::total() const {
    Energy sum{};
    for (const auto& e : per_token) sum += e;
    return sum;
}

namespace {

// A link with a different module at each end, per the NIC end's payload: half the NIC link's
// two-ended static power, and half the switch link's scaled to that payload (a 1.6T CPO port
// serving an 800G NIC is half used).
LinkCost mixed_link(const LinkCost& nic_end, const LinkCost& switch_end) {
    LinkCost c = nic_end;
    c.static_power =
        0.5 * nic_end.static_power + 0.5 * switch_end.static_power * (nic_end.payload / switch_end.payload);
    c.dynamic_energy_per_bit = 0.5 * (nic_end.dynamic_energy_per_bit + switch_end.dynamic_energy_per_bit);
    return c;
}

template <class Costs>
ScaleOutCost scale_out_cost(const FabricOption& option, const Costs& cost_of) {
    const LinkCost link = cost_of(option.scale_out_link);
    if (option.scale_out_nic_link.empty()) return {link, link};
    return {link, mixed_link(cost_of(option.scale_out_nic_link), link)};
}

}  // namespace

SystemEnergy system_energy(const CycleEstimate& e, const SystemSpec& sys, const FabricOption& option,
                           const interconnect::LinkCatalog& links, Spread spread) {
    const auto cost_of = [&](const std::string& name) { return link_cost(links.find(name), spread); };
    return system_energy(e, sys, option, cost_of(option.scale_up_link), scale_out_cost(option, cost_of), spread);
}

SystemEnergy system_energy(const CycleEstimate& e, const SystemSpec& sys, const FabricOption& option,
                           const LinkCosts& links, Spread spread) {
    const auto cost_of = [&](const std::string& name) { return links.at(name, spread); };
    return system_energy(e, sys, option, cost_of(option.scale_up_link), scale_out_cost(option, cost_of), spread);
}

SystemEnergy system_energy(const CycleEstimate& e, const SystemSpec& sys, const FabricOption& option,
                           const LinkCost& up, const ScaleOutCost& out_cost, Spread spread) {
    SystemEnergy out;
    out.option = option.name;
    out.gpus = e.gpus;
    out.tokens_per_s = e.tokens_per_s();
    const double tokens = e.tokens;
    const double gpus = e.gpus;
    const Time cycle = e.cycle;
    auto set = [&](EnergyPart part, Energy per_cycle_per_gpu) {
        out.per_token[part] = per_cycle_per_gpu * gpus / tokens;
    };
    set(EnergyPart::gpu_static, e.gpu_static_energy / gpus);
    set(EnergyPart::gpu_compute, e.gpu_compute_energy / gpus);
    set(EnergyPart::gpu_hbm, e.gpu_hbm_energy / gpus);
    set(EnergyPart::photonic_cores, e.photonic_energy / gpus);

    // Traffic per GPU over the cycle, as the collectives put it on the links.
    const Information up_sent = e.traffic.scale_up;
    const Information out_sent = e.traffic.scale_out;

    // Scale-up: enough links of the option's kind for the GPU's bandwidth, each with two ends.
    const double up_links = sys.scale_up_bandwidth_per_gpu / up.payload;
    set(EnergyPart::scale_up_links, up.static_power * up_links * cycle + up.dynamic_energy_per_bit * up_sent);
    set(EnergyPart::scale_up_switches, sys.scale_up_switch_power_per_gpu[spread] * cycle);

    // Scale-out: a non-blocking k-tier fat tree, one link of the GPU's NIC bandwidth per tier
    // (2k modules per GPU, 2k - 2 with copper to the leaf); 2k - 1 switch ports per GPU. The
    // first tier's link may carry another module at the NIC end (CPO switches, pluggable NICs).
    const auto tier_energy = [&](const LinkCost& c, double tiers) {
        const double links_per_tier = sys.scale_out_bandwidth_per_gpu / c.payload;
        return c.static_power * links_per_tier * tiers * cycle + c.dynamic_energy_per_bit * out_sent * tiers;
    };
    const bool first_copper = option.scale_out_first_tier_copper;
    const double upper_tiers = sys.scale_out_tiers - 1.0;
    set(EnergyPart::scale_out_optics,
        (first_copper ? Energy{} : tier_energy(out_cost.nic_tier, 1.0)) + tier_energy(out_cost.link, upper_tiers));
    const DataRate switch_ports_capacity = (2.0 * sys.scale_out_tiers - 1.0) * sys.scale_out_bandwidth_per_gpu;
    set(EnergyPart::scale_out_switches, sys.scale_out_switch_energy_per_bit * switch_ports_capacity * cycle);

    set(EnergyPart::host, sys.host_power_per_node[spread] / static_cast<double>(sys.gpus_per_node) * cycle);
    // The node's power supplies (or the rack's power shelves) feed its GPUs, NVLink switches and
    // host: their loss is (1 / efficiency - 1) of that load. Scale-out switches are separate
    // boxes whose figures are at the wall already.
    Energy node_load{};
    for (const EnergyPart part :
         {EnergyPart::gpu_static, EnergyPart::gpu_compute, EnergyPart::gpu_hbm, EnergyPart::photonic_cores,
          EnergyPart::scale_up_links, EnergyPart::scale_up_switches, EnergyPart::host})
        node_load += out.per_token[part];
    out.per_token[EnergyPart::power_conversion] = (1.0 / sys.power_conversion_efficiency - 1.0) * node_load;
    Energy it{};
    for (const EnergyPart part : enum_values<EnergyPart>())
        if (part != EnergyPart::facility) it += out.per_token[part];
    out.per_token[EnergyPart::facility] = (sys.pue - 1.0) * it;
    return out;
}

namespace {

// [systems.NAME.KEY]: low <= typical <= high, with the derivation's source.
PowerRange read_power_range(TableReader& parent, std::string_view key) {
    TableReader r = parent.table(key);
    PowerRange p;
    const double low = r.number("low", Range::non_negative());
    const double typical = r.number("typical", Range::at_least(low));
    const double high = r.number("high", Range::at_least(typical));
    (void)r.string("source");
    r.finish();
    p[Spread::low] = watts(low);
    p[Spread::typical] = watts(typical);
    p[Spread::high] = watts(high);
    return p;
}

SystemSpec read_system(TableReader& r) {
    SystemSpec s;
    s.description = r.optional_string("description").value_or("");
    s.status = r.choice<ProductStatus>("status");
    s.gpu = r.string("gpu");
    s.gpus_per_node = static_cast<int>(r.integer("gpus_per_node", 1, 1024));
    s.scale_up_domain_gpus = static_cast<int>(r.integer("scale_up_domain_gpus", 1, 1 << 20));
    if (s.scale_up_domain_gpus % s.gpus_per_node != 0 && s.gpus_per_node % s.scale_up_domain_gpus != 0)
        throw r.error(
            "scale_up_domain_gpus", r.value_text("scale_up_domain_gpus"),
            "neither a whole number of nodes of " + std::to_string(s.gpus_per_node) + " GPUs nor a whole part of one",
            "a multiple or a divisor of gpus_per_node");
    s.scale_up_bandwidth_per_gpu = gigabytes_per_second(r.number("scale_up_gbyte_per_s_per_gpu", Range::positive()));
    s.scale_out_bandwidth_per_gpu = gigabits_per_second(r.number("scale_out_gbit_per_s_per_gpu", Range::positive()));
    s.scale_out_tiers = static_cast<int>(r.integer("scale_out_tiers", 1, 5));
    s.scale_up_switch_power_per_gpu = read_power_range(r, "scale_up_switch_w_per_gpu");
    s.scale_out_switch_energy_per_bit =
        nanojoules_per_bit(r.number("scale_out_switch_w_per_gbit_per_s", Range::non_negative()));
    s.host_power_per_node = read_power_range(r, "host_power_w_per_node");
    s.power_conversion_efficiency = r.number("power_conversion_efficiency", Range::unit_interval_open_closed());
    s.pue = r.number("pue", Range::closed(1.0, 3.0));
    return s;
}

FabricOption read_option(TableReader& r) {
    FabricOption o;
    o.description = r.optional_string("description").value_or("");
    o.scale_up_link = r.string("scale_up_link");
    o.scale_out_link = r.string("scale_out_link");
    o.scale_out_nic_link = r.optional_string("scale_out_nic_link").value_or("");
    o.scale_out_first_tier_copper = r.optional_boolean("scale_out_first_tier_copper").value_or(false);
    o.scale_up_domain_gpus = static_cast<int>(r.optional_integer("scale_up_domain_gpus", 1, 1 << 20).value_or(0));
    if (const auto core = r.optional_string("photonic_core")) {
        o.photonic_core = *core;
        o.photonic_cores_per_gpu = static_cast<int>(r.integer("photonic_cores_per_gpu", 1, 1 << 20));
        o.offload_gemms = r.optional_string_list("offload_gemms").value_or(std::vector<std::string>{});
        const std::vector<std::string>& known = enum_names<Gemm>();
        if (o.offload_gemms.empty())
            throw r.error("offload_gemms", "", "no GEMM to offload", "a list among " + join_alternatives(known));
        for (const auto& g : o.offload_gemms)
            if (std::find(known.begin(), known.end(), g) == known.end())
                throw r.unknown_name("offload_gemms", g, known, "GEMMs");
        o.photonic_link = r.string("photonic_link");
    }
    o.replaces = r.optional_string_list("replaces").value_or(std::vector<std::string>{});
    return o;
}

}  // namespace

SystemCatalog read_system_catalog(TableReader systems, TableReader options) {
    SystemCatalog c;
    c.systems = read_named_entries(systems, "systems", read_system);
    systems.finish();
    c.options = read_named_entries(options, "options", read_option);
    options.finish();
    return c;
}

SystemCatalog load_system_catalog(const std::filesystem::path& data_dir) {
    const auto systems = TomlDocument::parse_file(data_dir / "systems.toml");
    const auto options = TomlDocument::parse_file(data_dir / "options.toml");
    return read_system_catalog(systems.root(), options.root());
}

}  // namespace lightwatt::mapping
