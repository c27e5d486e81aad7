// "Must not compile" rules of the unit types, checked by the compiler in this one translation unit
// (mp-units' pattern: test/static/ of its repository). Each forbidden operation is a concept that
// must be false; beside it a positive control of the same shape must be true, so a check cannot
// pass because the concept itself is malformed. The operand types are template parameters: an
// invalid expression is then a false requirement, not a hard error.
#include <concepts>
#include <type_traits>

#include "lightwatt/core/decibel.hpp"
#include "lightwatt/core/units.hpp"

namespace {

using namespace lightwatt;

template <class A, class B>
concept addable = requires(A a, B b) {
    a + b;
};

template <class A, class B>
concept subtractable = requires(A a, B b) {
    a - b;
};

template <class A, class B, class Result>
concept multiplies_to = requires(A a, B b) {
    { a* b } -> std::same_as<Result>;
};

template <class A, class B, class Result>
concept subtracts_to = requires(A a, B b) {
    { a - b } -> std::same_as<Result>;
};

// Decibels: level + gain = level, level - level = gain, level + level is ill-formed, and a bare
// number does not silently become a gain or a level.
static_assert(subtracts_to<DecibelMilliwatt, DecibelMilliwatt, Decibel>);
static_assert(!addable<DecibelMilliwatt, DecibelMilliwatt>);
static_assert(addable<DecibelMilliwatt, Decibel>);
static_assert(!addable<DecibelMilliwatt, double>);
static_assert(!subtractable<DecibelMilliwatt, double>);
static_assert(!std::is_convertible_v<double, Decibel>);
static_assert(!std::is_convertible_v<double, DecibelMilliwatt>);

// A power and an energy have different dimensions.
static_assert(addable<Power, Power>);
static_assert(!addable<Power, Energy>);

// J/bit carries the information dimension: it is not an energy until multiplied by bits.
static_assert(multiplies_to<EnergyPerBit, Information, Energy>);
static_assert(!std::is_convertible_v<EnergyPerBit, Energy>);
static_assert(!addable<EnergyPerBit, Energy>);

// bit/s is not baud: a symbol rate times the information of one symbol is a data rate.
static_assert(multiplies_to<SymbolRate, Information, DataRate>);
static_assert(!std::is_convertible_v<SymbolRate, DataRate>);
static_assert(!std::is_convertible_v<DataRate, SymbolRate>);
static_assert(!addable<SymbolRate, DataRate>);

// Baud is a kind of its own: a clock or a bandwidth (hertz) is not a symbol rate, nor the reverse,
// though both are 1/s.
static_assert(std::totally_ordered<SymbolRate>);
static_assert(multiplies_to<double, SymbolRate, SymbolRate>);
static_assert(std::is_same_v<decltype(gigabaud(2.0) / gigabaud(1.0)), double>);
static_assert(!std::is_convertible_v<Frequency, SymbolRate>);
static_assert(!std::is_convertible_v<SymbolRate, Frequency>);
static_assert(!std::is_constructible_v<SymbolRate, Frequency>);
static_assert(!std::is_constructible_v<SymbolRate, double>);
static_assert(!addable<SymbolRate, Frequency>);
static_assert(std::is_same_v<decltype(bandwidth_per_symbol_rate(0.5, gigabaud(1.0))), Frequency>);

// A FLOP rate is not a frequency, and an energy per FLOP is neither an energy nor a J/bit.
static_assert(multiplies_to<EnergyPerFlop, FlopRate, Power>);
static_assert(std::is_same_v<decltype(flops(1.0) / teraflops_per_second(1.0)), Time>);
static_assert(!std::is_convertible_v<FlopRate, Frequency>);
static_assert(!std::is_convertible_v<Frequency, FlopRate>);
static_assert(!addable<FlopRate, Frequency>);
static_assert(!addable<EnergyPerFlop, Energy>);
static_assert(!addable<EnergyPerFlop, EnergyPerBit>);

// An amount of information is not a plain number (nor is a FLOP count).
static_assert(addable<Information, Information>);
static_assert(std::is_same_v<decltype(bytes(1.0) / gigabytes_per_second(1.0)), Time>);
static_assert(!std::is_convertible_v<double, Information>);
static_assert(!std::is_convertible_v<Information, double>);
static_assert(!addable<Information, double>);
static_assert(!addable<Information, FlopCount>);
static_assert(!std::is_convertible_v<FlopCount, double>);

}  // namespace
