// Link archetypes (copper, AEC, DSP pluggable, LPO, CPO, optical I/O) composed from device and
// circuit models, and their evaluation into power, pJ/bit and the optical budget
// (docs/models/optical-links.md, "Link archetypes").
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lightwatt/core/decibel.hpp"
#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/core/units.hpp"
#include "lightwatt/interconnect/electronics.hpp"
#include "lightwatt/photonics/fec.hpp"
#include "lightwatt/photonics/link_budget.hpp"
#include "lightwatt/photonics/modulation.hpp"
#include "lightwatt/photonics/passive.hpp"
#include "lightwatt/photonics/receiver.hpp"
#include "lightwatt/photonics/transmitter.hpp"

namespace lightwatt::interconnect {

enum class LinkKind { copper, aec, dsp_pluggable, lpo, cpo, optical_io };

}  // namespace lightwatt::interconnect

template <>
struct lightwatt::EnumTable<lightwatt::interconnect::LinkKind> {
    using enum interconnect::LinkKind;
    static constexpr auto entries = std::to_array<EnumEntry<interconnect::LinkKind>>({{copper, "copper"},
                                                                                      {aec, "aec"},
                                                                                      {dsp_pluggable, "dsp-pluggable"},
                                                                                      {lpo, "lpo"},
                                                                                      {cpo, "cpo"},
                                                                                      {optical_io, "optical-io"}});
};

namespace lightwatt::interconnect {

// The optical lane of an archetype: the transmitter's path, laser, receiver, and the channels it
// is designed for and deployed on.
struct OpticalLane {
    photonics::Laser laser;
    photonics::TransmitterOptics transmitter;
    photonics::Photodetector photodetector;
    photonics::Tia tia;
    Decibel rx_implementation_penalty{};
    Decibel rx_coupling_loss{};  // fibre to photodiode at the receiver
    // Microring drop filters per lane at the receiver (DWDM demultiplexing); each is tuned like
    // the transmitter's ring.
    int rx_filter_rings_per_lane = 0;
    Decibel penalties{};            // transmitter/dispersion/MPI allocation in the budget
    Decibel design_channel_loss{};  // the worst channel the laser is sized for
    Decibel design_margin{};        // margin kept on that worst channel
    photonics::Channel channel;     // the deployed channel the budget reports
};

// A published figure a model is checked against: [low, high] with its source.
struct PublishedRange {
    double low = 0.0;
    double high = 0.0;
    std::string source;
};

struct LinkArchetype {
    std::string name;
    LinkKind kind = LinkKind::copper;
    std::string description;
    std::string source;
    int lanes = 0;  // lanes per direction
    SymbolRate symbol_rate{};
    photonics::Modulation modulation = photonics::Modulation::nrz;
    photonics::FecScheme fec;
    // The line carries idle symbols when there is no traffic (Ethernet/InfiniBand PCS), so
    // nothing switches less when idle: all power is static.
    bool idle_fill = true;

    // Electrical parts at each end. Host SerDes is on the host die (switch, NIC, GPU), not in the
    // module; `module_serdes_lanes` lets the host side run fewer, faster lanes than the line.
    std::optional<Circuit> host_serdes;
    std::optional<Circuit> dsp;     // module DSP, AEC retimer
    std::optional<Circuit> driver;  // modulator driver per optical lane
    std::optional<Housekeeping> housekeeping;
    std::optional<PowerConversion> conversion;
    std::optional<OpticalLane> optics;

    // Scales research circuit-block figures (circuits and TIAs flagged as such) to products.
    double block_to_product_factor = 1.0;

    std::optional<PublishedRange> published_module_power_w;
    std::optional<PublishedRange> published_pj_per_bit;
};

// Power components of one end, in the order reports list them.
enum class Component { host_serdes, dsp, driver, modulator, tia, laser, tuning, housekeeping, power_conversion };

}  // namespace lightwatt::interconnect

template <>
struct lightwatt::EnumTable<lightwatt::interconnect::Component> {
    using enum interconnect::Component;
    static constexpr auto entries =
        std::to_array<EnumEntry<interconnect::Component>>({{host_serdes, "host_serdes"},
                                                           {dsp, "dsp"},
                                                           {driver, "driver"},
                                                           {modulator, "modulator"},
                                                           {tia, "tia"},
                                                           {laser, "laser"},
                                                           {tuning, "tuning"},
                                                           {housekeeping, "housekeeping"},
                                                           {power_conversion, "power_conversion"}});
};

namespace lightwatt::interconnect {

struct OpticalBudgetReport {
    photonics::Sensitivity sensitivity;
    photonics::LinkBudget budget;  // on the deployed channel
    Power laser_output{};          // per laser, as sized for the design channel
    Power laser_max_output{};
    bool laser_within_rating = true;
    int lasers_per_end = 0;
    DecibelMilliwatt tx_average_power;
    Decibel extinction_ratio{};
    std::optional<Length> max_reach;  // at the designed transmit OMA, zero margin
};

struct LinkReport {
    const LinkArchetype* archetype = nullptr;
    DataRate line_rate{};     // per direction
    DataRate payload_rate{};  // per direction
    // Per end, by component; the module's share excludes host SerDes.
    EnumArray<Component, Power> end_power{};
    EnumArray<Component, Power> end_static_power{};
    Power module_power{};           // one end's module (engine + laser share for CPO)
    Power static_power{};           // both ends
    Power link_power{};             // both ends, full load
    EnergyPerBit energy_per_bit{};  // link power / payload bits per second, both directions
    std::optional<OpticalBudgetReport> optical;

    [[nodiscard]] EnergyPerBit component_energy_per_bit(Component c) const;
};

DataRate line_rate(const LinkArchetype& a);
DataRate payload_rate(const LinkArchetype& a);

// Evaluates an archetype at full symmetric load. Pure function of its input.
LinkReport evaluate(const LinkArchetype& a);

}  // namespace lightwatt::interconnect
