#include <doctest/doctest.h>

#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/core/warning.hpp"
#include "input_error_of.hpp"

using namespace lightwatt;

namespace {
// Runs `read` on a document parsed from `text` and returns the InputError it throws.
template <class F>
InputErrorDetails error_of(const std::string& text, F read) {
    return testing::input_error_of(
        [&] {
            auto doc = TomlDocument::parse_string(text, "test.toml");
            auto root = doc.root();
            read(root);
        },
        text);
}
}  // namespace

TEST_CASE("numbers: integers and floats accepted, range enforced") {
    auto doc = TomlDocument::parse_string("a = 3\nb = 0.25\n", "t.toml");
    auto r = doc.root();
    CHECK(r.number("a", Range::positive()) == 3.0);
    CHECK(r.number("b", Range::unit_interval_open_closed()) == 0.25);
    CHECK_NOTHROW(r.finish());
}

TEST_CASE("an out-of-range value names file, line, key, value and what is allowed") {
    const auto d = error_of("[laser]\nname = 'x'\nwall_plug_efficiency = 1.4\n", [](TableReader& r) {
        auto t = r.table("laser");
        (void)t.number("wall_plug_efficiency", Range::unit_interval_open_closed());
    });
    CHECK(d.file == "test.toml");
    CHECK(d.line == 3);
    CHECK(d.key == "laser.wall_plug_efficiency");
    CHECK(d.value == "1.4");
    CHECK(d.allowed == "a number in (0, 1]");
}

TEST_CASE("NaN and infinity are never valid numbers") {
    CHECK(error_of("x = nan\n", [](TableReader& r) { (void)r.number("x", Range::any()); }).problem ==
          "value out of range");
    CHECK(error_of("x = inf\n", [](TableReader& r) { (void)r.number("x", Range::any()); }).problem ==
          "value out of range");
}

TEST_CASE("wrong types") {
    const auto d = error_of("x = \"five\"\n", [](TableReader& r) { (void)r.number("x", Range::any()); });
    CHECK(d.problem == "expected a number, got a string");
    CHECK(d.value == "\"five\"");
    const auto e = error_of("x = 1.5\n", [](TableReader& r) { (void)r.integer("x", 0, 10); });
    CHECK(e.problem == "expected an integer, got a number");
}

TEST_CASE("missing required keys point at the table") {
    const auto d = error_of("\n[t]\nunrelated = 1\n", [](TableReader& r) {
        auto t = r.table("t");
        (void)t.number("x", Range::positive());
    });
    CHECK(d.key == "t.x");
    CHECK(d.line == 2);
    CHECK(d.problem == "required key is missing");
}

TEST_CASE("unknown keys are rejected with the closest known key") {
    const auto d = error_of("wall_plug_eficiency = 0.2\n", [](TableReader& r) {
        (void)r.optional_number("wall_plug_efficiency", Range::positive());
        r.finish();
    });
    CHECK(d.key == "wall_plug_eficiency");
    CHECK(d.problem == "unknown key (did you mean \"wall_plug_efficiency\"?)");
}

TEST_CASE("choices suggest the closest allowed value") {
    const auto d = error_of("m = \"pam5\"\n", [](TableReader& r) { (void)r.choice("m", {"nrz", "pam4"}); });
    CHECK(d.problem == "unknown value (did you mean \"pam4\"?)");
    CHECK(d.allowed == "nrz or pam4");
}

TEST_CASE("syntax errors carry the line") {
    try {
        (void)TomlDocument::parse_string("a = 1\nb = = 2\n", "bad.toml");
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(e.details().file == "bad.toml");
        CHECK(e.details().line == 2);
    }
}

TEST_CASE("a missing file is an input error naming it") {
    try {
        (void)TomlDocument::parse_file("/nonexistent/lightwatt.toml");
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(e.details().problem == "file not found");
        CHECK(std::string(e.what()).find("/nonexistent/lightwatt.toml") != std::string::npos);
    }
}

TEST_CASE("string lists accept one string or an array of strings") {
    auto doc = TomlDocument::parse_string("a = \"x\"\nb = [\"y\", \"z\"]\nc = [1]\n", "t.toml");
    auto r = doc.root();
    CHECK(r.optional_string_list("a").value() == std::vector<std::string>{"x"});
    CHECK(r.optional_string_list("b").value() == std::vector<std::string>{"y", "z"});
    CHECK_THROWS_AS((void)r.optional_string_list("c"), InputError);
    CHECK_FALSE(r.optional_string_list("d").has_value());
}

TEST_CASE("keys() lists a table's names in file order") {
    auto doc = TomlDocument::parse_string("[l]\nzeta = 1\nalpha = 2\nmid = 3\n", "t.toml");
    auto r = doc.root();
    auto l = r.table("l");
    CHECK(l.keys() == std::vector<std::string>{"zeta", "alpha", "mid"});
}

TEST_CASE("a deprecated spelling is read with one warning; both spellings are an error") {
    std::vector<std::string> warnings;
    const WarningHandler previous = set_warning_handler([&](WarningKind kind, const std::string& m) {
        CHECK(kind == WarningKind::deprecated);
        warnings.push_back(m);
    });

    auto old_doc = TomlDocument::parse_string("\nutilisation = 0.5\n", "t.toml");
    auto old_reader = old_doc.root();
    CHECK(old_reader.number(old_reader.spelling("utilization", "utilisation"), Range::unit_interval()) == 0.5);
    CHECK_NOTHROW(old_reader.finish());
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] == "t.toml:2: utilisation: deprecated spelling, still read; write \"utilization\".");

    auto new_doc = TomlDocument::parse_string("utilization = 0.25\n", "t.toml");
    auto new_reader = new_doc.root();
    CHECK(new_reader.number(new_reader.spelling("utilization", "utilisation"), Range::unit_interval()) == 0.25);
    CHECK(warnings.size() == 1);

    const auto both = error_of("utilization = 0.25\nutilisation = 0.5\n",
                               [](TableReader& r) { (void)r.spelling("utilization", "utilisation"); });
    CHECK(both.line == 2);
    CHECK(both.key == "utilisation");
    CHECK(both.problem == "written as well as its new spelling \"utilization\"");
    set_warning_handler(previous);
}
