#include <doctest/doctest.h>

#include <type_traits>

#include "lightwatt/core/decibel.hpp"

using namespace lightwatt;

static_assert(std::is_same_v<decltype(DecibelMilliwatt(0.0) + Decibel(1.0)), DecibelMilliwatt>);
static_assert(std::is_same_v<decltype(DecibelMilliwatt(0.0) - Decibel(1.0)), DecibelMilliwatt>);
static_assert(std::is_same_v<decltype(DecibelMilliwatt(0.0) - DecibelMilliwatt(1.0)), Decibel>);
static_assert(std::is_same_v<decltype(Decibel(1.0) + Decibel(1.0)), Decibel>);
static_assert(!std::is_convertible_v<double, Decibel>);
static_assert(!std::is_convertible_v<double, DecibelMilliwatt>);

TEST_CASE("dBm and linear power") {
    CHECK(to_dbm(milliwatts(1.0)).value() == doctest::Approx(0.0));
    CHECK(to_dbm(watts(1.0)).value() == doctest::Approx(30.0));
    CHECK(in_milliwatts(to_power(DecibelMilliwatt(-3.0))) == doctest::Approx(0.501187).epsilon(1e-6));
    CHECK(in_milliwatts(to_power(DecibelMilliwatt(20.0))) == doctest::Approx(100.0));
}

TEST_CASE("level arithmetic") {
    const DecibelMilliwatt tx(1.2);
    const DecibelMilliwatt rx = tx - Decibel(3.0);
    CHECK(rx.value() == doctest::Approx(-1.8));
    CHECK((tx - rx).value() == doctest::Approx(3.0));
    CHECK((Decibel(3.0) + tx).value() == doctest::Approx(4.2));
    CHECK(Decibel(10.0).ratio() == doctest::Approx(10.0));
    CHECK(Decibel::from_ratio(2.0).value() == doctest::Approx(3.0103).epsilon(1e-4));
    CHECK(in_milliwatts(attenuate(milliwatts(2.0), Decibel(3.0103))) == doctest::Approx(1.0).epsilon(1e-4));
    CHECK(in_milliwatts(amplify(milliwatts(1.0), Decibel(10.0))) == doctest::Approx(10.0));
}
