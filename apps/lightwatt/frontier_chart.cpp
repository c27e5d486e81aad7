#include "frontier_chart.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "lightwatt/core/error.hpp"
#include "lightwatt/core/untrusted_input.hpp"
#include "svg.hpp"

namespace lightwatt::cli {

namespace {

using namespace lightwatt::study;

struct Range {
    double lo = 0.0, hi = 0.0;
};

// The frontier points' span of one output, widened by 5 % each side (a single value by 10 % of
// itself, or 1 at zero) so no marker sits on the frame.
Range padded_range(const std::vector<double>& values) {
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    Range r{*lo, *hi};
    const double pad = r.hi > r.lo ? 0.05 * (r.hi - r.lo) : std::max(0.1 * std::abs(r.lo), 1.0);
    return {r.lo - pad, r.hi + pad};
}

// Tick values at 1, 2 or 5 times a power of ten, about five over the range (Heckbert, "Nice
// numbers for graph labels", Graphics Gems, 1990).
std::vector<double> ticks(const Range& r) {
    const double raw = (r.hi - r.lo) / 5.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / magnitude;
    const double step = (norm < 1.5 ? 1.0 : norm < 3.0 ? 2.0 : norm < 7.0 ? 5.0 : 10.0) * magnitude;
    std::vector<double> out;
    // + 0.0 turns a -0 (the tick at zero of a range from below it) into 0.
    for (double k = std::ceil(r.lo / step); k * step <= r.hi; k += 1.0) out.push_back(k * step + 0.0);
    return out;
}

std::string axis_text(const OutputKey& k) {
    return axis_title(k) + ", " + (k.better == Better::more ? "more" : "less") + " is better";
}

// A frontier point's tooltip: its design point (the axes) and option.
std::string point_title(const SweepResults& r, std::size_t row) {
    std::string out;
    for (const std::string& axis : r.axes) {
        const ResultColumn* c = r.column(axis);
        out += (out.empty() ? "" : ", ") + axis + " " + (c->numeric ? format_number(c->numbers[row]) : c->texts[row]);
    }
    if (const ResultColumn* option = r.column("option"))
        out += (out.empty() ? "" : ", ") + std::string("option ") + option->texts[row];
    return out;
}

}  // namespace

std::string frontier_svg(const SweepResults& r, const Frontier& f) {
    if (f.groups.size() > kSeriesColours.size())
        throw InputError::at("--plot", std::to_string(f.groups.size()) + " groups",
                             "more curves than colours that tell apart",
                             "at most " + std::to_string(kSeriesColours.size()) + " options or systems in the results");
    const auto& xs = r.column(f.x->key)->numbers;
    const auto& ys = r.column(f.y->key)->numbers;
    std::vector<double> fx, fy;
    for (const auto& g : f.groups)
        for (const std::size_t row : g.rows) {
            fx.push_back(xs[row]);
            fy.push_back(ys[row]);
        }
    const std::string title =
        "Pareto frontier per " + std::string(enum_name(f.by)) + ": " + f.y->unit + " against " + f.x->unit;
    const std::string x_title = axis_text(*f.x), y_title = axis_text(*f.y);
    const Range xr = fx.empty() ? Range{0.0, 1.0} : padded_range(fx);
    const Range yr = fy.empty() ? Range{0.0, 1.0} : padded_range(fy);
    const std::vector<double> x_ticks = ticks(xr), y_ticks = ticks(yr);
    double y_label_width = 0.0, x_label_half = 0.0, legend_width = 0.0;
    for (const double v : y_ticks) y_label_width = std::max(y_label_width, text_width(format_number(v), kFont));
    for (const double v : x_ticks) x_label_half = std::max(x_label_half, text_width(format_number(v), kFont) / 2);
    for (const auto& g : f.groups) legend_width = std::max(legend_width, text_width(escape_text(g.name), kFont));
    const double plot_w = std::max(560.0, text_width(x_title, kFont) + 20);
    const double plot_h = std::max(360.0, text_width(y_title, kFont) + 20);
    const double x0 = 34 + y_label_width + 8, top = 50, legend_x = x0 + plot_w + 20;
    const double width = std::max(
        {legend_x + 30 + legend_width + 10, x0 + plot_w + x_label_half + 10, 20 + text_width(title, kTitleFont)});
    const double height = top + plot_h + 50;
    const auto px = [&](double v) { return x0 + (v - xr.lo) / (xr.hi - xr.lo) * plot_w; };
    const auto py = [&](double v) { return top + plot_h - (v - yr.lo) / (yr.hi - yr.lo) * plot_h; };

    std::ostringstream svg;
    svg << svg_open(width, height, kFont);
    svg << "<text x=\"10\" y=\"22\" font-size=\"" << kTitleFont << "\">" << svg_text(title) << "</text>\n";
    svg << "<text x=\"10\" y=\"40\">" << f.feasible_rows << " feasible rows of " << r.rows
        << "; each curve: the points no other point of its " << enum_name(f.by) << " beats on both axes</text>\n";
    for (const double v : x_ticks)
        svg << "<line x1=\"" << px(v) << "\" y1=\"" << top << "\" x2=\"" << px(v) << "\" y2=\"" << top + plot_h
            << "\" stroke=\"#e0e0e0\"/><text x=\"" << px(v) << "\" y=\"" << top + plot_h + 16
            << "\" text-anchor=\"middle\">" << format_number(v) << "</text>\n";
    for (const double v : y_ticks)
        svg << "<line x1=\"" << x0 << "\" y1=\"" << py(v) << "\" x2=\"" << x0 + plot_w << "\" y2=\"" << py(v)
            << "\" stroke=\"#e0e0e0\"/><text x=\"" << x0 - 6 << "\" y=\"" << py(v) + 4 << "\" text-anchor=\"end\">"
            << format_number(v) << "</text>\n";
    svg << "<rect x=\"" << x0 << "\" y=\"" << top << "\" width=\"" << plot_w << "\" height=\"" << plot_h
        << "\" fill=\"none\" stroke=\"#333\"/>\n";
    svg << "<text x=\"" << x0 + plot_w / 2 << "\" y=\"" << top + plot_h + 38 << "\" text-anchor=\"middle\">"
        << svg_text(x_title) << "</text>\n";
    svg << "<text transform=\"translate(24 " << top + plot_h / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
        << svg_text(y_title) << "</text>\n";
    for (std::size_t g = 0; g < f.groups.size(); ++g) {
        const char* colour = curve_colour(g);
        svg << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\" points=\"";
        for (const std::size_t row : f.groups[g].rows) svg << px(xs[row]) << "," << py(ys[row]) << " ";
        svg << "\"/>\n";
        for (const std::size_t row : f.groups[g].rows)
            svg << "<circle cx=\"" << px(xs[row]) << "\" cy=\"" << py(ys[row]) << "\" r=\"3.5\" fill=\"" << colour
                << "\"><title>" << svg_text(point_title(r, row)) << "</title></circle>\n";
        const double ly = top + 10 + 18 * static_cast<double>(g);
        svg << "<line x1=\"" << legend_x << "\" y1=\"" << ly << "\" x2=\"" << legend_x + 22 << "\" y2=\"" << ly
            << "\" stroke=\"" << colour << "\" stroke-width=\"2\"/><circle cx=\"" << legend_x + 11 << "\" cy=\"" << ly
            << "\" r=\"3.5\" fill=\"" << colour << "\"/><text x=\"" << legend_x + 30 << "\" y=\"" << ly + 4 << "\">"
            << svg_text(f.groups[g].name) << "</text>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

}  // namespace lightwatt::cli
