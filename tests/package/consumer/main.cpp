// Evaluates the installed catalog's 800G DR8 and prints its pJ/bit: proves headers, libraries and
// data all install and work together.
#include <cstdio>

#include "lightwatt/interconnect/link_catalog.hpp"

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const auto catalog = lightwatt::interconnect::load_link_catalog(argv[1]);
    const auto report = lightwatt::interconnect::evaluate(catalog.find("dsp_pluggable_800g"));
    std::printf("%.3f pJ/bit\n", lightwatt::in_picojoules_per_bit(report.energy_per_bit));
    return report.energy_per_bit.value() > 0.0 ? 0 : 1;
}
