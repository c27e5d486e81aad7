// Quantities with units for lightwatt: the one header that sees Boost.Units.
//
// The unit system is SI plus two extra base dimensions, as in mp-units' IEC system (bit, byte =
// 8 bit) and its counts of operations:
//   - *information*, whose base unit is the bit: a data rate (bit/s) is not a frequency, an energy
//     per bit (J/bit) is not an energy, an amount of information is not a plain number;
//   - *floating-point work*, whose base unit is the FLOP: a FLOP rate (FLOP/s) is not a frequency
//     and an energy per FLOP (J/FLOP = W per FLOP/s) is not an energy.
// A symbol rate (baud) has the dimension of a frequency (1/s) but is a kind of its own, as
// mp-units' kind_of<isq::modulation_rate>: SymbolRate below is a distinct type, so a clock or a
// bandwidth cannot be passed where a symbol rate is expected, nor the reverse.
//
// Construct quantities with the named helpers below (watts(2.0), gigabits_per_second(800.0))
// and read them back with the in_*() helpers; scale factors live here and nowhere else.
#pragma once

#include <cmath>

#include <boost/units/base_dimension.hpp>
#include <boost/units/base_unit.hpp>
#include <boost/units/cmath.hpp>
#include <boost/units/derived_dimension.hpp>
#include <boost/units/make_system.hpp>
#include <boost/units/physical_dimensions.hpp>
#include <boost/units/quantity.hpp>
#include <boost/units/static_rational.hpp>
#include <boost/units/systems/si/base.hpp>
#include <boost/units/unit.hpp>

namespace lightwatt {

namespace bu = boost::units;

// --- the information dimension and its base unit, the bit -------------------------------------
struct information_base_dimension : bu::base_dimension<information_base_dimension, 73> {};
using information_dimension = information_base_dimension::dimension_type;

struct bit_base_unit : bu::base_unit<bit_base_unit, information_dimension, 73> {
    static const char* name() { return "bit"; }
    static const char* symbol() { return "b"; }
};

// --- the floating-point-work dimension and its base unit, the FLOP ------------------------------
struct flop_base_dimension : bu::base_dimension<flop_base_dimension, 74> {};
using flop_dimension = flop_base_dimension::dimension_type;

struct flop_base_unit : bu::base_unit<flop_base_unit, flop_dimension, 74> {
    static const char* name() { return "FLOP"; }
    static const char* symbol() { return "FLOP"; }
};

// SI base units plus the bit and the FLOP.
using unit_system =
    bu::make_system<bu::si::meter_base_unit, bu::si::kilogram_base_unit, bu::si::second_base_unit,
                    bu::si::ampere_base_unit, bu::si::kelvin_base_unit, bit_base_unit, flop_base_unit>::type;

namespace dim {
using bu::current_dimension;
using bu::energy_dimension;
using bu::length_dimension;
using bu::power_dimension;
using bu::temperature_dimension;
using bu::time_dimension;
using frequency_dimension = bu::frequency_dimension;
using capacitance_dimension = bu::capacitance_dimension;
using voltage_dimension = bu::electric_potential_dimension;
using resistance_dimension = bu::resistance_dimension;
using data_rate_dimension = bu::derived_dimension<information_base_dimension, 1, bu::time_base_dimension, -1>::type;
using energy_per_bit_dimension =
    bu::derived_dimension<bu::length_base_dimension, 2, bu::mass_base_dimension, 1, bu::time_base_dimension, -2,
                          information_base_dimension, -1>::type;
using flop_rate_dimension = bu::derived_dimension<flop_base_dimension, 1, bu::time_base_dimension, -1>::type;
using energy_per_flop_dimension = bu::derived_dimension<bu::length_base_dimension, 2, bu::mass_base_dimension, 1,
                                                        bu::time_base_dimension, -2, flop_base_dimension, -1>::type;
// A/W
using responsivity_dimension = bu::derived_dimension<bu::length_base_dimension, -2, bu::mass_base_dimension, -1,
                                                     bu::time_base_dimension, 3, bu::current_base_dimension, 1>::type;
// A^2/Hz = A^2 s: a one-sided current noise power spectral density.
using current_psd_dimension = bu::derived_dimension<bu::current_base_dimension, 2, bu::time_base_dimension, 1>::type;
// m/W: a heater's tuning efficiency (resonance shift per heater power).
using length_per_power_dimension =
    bu::derived_dimension<bu::length_base_dimension, -1, bu::mass_base_dimension, -1, bu::time_base_dimension, 3>::type;
}  // namespace dim

template <class Dimension>
using unit_of = bu::unit<Dimension, unit_system>;

template <class Dimension>
using quantity_of = bu::quantity<unit_of<Dimension>, double>;

using Power = quantity_of<dim::power_dimension>;
using Energy = quantity_of<dim::energy_dimension>;
using Time = quantity_of<dim::time_dimension>;
using Length = quantity_of<dim::length_dimension>;
using Frequency = quantity_of<dim::frequency_dimension>;
using DataRate = quantity_of<dim::data_rate_dimension>;
using EnergyPerBit = quantity_of<dim::energy_per_bit_dimension>;
using Current = quantity_of<dim::current_dimension>;
using Temperature = quantity_of<dim::temperature_dimension>;
using Capacitance = quantity_of<dim::capacitance_dimension>;
using Voltage = quantity_of<dim::voltage_dimension>;
using Resistance = quantity_of<dim::resistance_dimension>;
using Responsivity = quantity_of<dim::responsivity_dimension>;
using CurrentPsd = quantity_of<dim::current_psd_dimension>;
using LengthPerPower = quantity_of<dim::length_per_power_dimension>;
using Information = quantity_of<information_dimension>;
using FlopCount = quantity_of<flop_dimension>;
using FlopRate = quantity_of<dim::flop_rate_dimension>;
using EnergyPerFlop = quantity_of<dim::energy_per_flop_dimension>;
using Dimensionless = bu::quantity<bu::unit<bu::dimensionless_type, unit_system>, double>;

// Unit objects for arithmetic inside formulas (e.g. `value * units::watt`).
namespace units {
inline constexpr unit_of<dim::power_dimension> watt{};
inline constexpr unit_of<dim::energy_dimension> joule{};
inline constexpr unit_of<dim::time_dimension> second{};
inline constexpr unit_of<dim::length_dimension> meter{};
inline constexpr unit_of<dim::frequency_dimension> hertz{};
inline constexpr unit_of<dim::data_rate_dimension> bit_per_second{};
inline constexpr unit_of<dim::energy_per_bit_dimension> joule_per_bit{};
inline constexpr unit_of<dim::current_dimension> ampere{};
inline constexpr unit_of<dim::temperature_dimension> kelvin{};
inline constexpr unit_of<dim::capacitance_dimension> farad{};
inline constexpr unit_of<dim::voltage_dimension> volt{};
inline constexpr unit_of<dim::resistance_dimension> ohm{};
inline constexpr unit_of<dim::responsivity_dimension> ampere_per_watt{};
inline constexpr unit_of<dim::current_psd_dimension> ampere_squared_per_hertz{};
inline constexpr unit_of<dim::length_per_power_dimension> meter_per_watt{};
inline constexpr unit_of<information_dimension> bit{};
inline constexpr unit_of<flop_dimension> flop{};
inline constexpr unit_of<dim::flop_rate_dimension> flop_per_second{};
inline constexpr unit_of<dim::energy_per_flop_dimension> joule_per_flop{};
}  // namespace units

// --- the symbol rate, a kind of its own ----------------------------------------------------------
// Baud: symbols per second. Only what is physical is defined: scaling by a number, ratios of two
// symbol rates, ordering, and a symbol rate times the information one symbol carries, which is a
// data rate (53.125 GBd x 2 bit = 106.25 Gb/s). A bandwidth proportional to the symbol rate goes
// through bandwidth_per_symbol_rate() below, which names the proportionality.
class SymbolRate {
public:
    SymbolRate() = default;
    [[nodiscard]] double in_baud() const { return baud_; }
    friend SymbolRate baud(double v);
    friend auto operator<=>(SymbolRate, SymbolRate) = default;

private:
    explicit SymbolRate(double v) : baud_(v) {}
    double baud_ = 0.0;
};
inline SymbolRate baud(double v) { return SymbolRate(v); }
inline SymbolRate operator*(double k, SymbolRate r) { return baud(k * r.in_baud()); }
inline SymbolRate operator*(SymbolRate r, double k) { return baud(r.in_baud() * k); }
inline double operator/(SymbolRate a, SymbolRate b) { return a.in_baud() / b.in_baud(); }
inline DataRate operator*(SymbolRate r, Information per_symbol) {
    return r.in_baud() * per_symbol.value() * units::bit_per_second;
}
inline DataRate operator*(Information per_symbol, SymbolRate r) { return r * per_symbol; }
// B = k R_s with k in Hz per baud (a receiver's noise bandwidth, a Nyquist filter's k = 1/2).
inline Frequency bandwidth_per_symbol_rate(double hertz_per_baud, SymbolRate r) {
    return hertz_per_baud * r.in_baud() * units::hertz;
}

// The square root of a quantity (e.g. an rms noise current from its PSD times a bandwidth), so
// callers never name Boost.
template <class Unit>
auto sqrt(const bu::quantity<Unit, double>& q) {
    return bu::sqrt(q);
}

// --- construction helpers (the only place scale factors appear) --------------------------------
inline Power watts(double v) { return v * units::watt; }
inline Power milliwatts(double v) { return v * 1e-3 * units::watt; }
inline Energy joules(double v) { return v * units::joule; }
inline Energy picojoules(double v) { return v * 1e-12 * units::joule; }
inline Time seconds(double v) { return v * units::second; }
inline Length meters(double v) { return v * units::meter; }
inline Length kilometers(double v) { return v * 1e3 * units::meter; }
inline Length nanometers(double v) { return v * 1e-9 * units::meter; }
inline Length micrometers(double v) { return v * 1e-6 * units::meter; }
inline Length millimeters(double v) { return v * 1e-3 * units::meter; }
inline Frequency hertz(double v) { return v * units::hertz; }
inline Frequency gigahertz(double v) { return v * 1e9 * units::hertz; }
inline SymbolRate gigabaud(double v) { return baud(v * 1e9); }
inline DataRate bits_per_second(double v) { return v * units::bit_per_second; }
inline DataRate gigabits_per_second(double v) { return v * 1e9 * units::bit_per_second; }
inline EnergyPerBit joules_per_bit(double v) { return v * units::joule_per_bit; }
inline EnergyPerBit picojoules_per_bit(double v) { return v * 1e-12 * units::joule_per_bit; }
inline EnergyPerBit femtojoules_per_bit(double v) { return v * 1e-15 * units::joule_per_bit; }
inline Current amperes(double v) { return v * units::ampere; }
inline Current microamperes(double v) { return v * 1e-6 * units::ampere; }
inline Current nanoamperes(double v) { return v * 1e-9 * units::ampere; }
inline Temperature kelvins(double v) { return v * units::kelvin; }
inline Capacitance farads(double v) { return v * units::farad; }
inline Capacitance femtofarads(double v) { return v * 1e-15 * units::farad; }
inline Voltage volts(double v) { return v * units::volt; }
inline Resistance ohms(double v) { return v * units::ohm; }
inline Responsivity amperes_per_watt(double v) { return v * units::ampere_per_watt; }
// Input-referred noise current density given in pA/sqrt(Hz), stored as its square (A^2/Hz).
inline CurrentPsd picoamperes_per_root_hertz(double v) {
    return (v * 1e-12) * (v * 1e-12) * units::ampere_squared_per_hertz;
}
inline LengthPerPower nanometers_per_milliwatt(double v) { return v * 1e-6 * units::meter_per_watt; }
inline Information bits(double v) { return v * units::bit; }
inline Information bytes(double v) { return v * 8.0 * units::bit; }
inline Information gigabytes(double v) { return v * 1e9 * 8.0 * units::bit; }
inline FlopCount flops(double v) { return v * units::flop; }
inline FlopRate teraflops_per_second(double v) { return v * 1e12 * units::flop_per_second; }
// 1 W per TFLOP/s = 1 pJ/FLOP.
inline EnergyPerFlop picojoules_per_flop(double v) { return v * 1e-12 * units::joule_per_flop; }
// 1 W per Gb/s = 1 nJ/bit (a switch system's power per port capacity).
inline EnergyPerBit nanojoules_per_bit(double v) { return v * 1e-9 * units::joule_per_bit; }
// 1 W per TB/s = 1 pJ/byte.
inline EnergyPerBit picojoules_per_byte(double v) { return v * 1e-12 / 8.0 * units::joule_per_bit; }
inline Power megawatts(double v) { return v * 1e6 * units::watt; }
inline Time milliseconds(double v) { return v * 1e-3 * units::second; }
inline Time microseconds(double v) { return v * 1e-6 * units::second; }
// 10^9 bytes per second: memory bandwidth, nccl-tests algbw and busbw (docs/contract.md, `_gbyte_per_s`).
inline DataRate gigabytes_per_second(double v) { return v * 8e9 * units::bit_per_second; }

// --- read-back helpers ---------------------------------------------------------------------------
inline double in_watts(Power p) { return p.value(); }
inline double in_milliwatts(Power p) { return p.value() * 1e3; }
inline double in_microwatts(Power p) { return p.value() * 1e6; }
inline double in_joules(Energy e) { return e.value(); }
inline double in_picojoules(Energy e) { return e.value() * 1e12; }
inline double in_seconds(Time t) { return t.value(); }
inline double in_microseconds(Time t) { return t.value() * 1e6; }
inline double in_milliseconds(Time t) { return t.value() * 1e3; }
inline double in_megawatts(Power p) { return p.value() * 1e-6; }
inline double in_bytes(Information i) { return i.value() / 8.0; }
inline double in_bits(Information i) { return i.value(); }
inline double in_gigabytes(Information i) { return i.value() / 8.0 * 1e-9; }
inline double in_teraflops_per_second(FlopRate r) { return r.value() / 1e12; }
inline double in_picojoules_per_flop(EnergyPerFlop e) { return e.value() * 1e12; }
inline double in_picojoules_per_byte(EnergyPerBit e) { return e.value() * 8.0 * 1e12; }
inline double in_gigabytes_per_second(DataRate r) { return r.value() / 8e9; }
inline double in_terabytes_per_second(DataRate r) { return r.value() / 8.0 * 1e-12; }
inline double in_meters(Length l) { return l.value(); }
inline double in_kilometers(Length l) { return l.value() * 1e-3; }
inline double in_nanometers(Length l) { return l.value() * 1e9; }
inline double in_centimeters(Length l) { return l.value() * 1e2; }
inline double in_hertz(Frequency f) { return f.value(); }
inline double in_gigahertz(Frequency f) { return f.value() * 1e-9; }
inline double in_gigabaud(SymbolRate r) { return r.in_baud() * 1e-9; }
inline double in_bits_per_second(DataRate r) { return r.value(); }
inline double in_gigabits_per_second(DataRate r) { return r.value() * 1e-9; }
inline double in_picojoules_per_bit(EnergyPerBit e) { return e.value() * 1e12; }
inline double in_femtojoules_per_bit(EnergyPerBit e) { return e.value() * 1e15; }
inline double in_amperes(Current i) { return i.value(); }
inline double in_microamperes(Current i) { return i.value() * 1e6; }
inline double in_nanoamperes(Current i) { return i.value() * 1e9; }
inline double in_kelvins(Temperature t) { return t.value(); }
inline double in_femtofarads(Capacitance c) { return c.value() * 1e15; }
inline double in_volts(Voltage v) { return v.value(); }
inline double in_ohms(Resistance r) { return r.value(); }
inline double in_amperes_per_watt(Responsivity r) { return r.value(); }
inline double in_picoamperes_per_root_hertz(CurrentPsd s) { return std::sqrt(s.value()) * 1e12; }
inline double in_nanometers_per_milliwatt(LengthPerPower k) { return k.value() * 1e6; }

}  // namespace lightwatt
