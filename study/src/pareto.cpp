#include "lightwatt/study/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "lightwatt/core/error.hpp"

namespace lightwatt::study {

std::vector<std::size_t> pareto_front(std::span<const double> x, std::span<const double> y, Better x_better,
                                      Better y_better) {
    // Both outputs turned into "more is better"; then, by x descending (ties: y descending), a
    // point is on the frontier when its y beats every y before it, or ties the last kept point.
    const double sx = x_better == Better::more ? 1.0 : -1.0, sy = y_better == Better::more ? 1.0 : -1.0;
    std::vector<std::size_t> order;
    order.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!std::isnan(x[i]) && !std::isnan(y[i])) order.push_back(i);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (sx * x[a] != sx * x[b]) return sx * x[a] > sx * x[b];
        if (sy * y[a] != sy * y[b]) return sy * y[a] > sy * y[b];
        return a < b;
    });
    std::vector<std::size_t> front;
    double best_y = -std::numeric_limits<double>::infinity();
    for (const std::size_t i : order) {
        const bool ties_last = !front.empty() && x[i] == x[front.back()] && y[i] == y[front.back()];
        if (sy * y[i] <= best_y && !ties_last) continue;
        best_y = std::max(best_y, sy * y[i]);
        front.push_back(i);
    }
    std::sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
        return x[a] != x[b] ? x[a] < x[b] : (y[a] != y[b] ? y[a] < y[b] : a < b);
    });
    return front;
}

namespace {

const ResultColumn& numeric_column(const SweepResults& r, const OutputKey& k, const std::string& flag) {
    const ResultColumn* c = r.column(k.key);
    if (c == nullptr || !c->numeric)
        throw InputError::at(flag, k.key, "a column the results do not have (estimates before it was added?)",
                             "an output column of the rows read");
    return *c;
}

}  // namespace

Frontier frontier(const SweepResults& results, const std::string& x_key, const std::string& y_key, GroupBy by) {
    Frontier f;
    f.x = &output_key(x_key, "--x");
    f.y = &output_key(y_key, "--y");
    f.by = by;
    const ResultColumn& x = numeric_column(results, *f.x, "--x");
    const ResultColumn& y = numeric_column(results, *f.y, "--y");
    const char* group_column = by == GroupBy::option ? "option" : "system";
    const ResultColumn* group = results.column(group_column);
    if (group == nullptr || group->numeric)
        throw InputError::at("--by", group_column, "a column the results do not have",
                             by == GroupBy::system ? "option, or results of a sweep with an axis named system"
                                                   : "results of `lightwatt sweep`");
    // The rows of each group, groups in the order they first appear.
    std::map<std::string, std::size_t> group_index;
    std::vector<std::vector<std::size_t>> members;
    for (std::size_t r = 0; r < results.rows; ++r) {
        if (!results.feasible[r] || std::isnan(x.numbers[r]) || std::isnan(y.numbers[r])) continue;
        ++f.feasible_rows;
        const auto [it, added] = group_index.emplace(group->texts[r], members.size());
        if (added) {
            members.emplace_back();
            f.groups.push_back({group->texts[r], {}});
        }
        members[it->second].push_back(r);
    }
    std::vector<double> gx, gy;
    for (std::size_t g = 0; g < members.size(); ++g) {
        gx.clear();
        gy.clear();
        for (const std::size_t r : members[g]) {
            gx.push_back(x.numbers[r]);
            gy.push_back(y.numbers[r]);
        }
        for (const std::size_t i : pareto_front(gx, gy, f.x->better, f.y->better))
            f.groups[g].rows.push_back(members[g][i]);
    }
    return f;
}

}  // namespace lightwatt::study
