// Catalog figures by path (mapping/catalog_figure.hpp): found by their dotted key with the file,
// line and value the data file writes; an unknown path named with the closest; a figure set on the
// parsed catalogs read exactly as the same value written in the file, with the reader's checks at
// the file's line; only the link archetypes that use a changed entry evaluated again.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "input_error_of.hpp"
#include "lightwatt/mapping/catalog_figure.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;
using lightwatt::testing::input_error_of;

namespace {

namespace fs = std::filesystem;

const CatalogFiles& files() {
    static const CatalogFiles f = parse_catalog_files(LIGHTWATT_TEST_DATA_DIR);
    return f;
}

const Catalogs& base() {
    static const Catalogs c = read_catalogs(files());
    return c;
}

std::string line_of(const fs::path& file, int line) {
    std::ifstream in(file);
    std::string text;
    for (int i = 0; i < line && std::getline(in, text);) ++i;
    return text;
}

// A copy of the catalog files in a fresh folder with line `line` of `file` replaced by `text`.
fs::path data_with_line(const std::string& file, int line, const std::string& text) {
    const fs::path dir = fs::temp_directory_path() / "lightwatt-catalog-figure-test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto name : kCatalogFileNames) {
        std::ifstream in(fs::path(LIGHTWATT_TEST_DATA_DIR) / std::string(name));
        std::ofstream out(dir / std::string(name));
        int n = 0;
        for (std::string l; std::getline(in, l);) out << (name == file && ++n == line ? text : l) << '\n';
    }
    return dir;
}

bool same(const LinkCost& a, const LinkCost& b) {
    return a.static_power == b.static_power && a.dynamic_energy_per_bit == b.dynamic_energy_per_bit &&
           a.payload == b.payload && a.full_load_energy_per_bit == b.full_load_energy_per_bit;
}

}  // namespace

TEST_CASE("a figure is found by its dotted key, with the file, line and value the data file writes") {
    const CatalogFigure pue = find_catalog_figure(files(), "systems.dgx_h100.pue", {});
    CHECK(pue.file == "systems.toml");
    CHECK_FALSE(pue.integer);
    const std::string written = line_of(fs::path(LIGHTWATT_TEST_DATA_DIR) / "systems.toml", pue.at.line);
    REQUIRE(written.starts_with("pue = "));
    CHECK(pue.value == std::stod(written.substr(6)));

    const CatalogFigure typical = find_catalog_figure(files(), "systems.dgx_h100.host_power_w_per_node.typical", {});
    CHECK(typical.value == in_watts(base().systems.systems.at("dgx_h100").host_power_per_node[Spread::typical]));
    CHECK(find_catalog_figure(files(), "cores.dot_product_engine.adc_bits", {}).integer);
}

TEST_CASE("an unknown path names the closest figure and where it is written") {
    const InputLocation where{"sweep.toml", 7, "axes.pue.key"};
    const auto e = input_error_of([&] { (void)find_catalog_figure(files(), "systems.dgx_h100.puee", where); }, "");
    CHECK(e.file == "sweep.toml");
    CHECK(e.line == 7);
    CHECK(e.key == "axes.pue.key");
    const CatalogFigure pue = find_catalog_figure(files(), "systems.dgx_h100.pue", {});
    CHECK(e.problem.find("did you mean \"systems.dgx_h100.pue\", " + pue.at.file + ":" + std::to_string(pue.at.line)) !=
          std::string::npos);
    // A table is not a number.
    (void)input_error_of([] { (void)find_catalog_figure(files(), "systems.dgx_h100", {}); }, "");
}

TEST_CASE("a figure set on the parsed catalogs reads as the same value written in the file") {
    const CatalogFigure wpe = find_catalog_figure(files(), "lasers.cw_dfb_1310_uncooled.wall_plug_efficiency", {});
    const FigureValue set{&wpe, 0.1};
    const Catalogs changed = with_figures(base(), files(), {&set, 1});
    const Catalogs edited = load_catalogs(data_with_line("devices.toml", wpe.at.line, "wall_plug_efficiency = 0.1"));
    int reevaluated = 0;
    for (const auto& [link, costs] : base().link_costs.by_name) {
        const auto& name = link;  // Clang before 16 cannot capture a structured binding in a lambda (C++20)
        for (const Spread s : {Spread::low, Spread::typical, Spread::high})
            CHECK_MESSAGE(same(changed.link_costs.at(name, s), edited.link_costs.at(name, s)), name);
        if (!same(changed.link_costs.at(name, Spread::typical), costs[Spread::typical])) ++reevaluated;
        // A link that does not use the laser keeps its costs; one that does pays for a less efficient laser.
        const bool uses = base().links.sources_of(base().links.find(name)).contains("lasers.cw_dfb_1310_uncooled");
        if (uses)
            CHECK(changed.link_costs.at(name, Spread::typical).static_power > costs[Spread::typical].static_power);
        else
            CHECK(same(changed.link_costs.at(name, Spread::typical), costs[Spread::typical]));
    }
    CHECK(reevaluated > 0);
    fs::remove_all(fs::temp_directory_path() / "lightwatt-catalog-figure-test");
}

TEST_CASE("a system's figure is set on its catalog; the others keep theirs") {
    const CatalogFigure pue = find_catalog_figure(files(), "systems.dgx_h100.pue", {});
    const CatalogFigure host = find_catalog_figure(files(), "systems.dgx_h100.host_power_w_per_node.typical", {});
    const FigureValue set[] = {{&pue, 1.25}, {&host, host.value + 100.0}};
    const Catalogs changed = with_figures(base(), files(), set);
    const SystemSpec& s = changed.systems.systems.at("dgx_h100");
    CHECK(s.pue == 1.25);
    CHECK(in_watts(s.host_power_per_node[Spread::typical]) == host.value + 100.0);
    CHECK(changed.systems.systems.at("hgx_h200").pue == base().systems.systems.at("hgx_h200").pue);
}

TEST_CASE("a value the catalog's reader refuses is its error, at the file's line") {
    const CatalogFigure pue = find_catalog_figure(files(), "systems.dgx_h100.pue", {});
    const FigureValue below_one{&pue, 0.5};
    const auto e = input_error_of([&] { (void)with_figures(base(), files(), {&below_one, 1}); }, "pue = 0.5");
    CHECK(e.line == pue.at.line);
    CHECK(e.key == "systems.dgx_h100.pue");
    CHECK(e.allowed == "a number in [1, 3]");

    const CatalogFigure bits = find_catalog_figure(files(), "cores.dot_product_engine.adc_bits", {});
    const FigureValue fraction{&bits, 6.5};
    const auto f = input_error_of([&] { (void)with_figures(base(), files(), {&fraction, 1}); }, "adc_bits = 6.5");
    CHECK(f.line == bits.at.line);
    CHECK(f.key == "cores.dot_product_engine.adc_bits");
    CHECK(f.problem.find("expected an integer") != std::string::npos);
    // A power the file writes as an integer takes a fraction: its reader reads a number.
    const CatalogFigure host = find_catalog_figure(files(), "systems.dgx_h100.host_power_w_per_node.typical", {});
    CHECK(host.integer);
    const FigureValue half{&host, host.value + 0.5};
    CHECK(in_watts(with_figures(base(), files(), {&half, 1})
                       .systems.systems.at("dgx_h100")
                       .host_power_per_node[Spread::typical]) == host.value + 0.5);
}
