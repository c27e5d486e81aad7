// Small pieces every SVG chart of the command line shares: text from the inputs made safe as
// character data, the width a label needs (so a canvas is sized to hold it), the palette of
// series colours and the root element.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace lightwatt::cli {

// Text from the inputs (option and model names, a scenario's summary) as SVG character data:
// control characters escaped as in every text output, then XML's five special characters as
// entities, so a name cannot close an element or inject markup into the chart.
std::string svg_text(std::string_view text);

// A conservative width of sans-serif text: 0.6 em per character (Helvetica's and DejaVu Sans's
// lower-case letters and digits advance 0.5-0.64 em; capitals, wider, are rare here), so that the
// canvas is sized to hold every label.
double text_width(std::string_view text, double font_px);

// Colours of a chart's series (bars' parts, curves), in order. They differ pairwise by at least
// CIEDE2000 12.6 (Sharma, Wu and Dalal 2005; checked in tests/python/test_plots.py), so no two
// series look alike.
inline constexpr std::array<const char*, 11> kSeriesColours{"#1f77b4", "#aec7e8", "#17becf", "#ff7f0e",
                                                            "#d62728", "#ff9896", "#2ca02c", "#98df8a",
                                                            "#9467bd", "#c49c94", "#7f7f7f"};

// The colour of series `i`; series past the palette's end reuse it from the start.
inline const char* series_colour(std::size_t i) { return kSeriesColours[i % kSeriesColours.size()]; }

// The colour of curve `i` of a line chart: the same palette, the saturated colours first, so the
// first curves (often the only ones) are the easiest to see against white.
inline const char* curve_colour(std::size_t i) {
    static constexpr std::array<std::size_t, kSeriesColours.size()> kOrder{0, 3, 6, 4, 8, 2, 10, 9, 1, 5, 7};
    return kSeriesColours[kOrder[i % kOrder.size()]];
}

// The font sizes of every chart's labels and of its title, in px.
inline constexpr double kFont = 12, kTitleFont = 14;

// The root element's opening tag: the canvas in px and the default sans-serif font size.
std::string svg_open(double width_px, double height_px, double font_px);

}  // namespace lightwatt::cli
