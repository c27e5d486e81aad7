// Energy per conversion of data converters (ADCs, DACs) from figures of merit with a floor, after
// Murmann's ADC survey (bmurmann/ADC-survey), and the converter catalog (data/converters.toml).
//
// For a Nyquist converter sampling at f_s with power P, the energy per conversion is E = P / f_s.
// With SNDR = 6.02 ENOB + 1.76 dB:
//
//   Walden:   FOM_W = P / (2^ENOB f_s)                   =>  E_W = FOM_W 2^ENOB          (J)
//   Schreier: FOM_S = SNDR + 10 log10((f_s / 2) / P)     =>  (f_s / 2) / P = 10^((FOM_S - SNDR)/10) per J
//                                                        =>  E_S = P / f_s = 1 / (2 10^((FOM_S - SNDR)/10)) J
//   E = max(floor, E_W, E_S)
//
// FOM_S is in dB referred to 1 Hz/W = 1/J (P in W, f_s in Hz), so E_S comes out in joules.
// E_W doubles per added bit (the regime of low and moderate ENOB, where the survey's designs are
// limited by circuit overheads), E_S quadruples per bit (thermal-noise limited: halving the noise
// voltage takes four times the capacitance), and the floor is the energy per sample below which
// fast converters do not go at any resolution (about 1 pJ/sample at f_s >= 1 GS/s for the best
// designs). Which term wins is reported by converter_limit().
//
// An entry may instead give a published energy per conversion E_0 at N bits (the form of the
// CiMLoop and SimPhony component tables). It is read as floor = E_0, FOM_W = E_0 / 2^N and no
// Schreier term: the energy is held at E_0 up to N bits (a converter does not get cheaper below
// its design point) and doubles per bit above.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/core/named_catalog.hpp"
#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/core/units.hpp"

namespace lightwatt::photonics {

struct ConverterModel {
    std::string name;
    double walden_fom_j_per_step = 0.0;  // FOM_W, J per conversion step (2^ENOB steps a conversion)
    // FOM_S in dB re 1 Hz/W; +infinity means no thermal-noise term (E_S = 0).
    double schreier_fom_db = kInf;
    Energy floor_energy{};  // no conversion costs less than this
    // The sample-rate band the figures describe (survey statistics are per band); a model is
    // chosen for a rate inside its band. Defaults: any rate.
    Frequency min_sample_rate{};
    Frequency max_sample_rate = kInf * units::hertz;
};

enum class ConverterKind { adc, dac };
// Where in a catalog range a figure is taken; mapping's link costs use the same three points.
enum class SpreadPoint { low, typical, high };
// Which term of max(floor, E_W, E_S) sets the energy.
enum class ConverterLimit { floor, walden, schreier };

}  // namespace lightwatt::photonics

template <>
struct lightwatt::EnumTable<lightwatt::photonics::ConverterKind> {
    static constexpr auto entries = std::to_array<EnumEntry<photonics::ConverterKind>>(
        {{photonics::ConverterKind::adc, "adc"}, {photonics::ConverterKind::dac, "dac"}});
};

template <>
struct lightwatt::EnumTable<lightwatt::photonics::SpreadPoint> {
    using enum photonics::SpreadPoint;
    static constexpr auto entries =
        std::to_array<EnumEntry<photonics::SpreadPoint>>({{low, "low"}, {typical, "typical"}, {high, "high"}});
};

template <>
struct lightwatt::EnumTable<lightwatt::photonics::ConverterLimit> {
    using enum photonics::ConverterLimit;
    static constexpr auto entries = std::to_array<EnumEntry<photonics::ConverterLimit>>(
        {{floor, "floor"}, {walden, "walden"}, {schreier, "schreier"}});
};

namespace lightwatt::photonics {

// SNDR of an ideal quantiser with `enob` effective bits: 6.02 ENOB + 1.76 dB, and its inverse.
[[nodiscard]] double sndr_db_from_enob(double enob);
[[nodiscard]] double enob_from_sndr_db(double sndr_db);

// The terms and their maximum. `enob` must be finite and in [0, 24]; otherwise an InputError at
// key "enob".
[[nodiscard]] Energy walden_energy(const ConverterModel& m, double enob);
[[nodiscard]] Energy schreier_energy(const ConverterModel& m, double enob);
[[nodiscard]] Energy energy_per_conversion(const ConverterModel& m, double enob);
[[nodiscard]] ConverterLimit converter_limit(const ConverterModel& m, double enob);

// Power of a converter running at f_s: energy per conversion x f_s.
[[nodiscard]] Power converter_power(const ConverterModel& m, double enob, Frequency sample_rate);

// Whether `sample_rate` lies in the model's band (ends included).
[[nodiscard]] bool covers(const ConverterModel& m, Frequency sample_rate);

// The catalog's low / typical / high choice for one kind of converter. Each point lists candidate
// entry names; the first whose band covers the sample rate is used (so the survey's best can be
// taken from the speed band the converter runs in).
struct ConverterSpread {
    std::vector<std::string> low;
    std::vector<std::string> typical;
    std::vector<std::string> high;
    [[nodiscard]] const std::vector<std::string>& at(SpreadPoint p) const;
};

struct ConverterCatalog {
    NamedCatalog<ConverterModel> adcs{"adcs"};
    NamedCatalog<ConverterModel> dacs{"dacs"};
    ConverterSpread adc_spread;  // from [spread] adc_low, adc_typical, adc_high
    ConverterSpread dac_spread;  // from [spread] dac_low, dac_typical, dac_high
};

// Reads [adcs.NAME], [dacs.NAME] and the optional [spread] table. Unknown sections or keys,
// missing keys, wrong types, impossible values and spread names that are not entries are
// InputErrors naming file, line and key.
ConverterCatalog read_converter_catalog(TableReader root);
// data_dir/converters.toml. Like every catalog loader, it takes the data folder.
ConverterCatalog load_converter_catalog(const std::filesystem::path& data_dir);

// The model the catalog's spread point selects for `sample_rate`: the first listed candidate
// whose band covers it. An InputError (key "sample_rate") when the catalog has no spread for
// this kind or no candidate covers the rate.
[[nodiscard]] const ConverterModel& select_converter(const ConverterCatalog& c, ConverterKind kind, SpreadPoint point,
                                                     Frequency sample_rate);

// Energy per conversion at the three spread points, with the names of the entries used. The
// companions are ordered: typical is raised to at least low and high to at least typical (a
// median cannot beat the best bound, which can happen far outside a survey band's ENOB range).
struct ConverterEnergySpread {
    Energy low{};
    Energy typical{};
    Energy high{};
    std::string low_name, typical_name, high_name;
};
[[nodiscard]] ConverterEnergySpread energy_spread(const ConverterCatalog& c, ConverterKind kind, double enob,
                                                  Frequency sample_rate);

}  // namespace lightwatt::photonics
