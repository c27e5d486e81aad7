#include "lightwatt/study/monte_carlo.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "lightwatt/core/parallel_for.hpp"
#include "lightwatt/core/rng.hpp"

namespace lightwatt::study {

namespace {

using mapping::Spread;

// Draws per block: a thread's unit of work, with its own copy of the catalogs.
constexpr std::size_t kBlockDraws = 256;

RangedFigure system_figure(const mapping::SystemSpec& sys, RangedKind kind, const mapping::PowerRange& range,
                           const std::string& key) {
    return {"systems." + sys.name + "." + key,
            "W",
            kind,
            sys.name,
            in_watts(range[Spread::low]),
            in_watts(range[Spread::typical]),
            in_watts(range[Spread::high])};
}

// The links the options name, each once, in the order they are first named.
std::vector<std::string> links_used(const mapping::Scenario& s, const mapping::Catalogs& c) {
    std::vector<std::string> out;
    for (const auto& name : s.options) {
        const mapping::FabricOption& o = c.systems.options.at(name);
        for (const std::string* link : {&o.scale_up_link, &o.scale_out_link, &o.scale_out_nic_link, &o.photonic_link})
            if (!link->empty() && std::find(out.begin(), out.end(), *link) == out.end()) out.push_back(*link);
    }
    return out;
}

// What one block of draws changes: its own catalogs, and inputs pointing at them.
struct DrawWorkspace {
    mapping::Catalogs catalogs;
    mapping::EstimateInputs inputs;
};

Interval interval_of(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return {quantile_of_sorted(values, 0.5), quantile_of_sorted(values, 0.05), quantile_of_sorted(values, 0.95)};
}

}  // namespace

std::vector<RangedFigure> ranged_figures(const mapping::Scenario& s, const mapping::Catalogs& c) {
    const mapping::SystemSpec& sys = c.systems.systems.at(s.system);
    std::vector<RangedFigure> out{
        system_figure(sys, RangedKind::host_power_per_node, sys.host_power_per_node, "host_power_w_per_node"),
        system_figure(sys, RangedKind::scale_up_switch_power_per_gpu, sys.scale_up_switch_power_per_gpu,
                      "scale_up_switch_w_per_gpu")};
    for (const auto& name : links_used(s, c)) {
        const interconnect::LinkArchetype& a = c.links.find(name);
        if (!a.published_module_power_w) continue;
        const double modelled = in_watts(interconnect::evaluate(a).module_power);
        out.push_back({"links." + name + ".published.module_power_w", "W", RangedKind::module_power, name,
                       std::min(a.published_module_power_w->low, modelled), modelled,
                       std::max(a.published_module_power_w->high, modelled)});
    }
    return out;
}

void draw_figures(const std::vector<RangedFigure>& figures, std::uint64_t seed, std::size_t draw, double* out) {
    CounterRng rng(seed, draw);
    for (std::size_t f = 0; f < figures.size(); ++f)
        out[f] = triangular_quantile(figures[f].low, figures[f].typical, figures[f].high, rng.uniform());
}

void set_drawn_figure(mapping::Catalogs& catalogs, const mapping::Catalogs& base, const RangedFigure& f, double value) {
    if (f.kind == RangedKind::module_power) {
        // Both ends' modules at the drawn power instead of the modelled one, as the estimate's
        // low / high ends take the published ones (system_energy.hpp, link_cost).
        auto& cost = catalogs.link_costs.by_name.at(f.name)[Spread::typical];
        cost.static_power = base.link_costs.at(f.name, Spread::typical).static_power + 2.0 * watts(value - f.typical);
        return;
    }
    mapping::SystemSpec& sys = *catalogs.systems.systems.find_mutable(f.name);
    auto& range =
        f.kind == RangedKind::host_power_per_node ? sys.host_power_per_node : sys.scale_up_switch_power_per_gpu;
    range[Spread::typical] = watts(value);
}

double triangular_quantile(double low, double mode, double high, double u) {
    const double width = high - low;
    if (width <= 0.0) return mode;
    const double split = (mode - low) / width;  // the CDF at the mode
    if (u < split) return low + std::sqrt(u * width * (mode - low));
    return high - std::sqrt((1.0 - u) * width * (high - mode));
}

double quantile_of_sorted(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return 0.0;
    const double h = q * static_cast<double>(sorted.size() - 1);
    const auto i = static_cast<std::size_t>(std::floor(h));
    if (i + 1 >= sorted.size()) return sorted.back();
    return sorted[i] + (h - static_cast<double>(i)) * (sorted[i + 1] - sorted[i]);
}

MonteCarloResult monte_carlo(const mapping::Scenario& s, const mapping::EstimateInputs& inputs, std::size_t draws,
                             std::uint64_t seed, int threads) {
    if (draws < 1 || draws > kMaxMonteCarloDraws)
        throw InputError::at("--monte-carlo", std::to_string(draws), "not a draw count it takes",
                             "an integer from 1 to " + std::to_string(kMaxMonteCarloDraws));
    const mapping::Catalogs& base = *inputs.catalogs;
    MonteCarloResult r;
    r.draws = draws;
    r.seed = seed;
    r.figures = ranged_figures(s, base);
    const std::size_t nf = r.figures.size(), no = s.options.size();
    r.drawn.resize(draws * nf);
    std::vector<double> in_budget(draws * no);
    r.j_per_token.resize(draws * no);
    r.saving_vs_baseline_pct.resize(draws * no);
    const std::size_t blocks = (draws + kBlockDraws - 1) / kBlockDraws;
    parallel_for_blocks(blocks, threads, [&](std::size_t b) {
        DrawWorkspace w{base, inputs};
        w.inputs.catalogs = &w.catalogs;
        for (std::size_t d = b * kBlockDraws; d < std::min(draws, (b + 1) * kBlockDraws); ++d) {
            draw_figures(r.figures, seed, d, r.drawn.data() + d * nf);
            for (std::size_t f = 0; f < nf; ++f) set_drawn_figure(w.catalogs, base, r.figures[f], r.drawn[d * nf + f]);
            const mapping::Estimate e = mapping::estimate(s, w.inputs);
            for (std::size_t o = 0; o < no; ++o) {
                r.j_per_token[d * no + o] = in_joules(e.options[o].energy.total());
                r.saving_vs_baseline_pct[d * no + o] = e.options[o].saving_vs_baseline_pct;
                in_budget[d * no + o] = e.options[o].tokens_per_s_in_budget;
            }
        }
    });
    const auto reference = std::find_if(s.options.begin(), s.options.end(),
                                        [](const std::string& n) { return n.find("baseline") != std::string::npos; });
    for (std::size_t o = 0; o < no; ++o) {
        std::vector<double> jo(draws), so(draws), bo(draws);
        std::size_t beats = 0;
        for (std::size_t d = 0; d < draws; ++d) {
            jo[d] = r.j_per_token[d * no + o];
            so[d] = r.saving_vs_baseline_pct[d * no + o];
            bo[d] = in_budget[d * no + o];
            if (so[d] > 0.0) ++beats;
        }
        OptionUncertainty u{
            s.options[o],
            interval_of(jo),
            interval_of(so),
            interval_of(bo),
            static_cast<double>(beats) / static_cast<double>(draws),
            reference != s.options.end() && static_cast<std::size_t>(reference - s.options.begin()) == o};
        r.options.push_back(std::move(u));
    }
    return r;
}

}  // namespace lightwatt::study
