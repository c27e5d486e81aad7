#include "lightwatt/study/uncertainty_json.hpp"

namespace lightwatt::study {

namespace {

void put_interval(nlohmann::json& j, const std::string& key, const Interval& i) {
    j[key + "_median"] = i.median;
    j[key + "_p05"] = i.p05;
    j[key + "_p95"] = i.p95;
}

}  // namespace

std::vector<Sensitivity> saving_sensitivities(const MonteCarloResult& r) {
    std::vector<Sensitivity> out;
    const std::size_t no = r.options.size();
    std::vector<double> y(r.draws);
    for (std::size_t o = 0; o < no; ++o) {
        for (std::size_t d = 0; d < r.draws; ++d) y[d] = r.saving_vs_baseline_pct[d * no + o];
        out.push_back(standardised_regression(r.drawn, r.figures.size(), y));
    }
    return out;
}

nlohmann::json monte_carlo_json(const std::string& scenario_file, const MonteCarloResult& r,
                                const std::vector<Sensitivity>& sensitivity) {
    nlohmann::json j;
    j["scenario"] = scenario_file;
    j["draws"] = r.draws;
    j["seed"] = r.seed;
    j["distribution"] =
        "triangular on low, typical, high; figures independent; one draw per figure shared by "
        "every option";
    j["sensitivity_method"] = "standardised regression coefficients of each option's saving_vs_baseline_pct";
    j["figures"] = nlohmann::json::array();
    for (const auto& f : r.figures)
        j["figures"].push_back({{"path", f.path}, {"low_w", f.low}, {"typical_w", f.typical}, {"high_w", f.high}});
    j["options"] = nlohmann::json::array();
    for (std::size_t o = 0; o < r.options.size(); ++o) {
        const auto& u = r.options[o];
        nlohmann::json x;
        x["option"] = u.option;
        x["reference"] = u.reference;
        put_interval(x, "j_per_token", u.j_per_token);
        put_interval(x, "saving_vs_baseline_pct", u.saving_vs_baseline_pct);
        put_interval(x, "tokens_per_s_in_budget", u.tokens_per_s_in_budget);
        x["probability_beats_baseline"] =
            u.reference ? nlohmann::json(nullptr) : nlohmann::json(u.probability_beats_baseline);
        nlohmann::json src = nlohmann::json::object();
        for (std::size_t f = 0; f < r.figures.size(); ++f) src[r.figures[f].path] = sensitivity[o].src[f];
        x["saving_sensitivity"] = {{"r_squared", sensitivity[o].r_squared}, {"src", src}};
        j["options"].push_back(x);
    }
    return j;
}

nlohmann::json saving_answer_json(const mapping::CatalogFigure& f, const SavingQuestion& q, const SavingAnswer& a) {
    nlohmann::json j;
    j["parameter"] = f.path;
    j["defined_at"] = f.at.file + ":" + std::to_string(f.at.line);
    j["catalog_value"] = f.value;
    j["option"] = q.option;
    j["versus"] = q.versus;
    j["target_saving_pct"] = q.saving_pct;
    j["range"] = {{"low", a.low}, {"high", a.high}, {"from", enum_name(a.range_from)}};
    j["saving_pct_at_low"] = a.saving_pct_at_low;
    j["saving_pct_at_high"] = a.saving_pct_at_high;
    j["found"] = a.value.has_value();
    j["value"] = a.value ? nlohmann::json(*a.value) : nlohmann::json(nullptr);
    j["saving_pct_at_value"] = a.value ? nlohmann::json(a.saving_pct_at_value) : nlohmann::json(nullptr);
    j["bracket_width"] = a.tolerance;
    j["estimates"] = a.estimates;
    return j;
}

}  // namespace lightwatt::study
