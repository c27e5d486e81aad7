// Energy per token of a whole serving or training system, by part, for one fabric option
// (docs/models/system-energy.md): GPUs (serving_time.hpp), scale-up links and switches, scale-out
// optics and switches, host, facility overhead. Attributional: every part's static power for the
// wall time the work takes, plus the per-bit energy of the bytes the collectives actually put on
// the links (ring algorithms: 2(n-1)/n S per GPU for all-reduce, (n-1)/n S for all-gather,
// reduce-scatter and all-to-all, S for send/recv), never busbw.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/core/named_catalog.hpp"
#include "lightwatt/core/product_status.hpp"
#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/interconnect/link_archetype.hpp"
#include "lightwatt/interconnect/link_catalog.hpp"
#include "lightwatt/mapping/serving_time.hpp"
#include "lightwatt/photonics/converter.hpp"

namespace lightwatt::mapping {

using Spread = photonics::SpreadPoint;

// A figure that no primary source gives, derived with a stated method as a low-high range around
// the value the estimate uses (data/systems.toml: a table with low, typical, high and source).
using PowerRange = EnumArray<Spread, Power>;

// A server or rack and its network, as deployed (data/systems.toml).
struct SystemSpec {
    std::string name, description;
    ProductStatus status = ProductStatus::shipping;
    std::string gpu;                             // the GPU it holds (data/gpus.toml)
    int gpus_per_node = 8;                       // GPUs per node (an 8-GPU server, or a rack's compute tray)
    int scale_up_domain_gpus = 8;                // GPUs one NVLink domain spans (8 in an HGX node, 72 in an NVL72 rack)
    DataRate scale_up_bandwidth_per_gpu{};       // per direction
    DataRate scale_out_bandwidth_per_gpu{};      // NIC, per direction
    int scale_out_tiers = 2;                     // non-blocking fat tree
    PowerRange scale_up_switch_power_per_gpu{};  // NVLink switch chips and trays' share
    EnergyPerBit scale_out_switch_energy_per_bit{};  // switch system without optics: watts per port bit/s
    // CPUs, memory, NICs, fans, storage, board management: all of a node but its GPUs, NVLink
    // switches, optics and power conversion, during inference.
    PowerRange host_power_per_node{};
    double power_conversion_efficiency = 1.0;  // AC (or rack busbar) to the node's DC loads
    double pue = 1.0;
};

// The optics of an option (data/options.toml): which link archetypes carry scale-up and
// scale-out traffic.
struct FabricOption {
    std::string name, description;
    std::string scale_up_link, scale_out_link;
    // The link at the GPU's NIC end of the first scale-out tier when it differs from the switch's
    // end (CPO switches facing NICs with pluggable modules); empty: scale_out_link at both ends.
    std::string scale_out_nic_link;
    bool scale_out_first_tier_copper = false;  // GPU-to-leaf over passive copper: no modules there
    int scale_up_domain_gpus = 0;              // GPUs one scale-up domain spans (0: the system's)
    // Photonic GEMM offload (serving_time.hpp); empty core: none.
    std::string photonic_core;  // data/photonic_cores.toml
    int photonic_cores_per_gpu = 0;
    std::vector<std::string> offload_gemms;
    std::string photonic_link;  // data/links.toml: GPU <-> cores
    // What the option takes out of the baseline (modules, DSPs, retimers, cables, lasers), for reports.
    std::vector<std::string> replaces;
};

// data/systems.toml and data/options.toml (keys in docs/catalogs/systems.md).
struct SystemCatalog {
    NamedCatalog<SystemSpec> systems{"systems"};
    NamedCatalog<FabricOption> options{"options"};
};
SystemCatalog read_system_catalog(TableReader systems, TableReader options);
// data_dir/systems.toml and data_dir/options.toml. Like every catalog loader, it takes the data folder.
SystemCatalog load_system_catalog(const std::filesystem::path& data_dir);

enum class EnergyPart {
    gpu_static,
    gpu_compute,
    gpu_hbm,
    photonic_cores,
    scale_up_links,
    scale_up_switches,
    scale_out_optics,
    scale_out_switches,
    host,
    power_conversion,
    facility
};

}  // namespace lightwatt::mapping

template <>
struct lightwatt::EnumTable<lightwatt::mapping::EnergyPart> {
    using enum mapping::EnergyPart;
    static constexpr auto entries =
        std::to_array<EnumEntry<mapping::EnergyPart>>({{gpu_static, "gpu_static"},
                                                       {gpu_compute, "gpu_compute"},
                                                       {gpu_hbm, "gpu_hbm"},
                                                       {photonic_cores, "photonic_cores"},
                                                       {scale_up_links, "scale_up_links"},
                                                       {scale_up_switches, "scale_up_switches"},
                                                       {scale_out_optics, "scale_out_optics"},
                                                       {scale_out_switches, "scale_out_switches"},
                                                       {host, "host"},
                                                       {power_conversion, "power_conversion"},
                                                       {facility, "facility"}});
};

namespace lightwatt::mapping {

struct SystemEnergy {
    std::string option;
    EnumArray<EnergyPart, Energy> per_token{};  // per token (serving: output token; training: token trained on)
    double tokens_per_s = 0.0;                  // of the GPUs below
    int gpus = 0;                               // a serving replica, or a training job's GPUs
    [[nodiscard]] Energy total() const;
    [[nodiscard]] Energy part(EnergyPart p) const { return per_token[p]; }
    // All-in power per GPU (IT and facility): what a power budget divides by.
    [[nodiscard]] Power power_per_gpu() const {
        return watts(in_joules(total()) * tokens_per_s / static_cast<double>(gpus));
    }
};

// Where a catalog input is a range, the estimate carries low and high companions: links with a
// published module-power range (e.g. 14-16 W per 800G DSP module) take its ends in place of the
// modelled module power at both ends of each link, and a system's derived ranges (NVLink switch
// and host power) take theirs (photonic converters take the catalog's spread in the serving
// estimate, scenario.cpp). One low/typical/high for converters, links and systems alike.

// A link's cost to the system at its full-load point: static power of both ends (at a Spread's
// end, the published module power range in place of the modelled module), energy per bit above
// it, payload per direction, and the link's total energy per bit.
struct LinkCost {
    Power static_power{};
    EnergyPerBit dynamic_energy_per_bit{};
    DataRate payload{};
    EnergyPerBit full_load_energy_per_bit{};
};
LinkCost link_cost(const interconnect::LinkArchetype& a, Spread spread);

// Every archetype of a catalog evaluated once, at each Spread: what repeated estimates reuse
// (interconnect::evaluate is most of an estimate's time otherwise).
struct LinkCosts {
    std::map<std::string, EnumArray<Spread, LinkCost>> by_name;
    static LinkCosts of(const interconnect::LinkCatalog& links);
    // std::out_of_range for a name the catalog did not have.
    [[nodiscard]] const LinkCost& at(const std::string& name, Spread spread) const;
};

// Per token of the cycle (serving: output tokens; training: tokens trained on).
SystemEnergy system_energy(const CycleEstimate& estimate, const SystemSpec& system, const FabricOption& option,
                           const interconnect::LinkCatalog& links, Spread spread = Spread::typical);
SystemEnergy system_energy(const CycleEstimate& estimate, const SystemSpec& system, const FabricOption& option,
                           const LinkCosts& links, Spread spread = Spread::typical);
// The scale-out link's cost with scale_out_nic_link's at the NIC end (empty: the same link).
struct ScaleOutCost {
    LinkCost link;      // switch to switch, and both ends where the NIC end is the same
    LinkCost nic_tier;  // the first tier's link: half the NIC end's link, half the switch end's
};
SystemEnergy system_energy(const CycleEstimate& estimate, const SystemSpec& system, const FabricOption& option,
                           const LinkCost& scale_up, const ScaleOutCost& scale_out, Spread spread = Spread::typical);

}  // namespace lightwatt::mapping
