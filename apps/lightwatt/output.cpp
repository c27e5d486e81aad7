#include "output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "lightwatt/core/error.hpp"
#include "lightwatt/core/untrusted_input.hpp"

namespace lightwatt::cli {

void emit(const OutputOptions& o, const std::string& text) {
    const std::string safe = o.json ? text : escape_text(text, true);
    if (o.output_file.empty())
        o.outputs->stage_stdout(safe);
    else
        o.outputs->stage(o.output_file, safe, "-o");
}

namespace {

// The first non-finite number under `j`, as a key path; empty when there is none.
std::string first_non_finite(const nlohmann::json& j, const std::string& path) {
    if (j.is_number_float()) return std::isfinite(j.get<double>()) ? std::string() : path;
    if (j.is_object()) {
        for (const auto& item : j.items()) {
            std::string found = first_non_finite(item.value(), path.empty() ? item.key() : path + "." + item.key());
            if (!found.empty()) return found;
        }
    }
    if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i) {
            std::string found = first_non_finite(j[i], path + "[" + std::to_string(i) + "]");
            if (!found.empty()) return found;
        }
    }
    return {};
}

}  // namespace

void check_finite_result(const nlohmann::json& result, const std::string& file) {
    const std::string key = first_non_finite(result, "");
    if (key.empty()) return;
    throw InputError({file, 0, key, "not a finite number", "the inputs give a result outside any physical range",
                      "inputs that together describe a realisable system (see the file's documented ranges)"});
}

std::string render_json(const nlohmann::json& j) { return j.dump(2) + "\n"; }

std::string fixed(double v, int decimals) {
    if (!std::isfinite(v)) return "n/a";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

std::string fixed(const std::optional<double>& v, int decimals) { return v ? fixed(*v, decimals) : "n/a"; }

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> right_aligned)
    : header_(std::move(header)), right_(std::move(right_aligned)) {
    right_.resize(header_.size(), false);
}

void TextTable::add(std::vector<std::string> row) {
    row.resize(header_.size());
    for (auto& cell : row) cell = escape_text(cell);  // a newline or escape in a name must not break the table
    rows_.push_back(std::move(row));
}

std::string TextTable::render() const {
    std::vector<std::size_t> width(header_.size());
    for (std::size_t c = 0; c < header_.size(); ++c) {
        width[c] = header_[c].size();
        for (const auto& r : rows_) width[c] = std::max(width[c], r[c].size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::string pad(width[c] - cells[c].size(), ' ');
            out += right_[c] ? pad + cells[c] : cells[c] + pad;
            if (c + 1 < cells.size()) out += "  ";
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return out + "\n";
    };
    std::string out = line(header_);
    std::size_t total = 0;
    for (auto w : width) total += w + 2;
    out += std::string(total - 2, '-') + "\n";
    for (const auto& r : rows_) out += line(r);
    return out;
}

}  // namespace lightwatt::cli
