// Logarithmic quantities: a gain or loss in dB is a *delta*, a power level in dBm is a *point*.
//
//   dBm + dB  -> dBm      dBm - dB -> dBm      dBm - dBm -> dB      dB + dB -> dB
//   dBm + dBm -> does not compile (adding two levels has no meaning in the log domain)
//
// The same split as mp-units' point/delta quantities. Conversions to and from linear power go
// through to_dbm()/to_power(); there is no implicit conversion to or from double.
#pragma once

#include <cmath>
#include <compare>

#include "lightwatt/core/units.hpp"

namespace lightwatt {

// A gain or a loss (a power ratio), in decibels. Positive loss values are the convention for
// losses in catalogs and budgets; the sign is the caller's meaning, not the type's.
class Decibel {
public:
    constexpr Decibel() = default;
    constexpr explicit Decibel(double db) : db_(db) {}
    [[nodiscard]] constexpr double value() const { return db_; }
    // The linear power ratio 10^(dB/10).
    [[nodiscard]] double ratio() const { return std::pow(10.0, db_ / 10.0); }
    [[nodiscard]] static Decibel from_ratio(double power_ratio) { return Decibel(10.0 * std::log10(power_ratio)); }

    constexpr Decibel operator-() const { return Decibel(-db_); }
    constexpr Decibel& operator+=(Decibel o) {
        db_ += o.db_;
        return *this;
    }
    constexpr Decibel& operator-=(Decibel o) {
        db_ -= o.db_;
        return *this;
    }
    friend constexpr Decibel operator+(Decibel a, Decibel b) { return Decibel(a.db_ + b.db_); }
    friend constexpr Decibel operator-(Decibel a, Decibel b) { return Decibel(a.db_ - b.db_); }
    friend constexpr Decibel operator*(double k, Decibel a) { return Decibel(k * a.db_); }
    friend constexpr Decibel operator*(Decibel a, double k) { return Decibel(k * a.db_); }
    friend constexpr auto operator<=>(Decibel, Decibel) = default;

private:
    double db_ = 0.0;
};

// An optical or electrical power level referred to 1 mW.
class DecibelMilliwatt {
public:
    constexpr DecibelMilliwatt() = default;
    constexpr explicit DecibelMilliwatt(double dbm) : dbm_(dbm) {}
    [[nodiscard]] constexpr double value() const { return dbm_; }

    constexpr DecibelMilliwatt& operator+=(Decibel g) {
        dbm_ += g.value();
        return *this;
    }
    constexpr DecibelMilliwatt& operator-=(Decibel l) {
        dbm_ -= l.value();
        return *this;
    }
    friend constexpr DecibelMilliwatt operator+(DecibelMilliwatt p, Decibel g) {
        return DecibelMilliwatt(p.dbm_ + g.value());
    }
    friend constexpr DecibelMilliwatt operator+(Decibel g, DecibelMilliwatt p) { return p + g; }
    friend constexpr DecibelMilliwatt operator-(DecibelMilliwatt p, Decibel l) {
        return DecibelMilliwatt(p.dbm_ - l.value());
    }
    friend constexpr Decibel operator-(DecibelMilliwatt a, DecibelMilliwatt b) { return Decibel(a.dbm_ - b.dbm_); }
    // Two levels do not add in the log domain: convert with to_power() and add watts instead.
    friend DecibelMilliwatt operator+(DecibelMilliwatt, DecibelMilliwatt) = delete;
    friend constexpr auto operator<=>(DecibelMilliwatt, DecibelMilliwatt) = default;

private:
    double dbm_ = 0.0;
};

// Linear power -> dBm. Zero power maps to -infinity dBm.
inline DecibelMilliwatt to_dbm(Power p) { return DecibelMilliwatt(10.0 * std::log10(in_milliwatts(p))); }
// dBm -> linear power.
inline Power to_power(DecibelMilliwatt level) { return milliwatts(std::pow(10.0, level.value() / 10.0)); }

// Apply a loss (positive dB) or gain to a linear power.
inline Power attenuate(Power p, Decibel loss) { return p / loss.ratio(); }
inline Power amplify(Power p, Decibel gain) { return p * gain.ratio(); }

}  // namespace lightwatt
