#include <doctest/doctest.h>

#include <map>
#include <stdexcept>
#include <string>

#include "lightwatt/core/named_catalog.hpp"
#include "input_error_of.hpp"

using namespace lightwatt;

namespace {

struct Part {
    std::string name;
    double watts = 0.0;
};

Part read_part(TableReader& r) { return {"", r.number("watts", Range::non_negative())}; }

constexpr const char* kParts = R"(# parts
[parts.zeta]
watts = 3
source = "a datasheet"

[parts.alpha]
description = "the second in the file"
watts = 1.5
source = "a paper"
)";

NamedCatalog<Part> parts_of(const std::string& text) {
    const auto doc = TomlDocument::parse_string(text, "parts.toml");
    return read_named_catalog(doc.root(), "parts", read_part);
}

}  // namespace

TEST_CASE("named catalog: entries in file order, each with its name, source and place") {
    const auto parts = parts_of(kParts);
    CHECK(parts.section() == "parts");
    REQUIRE(parts.size() == 2);
    CHECK(parts.names() == std::vector<std::string>{"zeta", "alpha"});
    CHECK(parts.sorted_names() == std::vector<std::string>{"alpha", "zeta"});
    CHECK(parts.begin()->name == "zeta");
    CHECK(parts.at("alpha").watts == 1.5);
    CHECK(parts.find("beta") == nullptr);
    CHECK(parts.contains("zeta"));
    const auto& where = parts.provenance("alpha");
    CHECK(where.source == "a paper");
    CHECK(where.defined.file == "parts.toml");
    CHECK(where.defined.line == 6);
    CHECK(where.defined.key == "parts.alpha");
    std::map<std::string, std::string> sources;
    parts.add_sources_to(sources);
    CHECK(sources == std::map<std::string, std::string>{{"parts.alpha", "a paper"}, {"parts.zeta", "a datasheet"}});
}

TEST_CASE("named catalog: an unknown name where a file wrote it is an InputError with the closest entry") {
    const auto parts = parts_of(kParts);
    const auto doc = TomlDocument::parse_string("[uses]\npart = \"alpah\"\n", "uses.toml");
    TableReader uses = doc.root().table("uses");
    const auto d = testing::input_error_of([&] { (void)parts.at(uses.string("part"), uses, "part"); }, "alpah");
    CHECK(d.file == "uses.toml");
    CHECK(d.line == 2);
    CHECK(d.key == "uses.part");
    CHECK(d.value == "\"alpah\"");
    CHECK(d.problem == "no entry of that name in [parts] (did you mean \"alpha\"?)");
    CHECK(d.allowed == "alpha or zeta");
    CHECK_THROWS_AS((void)parts.at("alpah"), std::out_of_range);
}

TEST_CASE("named catalog: every entry needs a source; an absent section is empty; nothing else is allowed") {
    const auto d = testing::input_error_of([] { (void)parts_of("[parts.a]\nwatts = 1\n"); }, "no source");
    CHECK(d.key == "parts.a.source");
    CHECK(parts_of("").empty());
    const auto typo = testing::input_error_of([] { (void)parts_of("[parts.a]\nwats = 1\nsource = \"s\"\n"); }, "typo");
    CHECK(typo.key == "parts.a.watts");
    CHECK(testing::input_error_of([] { (void)parts_of("[other]\n"); }, "another table").key == "other");
}
