#include "lightwatt/core/closest_match.hpp"

#include <algorithm>
#include <numeric>

namespace lightwatt {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string closest_match(std::string_view given, const std::vector<std::string>& candidates) {
    const std::size_t limit = std::max<std::size_t>(2, given.size() / 3);
    std::string best;
    std::size_t best_distance = limit + 1;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(given, c);
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    if (!best.empty()) return best;
    // A key written without its unit suffix ("sensitivity" for "sensitivity_oma_dbm") or with an
    // extra one: one is a prefix of the other, at a word boundary.
    for (const auto& c : candidates) {
        const std::string_view shorter = c.size() < given.size() ? std::string_view(c) : given;
        const std::string_view longer = c.size() < given.size() ? given : std::string_view(c);
        if (shorter.size() >= 4 && longer.substr(0, shorter.size()) == shorter && longer[shorter.size()] == '_')
            return c;
    }
    return best;
}

std::string join_alternatives(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += (i + 1 == items.size()) ? " or " : ", ";
        out += items[i];
    }
    return out;
}

}  // namespace lightwatt
