#include "solve_command.hpp"

#include <sstream>

#include "lightwatt/study/saving_solve.hpp"
#include "lightwatt/study/uncertainty_json.hpp"

namespace lightwatt::cli {

namespace {

using namespace lightwatt::mapping;

std::string range_text(const study::SavingAnswer& a) {
    switch (a.range_from) {
        case study::SearchRange::given: return "the range given";
        case study::SearchRange::published: return "the catalog's published low-high";
        case study::SearchRange::factor_of_2:
            return "a factor of 2 around the catalog's value, within what the catalog accepts";
    }
    return "";
}

std::string answer_text(const CatalogFigure& f, const SolveOptions& o, const study::SavingAnswer& a) {
    std::ostringstream out;
    out << "Parameter: " << f.path << " (" << f.at.file << ":" << f.at.line << "), " << format_number(f.value)
        << " in the catalog\n";
    out << "Question:  the value at which " << o.option << " saves " << format_number(o.saving_pct)
        << " % of J/token over " << o.versus << "\n";
    out << "Searched:  " << format_number(a.low) << " to " << format_number(a.high) << " (" << range_text(a)
        << "): the saving is " << fixed(a.saving_pct_at_low, 3) << " % at " << format_number(a.low) << " and "
        << fixed(a.saving_pct_at_high, 3) << " % at " << format_number(a.high) << "\n";
    if (!a.value) {
        out << "Answer:    no value in the range gives a " << format_number(o.saving_pct) << " % saving ("
            << a.estimates << " estimates on a grid of the range); try another --range\n";
        return out.str();
    }
    out << "Answer:    " << format_number(*a.value) << " (saving " << fixed(a.saving_pct_at_value, 4)
        << " %), bracketed and bisected to a bracket " << format_number(a.tolerance) << " wide in " << a.estimates
        << " estimates\n";
    return out.str();
}

}  // namespace

void solve(const std::filesystem::path& data_dir, const SolveOptions& o, const OutputOptions& out) {
    if (!o.range.empty() && o.range.size() != 2)
        throw InputError::at("--range", std::to_string(o.range.size()) + " numbers", "not a range", "LO,HI");
    const CatalogFiles files = parse_catalog_files(data_dir);
    const Catalogs catalogs = read_catalogs(files);
    const CatalogFigure figure = find_catalog_figure(files, o.parameter, {"", 0, "--parameter"});
    const std::filesystem::path file =
        o.file ? std::filesystem::path(*o.file) : data_dir / "scenarios" / "default.toml";
    const Scenario s = load_scenario(file, catalogs);
    const EstimateInputs inputs = load_estimate_inputs(s, catalogs, data_dir, std::nullopt, false);
    study::SavingQuestion q{o.option, o.versus, o.saving_pct, std::nullopt};
    if (o.range.size() == 2) q.range = std::pair{o.range[0], o.range[1]};
    const study::SavingAnswer a = study::solve_saving({&s, &catalogs, &files, &inputs, data_dir}, figure, q);
    const nlohmann::json j = study::saving_answer_json(figure, q, a);
    check_finite_result(j, file.string());
    emit(out, out.json ? render_json(j) : answer_text(figure, o, a));
}

}  // namespace lightwatt::cli
