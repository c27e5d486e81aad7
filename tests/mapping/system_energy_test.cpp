// Whole-system energy per token by part, by hand, and its properties.
#include <doctest/doctest.h>

#include "lightwatt/mapping/system_energy.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;

namespace {

const interconnect::LinkCatalog& links() {
    static const auto c = interconnect::load_link_catalog(LIGHTWATT_TEST_DATA_DIR);
    return c;
}

}  // namespace

TEST_CASE("system energy: every part by hand, and the parts sum to the total") {
    // A replica of 8 GPUs making 100 output tokens per 1 s cycle with 4000 J of GPU energy.
    CycleEstimate e;
    e.gpus = 8;
    e.tokens = 100;
    e.cycle = seconds(1.0);
    e.gpu_energy = joules(4000.0);
    e.gpu_static_energy = joules(1000.0);
    e.gpu_compute_energy = joules(2000.0);
    e.gpu_hbm_energy = joules(1000.0);
    SystemSpec sys;
    sys.gpus_per_node = 8;
    sys.scale_up_bandwidth_per_gpu = gigabits_per_second(3600.0);  // 9 links of 400 Gb/s
    sys.scale_out_bandwidth_per_gpu = gigabits_per_second(400.0);  // half an 800G module per tier
    sys.scale_out_tiers = 2;
    sys.scale_out_switch_energy_per_bit = nanojoules_per_bit(0.01);         // 3 ports x 400 Gb/s x 0.01 = 12 W per GPU
    sys.host_power_per_node = {watts(400.0), watts(800.0), watts(1600.0)};  // typical: 100 W per GPU
    sys.scale_up_switch_power_per_gpu = {watts(25.0), watts(50.0), watts(75.0)};
    sys.power_conversion_efficiency = 0.8;  // a loss of 1 / 0.8 - 1 = 0.25 of the node's load
    sys.pue = 1.5;
    FabricOption baseline;
    baseline.name = "baseline";
    baseline.scale_up_link = "copper_nvlink";
    baseline.scale_out_link = "dsp_pluggable_800g";
    // No collective traffic (one GPU per replica): only static network power counts.
    const SystemEnergy r = system_energy(e, sys, baseline, links());
    const interconnect::LinkReport up = interconnect::evaluate(links().find("copper_nvlink"));
    const interconnect::LinkReport out = interconnect::evaluate(links().find("dsp_pluggable_800g"));
    // Per token: x 8 GPUs / 100 tokens = x 0.08 per GPU-second.
    CHECK(in_joules(r.part(EnergyPart::gpu_static)) == doctest::Approx(10.0));
    CHECK(in_joules(r.part(EnergyPart::gpu_compute)) == doctest::Approx(20.0));
    CHECK(in_joules(r.part(EnergyPart::gpu_hbm)) == doctest::Approx(10.0));
    CHECK(in_joules(r.part(EnergyPart::host)) == doctest::Approx(100.0 * 0.08));
    CHECK(in_joules(r.part(EnergyPart::scale_up_switches)) == doctest::Approx(50.0 * 0.08));
    CHECK(in_joules(r.part(EnergyPart::scale_out_switches)) == doctest::Approx(12.0 * 0.08));
    CHECK(in_joules(r.part(EnergyPart::scale_up_links)) == doctest::Approx(9.0 * in_watts(up.static_power) * 0.08));
    CHECK(in_joules(r.part(EnergyPart::scale_out_optics)) ==
          doctest::Approx(0.5 * 2.0 * in_watts(out.static_power) * 0.08));
    // Conversion: a quarter of GPUs (40 J), NVLink links and switches and host.
    const double node_load = 40.0 + in_joules(r.part(EnergyPart::scale_up_links)) + 50.0 * 0.08 + 100.0 * 0.08;
    CHECK(in_joules(r.part(EnergyPart::power_conversion)) == doctest::Approx(0.25 * node_load));
    double it = 0.0;
    for (const EnergyPart part : enum_values<EnergyPart>())
        if (part != EnergyPart::facility) it += in_joules(r.per_token[part]);
    CHECK(in_joules(r.part(EnergyPart::facility)) == doctest::Approx(0.5 * it));
    double sum = 0.0;
    for (const Energy& part : r.per_token) sum += in_joules(part);
    CHECK(in_joules(r.total()) == doctest::Approx(sum));
    CHECK(in_joules(r.total()) == doctest::Approx(1.5 * it));
    // All-in power per GPU: J/token x tokens/s / GPUs.
    CHECK(in_watts(r.power_per_gpu()) == doctest::Approx(in_joules(r.total()) * 100.0 / 8.0));
    // Copper to the leaf removes one tier of modules.
    FabricOption copper_leaf = baseline;
    copper_leaf.scale_out_first_tier_copper = true;
    CHECK(in_joules(system_energy(e, sys, copper_leaf, links()).part(EnergyPart::scale_out_optics)) ==
          doctest::Approx(0.5 * in_joules(r.part(EnergyPart::scale_out_optics))));
    // CPO switches facing pluggable NICs: the first tier's link has a DSP module at the NIC end
    // and a CPO port at the switch end, half of each link's two-ended static power.
    FabricOption cpo_switches = baseline;
    cpo_switches.scale_out_link = "cpo_1600g";
    cpo_switches.scale_out_nic_link = "dsp_pluggable_800g";
    const interconnect::LinkReport cpo = interconnect::evaluate(links().find("cpo_1600g"));
    // NIC tier: 400 Gb/s is half an 800G DSP link's NIC end and a quarter of a 1.6T CPO port;
    // upper tier: 400/1600 of a CPO link, both ends.
    const double nic_share = 400e9 / in_bits_per_second(out.payload_rate);
    const double cpo_share = 400e9 / in_bits_per_second(cpo.payload_rate);
    const double nic_tier = nic_share * 0.5 * in_watts(out.static_power) + cpo_share * 0.5 * in_watts(cpo.static_power);
    const double upper_tier = cpo_share * in_watts(cpo.static_power);
    CHECK(in_joules(system_energy(e, sys, cpo_switches, links()).part(EnergyPart::scale_out_optics)) ==
          doctest::Approx((nic_tier + upper_tier) * 0.08));
    // The range ends take the system's low and high figures.
    const SystemEnergy low = system_energy(e, sys, baseline, links(), Spread::low);
    CHECK(in_joules(low.part(EnergyPart::host)) == doctest::Approx(50.0 * 0.08));
    CHECK(in_joules(low.part(EnergyPart::scale_up_switches)) == doctest::Approx(25.0 * 0.08));
}

TEST_CASE("system energy: collective traffic is charged per bit the ring algorithms move") {
    // Llama 3.1 405B, TP 8 in one node: all-reduces of 64 x 16384 x 2 B, 2 per layer, on NVLink.
    const LlmSpec m = load_llm_catalog(LIGHTWATT_TEST_DATA_DIR).at("llama_3_1_405b");
    const StepWork w = decode_step(m, {8, 1, 1, 8}, {64, 200, 360, 1.0, 2.0, 2.0});
    const TierTraffic t = step_traffic(w);
    // Each GPU sends 2 x 7/8 x 2 MiB per all-reduce, 252 of them: 8 bits a byte.
    CHECK(in_bits(t.scale_up) == doctest::Approx(8.0 * 2097152.0 * 1.75 * 252));
    CHECK(in_bits(t.scale_out) == 0.0);
}

TEST_CASE("system energy: the catalog's options, ordered as their optics") {
    const SystemCatalog c = load_system_catalog(LIGHTWATT_TEST_DATA_DIR);
    REQUIRE(c.options.contains("baseline"));
    for (const auto& name : c.systems.names()) CHECK_FALSE(c.systems.provenance(name).source.empty());
    for (const auto& name : c.options.names()) CHECK_FALSE(c.options.provenance(name).source.empty());
    const SystemSpec& sys = c.systems.at("dgx_h100");
    CycleEstimate e;
    e.gpus = 8;
    e.tokens = 1000;
    e.cycle = seconds(1.0);
    e.gpu_energy = joules(8.0 * 600.0);
    e.traffic = step_traffic(decode_step(load_llm_catalog(LIGHTWATT_TEST_DATA_DIR).at("llama_3_1_405b"), {8, 1, 1, 8},
                                         {64, 200, 360, 1.0, 2.0, 2.0}));
    auto total = [&](const std::string& name) {
        FabricOption o = c.options.at(name);
        o.name = name;
        return in_joules(system_energy(e, sys, o, links()).total());
    };
    // Scale-out optics by their power per bit (data/links.toml): DSP pluggable > LPO > CPO.
    CHECK(total("baseline") > total("lpo"));
    CHECK(total("lpo") > total("cpo"));
}
