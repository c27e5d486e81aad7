#include "tornado_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "monte_carlo_report.hpp"
#include "svg.hpp"

namespace lightwatt::cli {

namespace {

constexpr double kBar = 16, kGap = 6, kHalfWidth = 220, kValueRoom = 50;

std::string coefficient_text(double v) {
    char text[16];
    std::snprintf(text, sizeof text, "%+.2f", v);
    return text;
}

// The figures whose bars an option's panel draws, largest first.
std::vector<std::size_t> shown(const study::Sensitivity& s) {
    std::vector<std::size_t> out;
    for (const std::size_t f : s.ranked)
        if (std::fabs(s.src[f]) >= kShownSrc) out.push_back(f);
    return out;
}

}  // namespace

std::string tornado_svg(const std::string& scenario_summary, const study::MonteCarloResult& r,
                        const std::vector<study::Sensitivity>& sensitivity) {
    const std::string title = "What moves each option's saving: standardised regression coefficients over " +
                              std::to_string(r.draws) + " draws";
    double label_width = 0.0;
    for (const auto& f : r.figures) label_width = std::max(label_width, text_width(f.path, kFont));
    const double left = 10 + label_width + 10;
    const double centre = left + kValueRoom + kHalfWidth;
    const double canvas = std::max({centre + kHalfWidth + kValueRoom + 10, 20 + text_width(title, kTitleFont),
                                    20 + text_width(scenario_summary, kFont)});
    std::ostringstream body;
    double y = 56;
    for (std::size_t o = 0; o < r.options.size(); ++o) {
        if (r.options[o].reference) continue;
        char fit[32];
        std::snprintf(fit, sizeof fit, " (R^2 %.3f)", sensitivity[o].r_squared);
        body << "<text x=\"10\" y=\"" << y + 12 << "\" font-weight=\"bold\">" << svg_text(r.options[o].option) << fit
             << "</text>\n";
        y += 20;
        const double top = y;
        for (const std::size_t f : shown(sensitivity[o])) {
            const double v = sensitivity[o].src[f];
            const double w = std::fabs(v) * kHalfWidth;
            const double x = v < 0 ? centre - w : centre;
            const std::string value = coefficient_text(v);
            const double value_x = v < 0 ? x - 4 - text_width(value, kFont) : x + w + 4;
            body << "<text x=\"10\" y=\"" << y + kBar * 0.75 << "\">" << svg_text(r.figures[f].path) << "</text>\n";
            body << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"" << kBar << "\" fill=\""
                 << series_colour(v < 0 ? 3 : 0) << "\"/>\n";
            body << "<text x=\"" << value_x << "\" y=\"" << y + kBar * 0.75 << "\">" << value << "</text>\n";
            y += kBar + kGap;
        }
        body << "<line x1=\"" << centre << "\" y1=\"" << top - 2 << "\" x2=\"" << centre << "\" y2=\"" << y
             << "\" stroke=\"#444\"/>\n";
        y += 12;
    }
    const double legend_y = y + 4;
    body << "<rect x=\"10\" y=\"" << legend_y << "\" width=\"12\" height=\"12\" fill=\"" << series_colour(0)
         << "\"/><text x=\"26\" y=\"" << legend_y + 11 << "\">a higher figure raises the saving</text>\n";
    body << "<rect x=\"280\" y=\"" << legend_y << "\" width=\"12\" height=\"12\" fill=\"" << series_colour(3)
         << "\"/><text x=\"296\" y=\"" << legend_y + 11 << "\">a higher figure lowers it</text>\n";
    std::ostringstream svg;
    svg << svg_open(canvas, legend_y + 26, kFont);
    svg << "<text x=\"10\" y=\"20\" font-size=\"" << kTitleFont << "\">" << svg_text(title) << "</text>\n";
    svg << "<text x=\"10\" y=\"38\">" << svg_text(scenario_summary) << "</text>\n";
    svg << body.str() << "</svg>\n";
    return svg.str();
}

}  // namespace lightwatt::cli
