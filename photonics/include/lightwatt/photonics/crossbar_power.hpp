// Power of a dynamically operated photonic crossbar accelerator: both operands of every dot
// product are modulated onto light each cycle (attention's Q K^T and scores V, where neither
// operand is a stored weight), after Lightening-Transformer's DOTA (Zhu et al., HPCA 2024,
// arXiv 2305.19533) (docs/models/photonic-mac.md, "Dynamic crossbar").
//
// A core is a rows x cols crossbar of interference dot-product units, each a length-`wavelengths`
// dot product carried on as many WDM lines. Per cycle one core takes rows x wavelengths samples of
// operand A and cols x wavelengths samples of operand B and yields rows x cols outputs, so it does
// rows cols wavelengths MACs for (rows + cols) wavelengths conversions: the converter count grows
// with the crossbar's edge, not its area. Operand B may be modulated once per core position and
// broadcast to every tile; the cores of a tile may sum their photocurrents before one TIA and ADC
// per output (ADCs shared between cores).
//
//   laser          cores P_opt / WPE                           (laser.hpp)
//   DACs           N_mod E_DAC(b) f
//   modulators     N_mod (E_mod f + n_router P_router)         (two static ring routers: WDM mux/demux)
//   ADCs           N_adc E_ADC(b) f
//   TIAs           N_adc P_TIA
//   photodetectors N_pd P_bias                                  (bias of a balanced pair's diodes)
//   adders         N_tile_out P_add
//   memory         SRAM buffers, fixed power
//
// Every part burns at full rate: the accelerator is rated at 100 % utilisation.
#pragma once

#include <array>
#include <optional>

#include "lightwatt/core/decibel.hpp"
#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/core/units.hpp"
#include "lightwatt/photonics/receiver.hpp"

namespace lightwatt::photonics {

// How a converter's energy per conversion follows its resolution N:
//   sar             E ~ N          (one comparator decision per bit)
//   capacitive-dac  E ~ 2^N / N    (a binary-weighted array charged per conversion)
enum class ConverterScaling { sar, capacitive_dac };

}  // namespace lightwatt::photonics

template <>
struct lightwatt::EnumTable<lightwatt::photonics::ConverterScaling> {
    using enum photonics::ConverterScaling;
    static constexpr auto entries =
        std::to_array<EnumEntry<photonics::ConverterScaling>>({{sar, "sar"}, {capacitive_dac, "capacitive-dac"}});
    static constexpr std::string_view noun = "converter scaling";
};

namespace lightwatt::photonics {

// A converter at its published design point, and the law that carries it to other resolutions.
struct ScaledConverter {
    int bits = 8;
    Power power{};
    Frequency sample_rate{};
    ConverterScaling scaling = ConverterScaling::sar;
};

// E(b) = (P / f_s) s(b) / s(bits), s the scaling law.
[[nodiscard]] Energy scaled_conversion_energy(const ScaledConverter& c, int bits);

struct CrossbarGeometry {
    int tiles = 1;
    int cores_per_tile = 1;
    int rows = 1;         // operand A's rows per core
    int cols = 1;         // operand B's columns per core
    int wavelengths = 1;  // dot-product length, one WDM line per term
    Frequency clock{};
    bool operand_b_shared_across_tiles = false;
    bool adc_shared_by_tile_cores = false;
};

struct CrossbarCounts {
    double cores = 0.0;
    double modulators = 0.0;  // = DACs: one per modulated sample of either operand
    double outputs = 0.0;     // dot-product units, rows cols per core (each a balanced detector pair)
    double adcs = 0.0;        // = TIAs
    double adders = 0.0;
    double macs_per_cycle = 0.0;
};

// The counts the geometry implies (docs/models/photonic-mac.md, "Dynamic crossbar").
[[nodiscard]] CrossbarCounts crossbar_counts(const CrossbarGeometry& g);

struct CrossbarDevices {
    Energy modulator_energy_per_sample{};
    Decibel modulator_insertion_loss{};
    int routers_per_modulator = 0;  // WDM ring routers (mux and demux) per modulated line
    Power router_static_power{};
    Decibel router_insertion_loss{};
    Decibel y_branch_insertion_loss{};
    Decibel phase_shifter_insertion_loss{};
    Decibel coupler_insertion_loss{};
    DecibelMilliwatt detector_sensitivity{};  // light one dot-product unit needs, all lines together
    Power detector_bias_power{};
    int detectors_per_output = 2;  // balanced pair
    double laser_wall_plug_efficiency = 0.0;
    Power tia_power{};
    ScaledConverter dac, adc;
    Power adder_power{};
    Power global_buffer_power_per_4_tiles{};
    Power local_buffer_power{};
    Power small_buffer_power{};
};

// Loss from the laser to a dot-product unit's input (modulator, routers, 1:max(rows, cols)
// Y-branch tree) and inside the unit (splitter, phase shifter, coupler).
[[nodiscard]] Decibel crossbar_modulation_loss(const CrossbarGeometry& g, const CrossbarDevices& d);
[[nodiscard]] Decibel crossbar_computation_loss(const CrossbarDevices& d);

// The optical power one core's laser must emit for every dot-product unit to receive `at_unit`:
//   P = at_unit + L_mod + L_comp + 10 log10(rows cols)   (dBm)
[[nodiscard]] Power crossbar_laser_power(const CrossbarGeometry& g, const CrossbarDevices& d, DecibelMilliwatt at_unit);

// Lightening-Transformer's rule (after CrossLight, Sunny et al., DAC 2021): the link budget to the
// detector sensitivity, times 2^bits for the output levels to resolve.
[[nodiscard]] Power laser_power_per_level_rule(const CrossbarGeometry& g, const CrossbarDevices& d, int bits);

// The light a balanced detector pair needs for its noise to stay within a b-bit quantiser's:
// sigma(P) <= Delta / sqrt(12), Delta = 2 R P / 2^b (full scale +-R P), with sigma from the
// receiver's thermal, shot and RIN terms (receiver.hpp) at the clock's noise bandwidth. Empty when
// no power reaches it (a RIN floor).
[[nodiscard]] std::optional<Power> detector_power_for_bits(const Photodetector& pd, const Tia& tia, Frequency clock,
                                                           double rin_db_per_hz, int bits);

enum class CrossbarPart { laser, dac, modulator, adc, tia, photodetector, adder, memory };

}  // namespace lightwatt::photonics

template <>
struct lightwatt::EnumTable<lightwatt::photonics::CrossbarPart> {
    using enum photonics::CrossbarPart;
    static constexpr auto entries = std::to_array<EnumEntry<photonics::CrossbarPart>>({{laser, "laser"},
                                                                                       {dac, "dac"},
                                                                                       {modulator, "modulator"},
                                                                                       {adc, "adc"},
                                                                                       {tia, "tia"},
                                                                                       {photodetector, "photodetector"},
                                                                                       {adder, "adder"},
                                                                                       {memory, "memory"}});
    static constexpr std::string_view noun = "crossbar part";
};

namespace lightwatt::photonics {

struct CrossbarPower {
    EnumArray<CrossbarPart, Power> parts{};
    double macs_per_second = 0.0;
    [[nodiscard]] Power total() const;
    [[nodiscard]] Energy energy_per_mac() const;
};

// The accelerator's power at `bits` (DACs and ADCs) with `laser_optical_per_core` from the laser.
[[nodiscard]] CrossbarPower crossbar_power(const CrossbarGeometry& g, const CrossbarDevices& d, int bits,
                                           Power laser_optical_per_core);

struct CrossbarAccelerator {
    CrossbarGeometry geometry;
    CrossbarDevices devices;
};

// Reads the [architecture] and [devices] tables of `root` (data/validation/dota-b.toml's layout);
// the caller reads or rejects the rest and finishes `root`.
[[nodiscard]] CrossbarAccelerator read_crossbar_accelerator(TableReader& root);

}  // namespace lightwatt::photonics
