#include "lightwatt/photonics/converter.hpp"

#include <algorithm>
#include <cmath>

#include "lightwatt/core/error.hpp"

namespace lightwatt::photonics {

namespace {

constexpr double kMaxEnob = 24.0;

void check_enob(double enob) {
    if (!std::isfinite(enob) || enob < 0.0 || enob > kMaxEnob)
        throw InputError::at("enob", format_number(enob), "effective number of bits out of range",
                             "a number in [0, " + format_number(kMaxEnob) + "]");
}

// Sample rates in GS/s for messages.
double in_gsps(Frequency f) { return in_gigahertz(f); }

std::string describe_band(const ConverterModel& m) {
    const double lo = in_gsps(m.min_sample_rate);
    const double hi = in_gsps(m.max_sample_rate);
    if (!std::isfinite(hi)) return m.name + " (>= " + format_number(lo) + " GS/s)";
    return m.name + " (" + format_number(lo) + "-" + format_number(hi) + " GS/s)";
}

// Reads one entry in either of its two forms (see converter.hpp).
ConverterModel read_converter(TableReader& r) {
    ConverterModel m;
    const bool point_form = r.contains("energy_per_conversion_pj") || r.contains("resolution_bits");
    if (point_form) {
        for (const char* other : {"walden_fom_fj_per_step", "schreier_fom_db", "floor_pj"})
            if (r.contains(other))
                throw r.error(other, r.value_text(other),
                              "mixes the published-point form (energy_per_conversion_pj, resolution_bits) with the "
                              "figure-of-merit form",
                              "either energy_per_conversion_pj with resolution_bits, or walden_fom_fj_per_step "
                              "with floor_pj (and optionally schreier_fom_db)");
        const double energy_pj = r.number("energy_per_conversion_pj", Range::positive());
        const long long bits = r.integer("resolution_bits", 1, static_cast<long long>(kMaxEnob));
        m.floor_energy = picojoules(energy_pj);
        m.walden_fom_j_per_step = in_joules(m.floor_energy) / std::exp2(static_cast<double>(bits));
    } else {
        m.walden_fom_j_per_step = r.number("walden_fom_fj_per_step", Range::positive()) * 1e-15;  // fJ -> J
        // The best published designs reach about 186 dB; 250 dB bounds any plausible value.
        m.schreier_fom_db = r.optional_number("schreier_fom_db", Range{0.0, 250.0, false, true}).value_or(kInf);
        m.floor_energy = picojoules(r.number("floor_pj", Range::positive()));
    }
    m.min_sample_rate = gigahertz(r.optional_number("min_sample_rate_gsps", Range::non_negative()).value_or(0.0));
    const auto max_gsps = r.optional_number("max_sample_rate_gsps", Range::positive());
    if (max_gsps) {
        m.max_sample_rate = gigahertz(*max_gsps);
        if (m.max_sample_rate < m.min_sample_rate)
            throw r.error(
                "max_sample_rate_gsps", r.value_text("max_sample_rate_gsps"),
                "band ends below its start (min_sample_rate_gsps = " + format_number(in_gsps(m.min_sample_rate)) + ")",
                "a rate >= min_sample_rate_gsps");
    }
    return m;
}

std::vector<std::string> read_candidates(TableReader& spread, const std::string& key,
                                         const NamedCatalog<ConverterModel>& entries) {
    const std::string& section = entries.section();
    auto names = spread.optional_string_list(key);
    if (!names)
        throw spread.error(key, "", "required key is missing",
                           "the name of an entry of [" + std::string(section) + "], or a list of names");
    if (names->empty())
        throw spread.error(key, "[]", "empty list", "at least one entry of [" + std::string(section) + "]");
    for (const auto& n : *names) (void)entries.at(n, spread, key);
    return *names;
}

ConverterSpread read_spread(TableReader& spread, std::string_view prefix, const NamedCatalog<ConverterModel>& entries) {
    ConverterSpread s;
    const std::string p(prefix);
    s.low = read_candidates(spread, p + "_low", entries);
    s.typical = read_candidates(spread, p + "_typical", entries);
    s.high = read_candidates(spread, p + "_high", entries);
    return s;
}

}  // namespace

double sndr_db_from_enob(double enob) { return 6.02 * enob + 1.76; }
double enob_from_sndr_db(double sndr_db) { return (sndr_db - 1.76) / 6.02; }

Energy walden_energy(const ConverterModel& m, double enob) {
    check_enob(enob);
    return joules(m.walden_fom_j_per_step * std::exp2(enob));
}

Energy schreier_energy(const ConverterModel& m, double enob) {
    check_enob(enob);
    // FOM_S = SNDR + 10 log10((f_s/2)/P)  =>  P/f_s = 1 / (2 10^((FOM_S - SNDR)/10)) J.
    // FOM_S = +inf (no thermal-noise term) gives 10^(-inf) = 0.
    return joules(0.5 * std::pow(10.0, -(m.schreier_fom_db - sndr_db_from_enob(enob)) / 10.0));
}

Energy energy_per_conversion(const ConverterModel& m, double enob) {
    return std::max({m.floor_energy, walden_energy(m, enob), schreier_energy(m, enob)});
}

ConverterLimit converter_limit(const ConverterModel& m, double enob) {
    const Energy w = walden_energy(m, enob);
    const Energy s = schreier_energy(m, enob);
    if (m.floor_energy >= w && m.floor_energy >= s) return ConverterLimit::floor;
    return s > w ? ConverterLimit::schreier : ConverterLimit::walden;
}

Power converter_power(const ConverterModel& m, double enob, Frequency sample_rate) {
    return energy_per_conversion(m, enob) * sample_rate;
}

bool covers(const ConverterModel& m, Frequency sample_rate) {
    return sample_rate >= m.min_sample_rate && sample_rate <= m.max_sample_rate;
}

const std::vector<std::string>& ConverterSpread::at(SpreadPoint p) const {
    switch (p) {
        case SpreadPoint::low: return low;
        case SpreadPoint::high: return high;
        case SpreadPoint::typical: break;
    }
    return typical;
}

ConverterCatalog read_converter_catalog(TableReader root) {
    ConverterCatalog c;
    c.adcs = read_named_entries(root, "adcs", read_converter);
    c.dacs = read_named_entries(root, "dacs", read_converter);
    if (auto spread = root.optional_table("spread")) {
        (void)spread->optional_string("description");
        c.adc_spread = read_spread(*spread, "adc", c.adcs);
        c.dac_spread = read_spread(*spread, "dac", c.dacs);
        spread->finish();
    }
    root.finish();
    return c;
}

ConverterCatalog load_converter_catalog(const std::filesystem::path& data_dir) {
    const auto doc = TomlDocument::parse_file(data_dir / "converters.toml");
    return read_converter_catalog(doc.root());
}

const ConverterModel& select_converter(const ConverterCatalog& c, ConverterKind kind, SpreadPoint point,
                                       Frequency sample_rate) {
    const auto& entries = kind == ConverterKind::adc ? c.adcs : c.dacs;
    const auto& candidates = (kind == ConverterKind::adc ? c.adc_spread : c.dac_spread).at(point);
    const std::string key = std::string(enum_name(kind)) + "_" + std::string(enum_name(point));
    const std::string rate = format_number(in_gsps(sample_rate)) + " GS/s";
    if (candidates.empty())
        throw InputError::at("sample_rate", rate, "the converter catalog has no [spread] " + key,
                             "a catalog with [spread] " + key);
    std::string bands;
    for (const auto& name : candidates) {
        const ConverterModel* model = entries.find(name);
        if (model == nullptr) continue;  // read_converter_catalog rejects these; a hand-built catalog may not
        if (covers(*model, sample_rate)) return *model;
        bands += (bands.empty() ? "" : ", ") + describe_band(*model);
    }
    throw InputError::at("sample_rate", rate, "no " + key + " converter covers this sample rate",
                         "a rate inside one of " + (bands.empty() ? std::string("(no entries)") : bands));
}

ConverterEnergySpread energy_spread(const ConverterCatalog& c, ConverterKind kind, double enob, Frequency sample_rate) {
    check_enob(enob);
    const ConverterModel& low = select_converter(c, kind, SpreadPoint::low, sample_rate);
    const ConverterModel& typical = select_converter(c, kind, SpreadPoint::typical, sample_rate);
    const ConverterModel& high = select_converter(c, kind, SpreadPoint::high, sample_rate);
    ConverterEnergySpread s;
    s.low = energy_per_conversion(low, enob);
    s.typical = std::max(s.low, energy_per_conversion(typical, enob));
    s.high = std::max(s.typical, energy_per_conversion(high, enob));
    s.low_name = low.name;
    s.typical_name = typical.name;
    s.high_name = high.name;
    return s;
}

}  // namespace lightwatt::photonics
