#include "svg.hpp"

#include <sstream>

#include "lightwatt/core/untrusted_input.hpp"

namespace lightwatt::cli {

std::string svg_text(std::string_view text) {
    std::string out;
    for (const char c : escape_text(text)) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += c;
        }
    }
    return out;
}

double text_width(std::string_view text, double font_px) { return 0.6 * font_px * static_cast<double>(text.size()); }

std::string svg_open(double width_px, double height_px, double font_px) {
    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width_px << "\" height=\"" << height_px
        << "\" font-family=\"sans-serif\" font-size=\"" << font_px << "\">\n";
    return svg.str();
}

}  // namespace lightwatt::cli
