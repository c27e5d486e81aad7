#include "frontier_command.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

#include "frontier_chart.hpp"
#include "lightwatt/core/error.hpp"
#include "lightwatt/study/pareto.hpp"
#include "lightwatt/study/sweep_results.hpp"

namespace lightwatt::cli {

namespace {

using namespace lightwatt::study;

GroupBy by_flag(const std::string& by) {
    if (const auto b = enum_parse<GroupBy>(by)) return *b;
    throw InputError::unknown("--by", by, enum_names<GroupBy>(), "unknown grouping");
}

// A cell as JSON: a number where the text is one (an axis such as batch), the text otherwise.
nlohmann::ordered_json cell_json(const ResultColumn& c, std::size_t row) {
    if (c.numeric)
        return std::isnan(c.numbers[row]) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.numbers[row]);
    const std::string& text = c.texts[row];
    const char* end = text.data() + text.size();
    long long i = 0;
    if (auto [p, ec] = std::from_chars(text.data(), end, i); ec == std::errc() && p == end) return i;
    double d = 0.0;
    if (auto [p, ec] = std::from_chars(text.data(), end, d); ec == std::errc() && p == end) return d;
    return text;
}

// The columns shown of a frontier point: x, y, the axes and the option (unless it is the group).
std::vector<std::string> shown_columns(const SweepResults& r, const Frontier& f) {
    std::vector<std::string> out{f.x->key, f.y->key};
    for (const auto& a : r.axes)
        if (a != f.x->key && a != f.y->key) out.push_back(a);
    if (f.by != GroupBy::option) out.emplace_back("option");
    return out;
}

nlohmann::ordered_json frontier_json(const SweepResults& r, const Frontier& f) {
    auto key_json = [](const OutputKey& k) {
        return nlohmann::ordered_json{{"key", k.key}, {"unit", k.unit}, {"better", std::string(enum_name(k.better))}};
    };
    nlohmann::ordered_json j;
    j["x"] = key_json(*f.x);
    j["y"] = key_json(*f.y);
    j["by"] = std::string(enum_name(f.by));
    j["files"] = r.files;
    j["rows"] = r.rows;
    j["feasible_rows"] = f.feasible_rows;
    const auto columns = shown_columns(r, f);
    j["groups"] = nlohmann::ordered_json::array();
    for (const auto& g : f.groups) {
        nlohmann::ordered_json points = nlohmann::ordered_json::array();
        for (const std::size_t row : g.rows) {
            nlohmann::ordered_json p;
            for (const auto& c : columns) p[c] = cell_json(*r.column(c), row);
            points.push_back(std::move(p));
        }
        j["groups"].push_back({{"name", g.name}, {"points", std::move(points)}});
    }
    return j;
}

std::string cell_text(const ResultColumn& c, std::size_t row) {
    return c.numeric ? format_number(c.numbers[row]) : c.texts[row];
}

std::string frontier_text(const SweepResults& r, const Frontier& f) {
    std::ostringstream text;
    auto direction = [](const OutputKey& k) { return k.better == Better::more ? "more" : "less"; };
    text << "Pareto frontier per " << enum_name(f.by) << ": " << f.y->key << " (" << f.y->unit << ", "
         << direction(*f.y) << " is better) against " << f.x->key << " (" << f.x->unit << ", " << direction(*f.x)
         << " is better)\n"
         << f.feasible_rows << " feasible rows with both outputs, of " << r.rows << " rows in " << r.files.size()
         << (r.files.size() == 1 ? " file" : " files") << "\n";
    const auto columns = shown_columns(r, f);
    for (const auto& g : f.groups) {
        text << "\n"
             << enum_name(f.by) << " " << g.name << ": " << g.rows.size() << (g.rows.size() == 1 ? " point" : " points")
             << " on the frontier\n";
        TextTable t(columns, std::vector<bool>(columns.size(), true));
        for (const std::size_t row : g.rows) {
            std::vector<std::string> cells;
            for (const auto& c : columns) cells.push_back(cell_text(*r.column(c), row));
            t.add(std::move(cells));
        }
        text << t.render();
    }
    if (f.groups.empty()) text << "\nNo feasible row has both outputs: no frontier.\n";
    return text.str();
}

}  // namespace

void frontier(const FrontierOptions& o, const OutputOptions& out) {
    const GroupBy by = by_flag(o.by);
    std::vector<std::filesystem::path> paths(o.results.begin(), o.results.end());
    const SweepResults results = read_sweep_results(paths);
    const Frontier f = study::frontier(results, o.x, o.y, by);
    if (o.plot) out.outputs->stage(*o.plot, frontier_svg(results, f), "--plot");
    emit(out, out.json ? render_json(frontier_json(results, f)) : frontier_text(results, f));
}

}  // namespace lightwatt::cli
