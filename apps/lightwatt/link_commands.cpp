#include "link_commands.hpp"

#include <cmath>

#include "lightwatt/interconnect/budget_file.hpp"
#include "lightwatt/interconnect/link_catalog.hpp"
#include "lightwatt/interconnect/link_json.hpp"

namespace lightwatt::cli {

using namespace lightwatt::interconnect;

namespace {

// One letter per component for the stacked bars of `compare`.
constexpr auto kComponentGlyph = make_enum_array<Component>({'H', 'D', 'V', 'M', 'T', 'L', 'U', 'K', 'C'});

std::string published_cell(const LinkReport& r) {
    const auto& p = r.archetype->published_module_power_w;
    if (!p) return "-";
    const PublishedCheck check{in_watts(r.module_power), p->low, p->high};
    return fixed(p->low, 1) + "-" + fixed(p->high, 1) + (check.within_widened_range() ? " ok" : " OUTSIDE");
}

std::string margin_cell(const LinkReport& r) {
    if (!r.optical) return "-";
    if (!r.optical->sensitivity.oma) return "no closure";
    return fixed(r.optical->budget.margin().value(), 2);
}

std::string stacked_bars(const std::vector<LinkReport>& reports) {
    double largest = 0.0;
    std::size_t name_width = 0;
    for (const auto& r : reports) {
        largest = std::max(largest, in_picojoules_per_bit(r.energy_per_bit));
        name_width = std::max(name_width, r.archetype->name.size());
    }
    const int columns = 50;
    std::string out = "\npJ/bit by component (each character ~ " + fixed(largest / columns, 2) + " pJ/bit)\n";
    for (const auto& r : reports) {
        std::string bar;
        double carried = 0.0;  // rounding carried across components keeps the bar's total length honest
        for (const Component c : enum_values<Component>()) {
            const double share = in_picojoules_per_bit(r.component_energy_per_bit(c)) / largest * columns + carried;
            const int n = static_cast<int>(std::floor(share + 1e-9));
            carried = share - n;
            bar += std::string(static_cast<std::size_t>(std::max(0, n)), kComponentGlyph[c]);
        }
        out += r.archetype->name + std::string(name_width - r.archetype->name.size(), ' ') + "  " + bar + " " +
               fixed(in_picojoules_per_bit(r.energy_per_bit), 2) + "\n";
    }
    out += "legend:";
    for (const Component c : enum_values<Component>())
        out += std::string(" ") + kComponentGlyph[c] + "=" + std::string(enum_name(c));
    return out + "\n";
}

std::string show_text(const LinkReport& r, const LinkCatalog& catalog) {
    const LinkArchetype& a = *r.archetype;
    std::string out = a.name + " (" + std::string(enum_name(a.kind)) + "): " + a.description + "\n\n";
    out += "lanes per direction     " + std::to_string(a.lanes) + " x " + fixed(in_gigabaud(a.symbol_rate), 3) +
           " GBd " + std::string(enum_name(a.modulation)) + ", FEC " + a.fec.name + "\n";
    out += "line rate               " + fixed(in_gigabits_per_second(r.line_rate), 1) + " Gb/s per direction\n";
    out += "payload rate            " + fixed(in_gigabits_per_second(r.payload_rate), 1) + " Gb/s per direction\n";
    out += "module power            " + fixed(in_watts(r.module_power), 2) + " W per end\n";
    out += "link power              " + fixed(in_watts(r.link_power), 2) + " W both ends, full load\n";
    out += "static power            " + fixed(in_watts(r.static_power), 2) + " W both ends, no traffic\n";
    out += "energy per bit          " + fixed(in_picojoules_per_bit(r.energy_per_bit), 2) + " pJ/bit\n\n";
    TextTable t({"component", "W per end", "pJ/bit", "share %"}, {false, true, true, true});
    for (const Component c : enum_values<Component>()) {
        if (r.end_power[c].value() == 0.0) continue;
        t.add({std::string(enum_name(c)), fixed(in_watts(r.end_power[c]), 3),
               fixed(in_picojoules_per_bit(r.component_energy_per_bit(c)), 3),
               fixed(100.0 * (r.end_power[c] / (r.link_power / 2.0)).value(), 1)});
    }
    out += t.render();
    if (r.optical) {
        const auto& o = *r.optical;
        const auto& b = o.budget;
        out += "\noptical budget per lane (OMA)\n";
        out += "  transmit OMA          " + fixed(b.tx_oma.value(), 2) + " dBm (average " +
               fixed(o.tx_average_power.value(), 2) + " dBm, ER " + fixed(o.extinction_ratio.value(), 2) + " dB)\n";
        out += "  channel loss          " + fixed(b.channel_loss.value(), 2) + " dB\n";
        out += "  penalties             " + fixed(b.penalties.value(), 2) + " dB\n";
        if (o.sensitivity.oma) {
            out += "  rx sensitivity        " + fixed(o.sensitivity.oma->value(), 2) + " dBm (noise-limited " +
                   fixed(o.sensitivity.ideal_oma->value(), 2) + " dBm + implementation penalty " +
                   fixed(o.sensitivity.implementation_penalty.value(), 2) + " dB)\n";
            out += "  margin                " + fixed(b.margin().value(), 2) + " dB" +
                   (b.margin().value() < 0.0 ? "  << NEGATIVE: the link does not close" : "") + "\n";
            out += "  max reach             " +
                   (o.max_reach ? fixed(in_meters(*o.max_reach), 0) + " m at zero margin" : std::string("n/a")) + "\n";
        } else {
            out += "  rx sensitivity        none: RIN error floor above the target BER\n";
        }
        out += "  laser                 " + std::to_string(o.lasers_per_end) + " per end, " +
               fixed(in_milliwatts(o.laser_output), 1) + " mW each (rating " +
               fixed(in_milliwatts(o.laser_max_output), 0) + " mW" + (o.laser_within_rating ? ")" : ", EXCEEDED)") +
               "\n";
    }
    if (a.published_module_power_w) {
        const auto& p = *a.published_module_power_w;
        const PublishedCheck check{in_watts(r.module_power), p.low, p.high};
        out += "\npublished module power  " + fixed(p.low, 1) + "-" + fixed(p.high, 1) + " W: model " +
               (check.within_widened_range() ? "within" : "OUTSIDE") + " the range widened by " +
               fixed(kPublishedRangeTolerance * 100.0, 0) + " %\n  source: " + p.source + "\n";
    }
    out += "\nsources\n";
    for (const auto& [key, source] : catalog.sources_of(a)) out += "  " + key + ": " + source + "\n";
    return out;
}

// The link NAME; the catalog's error about its `name` is about the command's NAME argument.
const LinkArchetype& find_link(const LinkCatalog& catalog, const std::string& name) {
    try {
        return catalog.find(name);
    } catch (const InputError& e) {
        throw rename_key(e, "name", "NAME");
    }
}

}  // namespace

void link_list(const std::filesystem::path& data_dir, const OutputOptions& out) {
    const auto catalog = load_link_catalog(data_dir);
    if (out.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& a : catalog.links()) j.push_back(link_summary_json(a));
        emit(out, render_json(j));
        return;
    }
    TextTable t({"name", "kind", "description"}, {});
    for (const auto& a : catalog.links()) t.add({a.name, std::string(enum_name(a.kind)), a.description});
    emit(out, t.render());
}

void link_show(const std::filesystem::path& data_dir, const std::string& name, const OutputOptions& out) {
    const auto catalog = load_link_catalog(data_dir);
    const auto report = evaluate(find_link(catalog, name));
    emit(out, out.json ? render_json(link_report_json(report, catalog)) : show_text(report, catalog));
}

void link_compare(const std::filesystem::path& data_dir, const std::vector<std::string>& names,
                  const OutputOptions& out) {
    const auto catalog = load_link_catalog(data_dir);
    std::vector<LinkReport> reports;
    if (names.empty()) {
        for (const auto& a : catalog.links()) reports.push_back(evaluate(a));
    } else {
        for (const auto& n : names) reports.push_back(evaluate(find_link(catalog, n)));
    }
    if (out.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& r : reports) j.push_back(link_report_json(r, catalog));
        emit(out, render_json(j));
        return;
    }
    TextTable t({"name", "kind", "payload Gb/s", "module W", "static W", "pJ/bit", "margin dB", "published W"},
                {false, false, true, true, true, true, true, false});
    for (const auto& r : reports) {
        t.add({r.archetype->name, std::string(enum_name(r.archetype->kind)),
               fixed(in_gigabits_per_second(r.payload_rate), 0), fixed(in_watts(r.module_power), 2),
               fixed(in_watts(r.static_power), 2), fixed(in_picojoules_per_bit(r.energy_per_bit), 2), margin_cell(r),
               published_cell(r)});
    }
    emit(out,
         t.render() + stacked_bars(reports) +
             "\nmodule W: one end; static W: both ends with no traffic; pJ/bit: both ends' power over both "
             "directions' payload.\npublished W: the catalog's published range; 'ok' = model within it widened by " +
             fixed(kPublishedRangeTolerance * 100.0, 0) + " %.\n");
}

void link_budget(const std::filesystem::path& data_dir, const std::filesystem::path& file, const OutputOptions& out) {
    const auto catalog = load_link_catalog(data_dir);
    const auto study = load_budget_study(file, catalog);
    const nlohmann::json j = budget_study_json(study);
    check_finite_result(j, file.string());
    if (out.json) {
        emit(out, render_json(j));
        return;
    }
    const auto& b = study.budget;
    std::string text = "link budget: " + study.file + (study.link ? " (from link " + *study.link + ")" : "") + "\n\n";
    TextTable t({"item", "value", "unit"}, {false, true, false});
    t.add({"transmit OMA", fixed(b.tx_oma.value(), 2), "dBm"});
    t.add({"channel loss", fixed(b.channel_loss.value(), 2), "dB"});
    t.add({"penalties", fixed(b.penalties.value(), 2), "dB"});
    t.add({"received OMA", fixed(b.received_oma().value(), 2), "dBm"});
    t.add({"receiver sensitivity (OMA)", fixed(b.rx_sensitivity_oma.value(), 2), "dBm"});
    t.add({"power budget", fixed(b.power_budget().value(), 2), "dB"});
    t.add({"margin", fixed(b.margin().value(), 2), "dB"});
    text += t.render();
    text += b.margin().value() >= 0.0 ? "the link closes\n" : "NEGATIVE MARGIN: the link does not close\n";
    text += "\nat a target margin of " + fixed(study.target_margin.value(), 2) + " dB:\n";
    text += "  transmit OMA needed     " + fixed(study.required_tx_oma.value(), 2) + " dBm\n";
    text += "  largest channel loss    " + fixed(study.max_channel_loss.value(), 2) + " dB\n";
    if (study.max_reach) text += "  longest reach           " + fixed(in_meters(*study.max_reach), 0) + " m\n";
    if (study.reach_limited_by_fixed_losses)
        text += "  longest reach           none: fixed losses alone exceed the allowed loss\n";
    if (study.required_laser_output)
        text += "  laser output needed     " + fixed(in_milliwatts(*study.required_laser_output), 2) +
                " mW per laser (" + fixed(in_watts(*study.required_laser_electrical), 3) + " W electrical)\n";
    emit(out, text);
}

}  // namespace lightwatt::cli
