#include <doctest/doctest.h>

#include <type_traits>

#include "lightwatt/core/constants.hpp"
#include "lightwatt/core/units.hpp"

using namespace lightwatt;

// Dimensional rules checked at compile time (the must-not-compile cases are in units_static_test.cpp).
static_assert(std::is_same_v<decltype(watts(1.0) * seconds(1.0)), Energy>);
static_assert(std::is_same_v<decltype(joules(1.0) / seconds(1.0)), Power>);
static_assert(std::is_same_v<decltype(watts(1.0) / gigabits_per_second(1.0)), EnergyPerBit>);
static_assert(std::is_same_v<decltype(gigabaud(1.0) * bits(2.0)), DataRate>);
static_assert(std::is_same_v<decltype(picojoules_per_bit(1.0) * gigabits_per_second(1.0)), Power>);
static_assert(!std::is_same_v<DataRate, SymbolRate>);
static_assert(!std::is_same_v<EnergyPerBit, Energy>);
static_assert(std::is_same_v<decltype(nanometers(1.0) / nanometers_per_milliwatt(1.0)), Power>);
static_assert(std::is_same_v<decltype(amperes_per_watt(1.0) * watts(1.0)), Current>);

TEST_CASE("unit helpers round-trip their scale factors") {
    CHECK(in_milliwatts(milliwatts(12.5)) == doctest::Approx(12.5));
    CHECK(in_picojoules_per_bit(picojoules_per_bit(3.25)) == doctest::Approx(3.25));
    CHECK(in_gigabits_per_second(gigabits_per_second(800.0)) == doctest::Approx(800.0));
    CHECK(in_gigabaud(gigabaud(53.125)) == doctest::Approx(53.125));
    CHECK(in_femtofarads(femtofarads(20.0)) == doctest::Approx(20.0));
    CHECK(in_kilometers(meters(500.0)) == doctest::Approx(0.5));
    CHECK(in_picoamperes_per_root_hertz(picoamperes_per_root_hertz(14.1)) == doctest::Approx(14.1));
    CHECK(in_nanometers_per_milliwatt(nanometers_per_milliwatt(0.073)) == doctest::Approx(0.073));
}

TEST_CASE("module power over line rate gives the energy per bit") {
    // 16 W / 800 Gb/s = 20 pJ/bit (reference optical-interconnect.md sec. 3.8, hand check).
    const EnergyPerBit e = watts(16.0) / gigabits_per_second(800.0);
    CHECK(in_picojoules_per_bit(e) == doctest::Approx(20.0));
}

TEST_CASE("CODATA 2018 constants and the ideal photodiode responsivity") {
    CHECK(constants::elementary_charge.value() == 1.602176634e-19);
    CHECK(constants::boltzmann.value() == 1.380649e-23);
    // R = q lambda / (h c) at 1310 nm = 1.0566 A/W (hc/q = 1.23984 um V).
    const auto responsivity =
        constants::elementary_charge * nanometers(1310.0) / (constants::planck * constants::speed_of_light);
    CHECK(responsivity.value() == doctest::Approx(1.0566).epsilon(1e-4));
}
