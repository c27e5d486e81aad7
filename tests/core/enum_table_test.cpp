#include <doctest/doctest.h>

#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/core/toml_reader.hpp"
#include "input_error_of.hpp"

using namespace lightwatt;

namespace {

enum class Fruit { apple, banana, cherry };
enum class Shade { dark, light };

}  // namespace

template <>
struct lightwatt::EnumTable<Fruit> {
    static constexpr auto entries = std::to_array<EnumEntry<Fruit>>(
        {{Fruit::apple, "apple"}, {Fruit::banana, "banana"}, {Fruit::cherry, "cherry"}});
    static constexpr std::string_view noun = "fruit";
};

template <>
struct lightwatt::EnumTable<Shade> {
    static constexpr auto entries =
        std::to_array<EnumEntry<Shade>>({{Shade::dark, "dark"}, {Shade::light, "light-ish"}});
};

static_assert(enum_count<Fruit> == 3);
static_assert(enum_name(Fruit::banana) == "banana");
static_assert(enum_parse<Fruit>("cherry") == Fruit::cherry);
static_assert(!enum_parse<Fruit>("durian"));
static_assert(enum_values<Fruit>()[2] == Fruit::cherry);
static_assert(detail::has_enumerator<Fruit::cherry>() && !detail::has_enumerator<static_cast<Fruit>(3)>());

TEST_CASE("names round-trip through the one table") {
    for (const Fruit f : enum_values<Fruit>()) CHECK(enum_parse<Fruit>(enum_name(f)) == f);
    CHECK(enum_names<Fruit>() == std::vector<std::string>{"apple", "banana", "cherry"});
    CHECK(enum_name(Shade::light) == "light-ish");
    CHECK(enum_parse<Shade>("light") == std::nullopt);
    CHECK(enum_parse<Fruit>("") == std::nullopt);
}

TEST_CASE("unknown names get the table's noun and the closest name") {
    const InputErrorDetails d = unknown_enum<Fruit>("fruit", "bananna").details();
    CHECK(d.key == "fruit");
    CHECK(d.value == "\"bananna\"");
    CHECK(d.problem == "unknown fruit (did you mean \"banana\"?)");
    CHECK(d.allowed == "apple, banana or cherry");
    CHECK(unknown_enum<Fruit>("fruit", "kiwi").details().problem == "unknown fruit");
    CHECK(unknown_enum<Shade>("shade", "drak").details().problem == "unknown value (did you mean \"dark\"?)");
    CHECK(enum_parse_at<Fruit>("fruit", "cherry") == Fruit::cherry);
    CHECK_THROWS_AS((void)enum_parse_at<Fruit>("fruit", "kiwi"), InputError);
}

TEST_CASE("an EnumArray is indexed by the enum") {
    EnumArray<Fruit, double> weight{};
    CHECK(weight.size() == 3);
    weight[Fruit::banana] = 2.5;
    double sum = 0.0;
    for (const double w : weight) sum += w;
    CHECK(sum == 2.5);
    constexpr auto glyph = make_enum_array<Fruit>({'A', 'B', 'C'});
    static_assert(glyph[Fruit::cherry] == 'C');
    CHECK(glyph == make_enum_array<Fruit>({'A', 'B', 'C'}));
}

TEST_CASE("TableReader reads an enumerator by name") {
    auto doc = TomlDocument::parse_string("f = \"cherry\"\n", "t.toml");
    auto r = doc.root();
    CHECK(r.choice<Fruit>("f") == Fruit::cherry);
    CHECK(r.optional_choice<Fruit>("g") == std::nullopt);
    CHECK_NOTHROW(r.finish());
}

TEST_CASE("TableReader names the allowed enumerators of a bad value") {
    const std::string text = "f = \"chery\"\n";
    const auto d = testing::input_error_of(
        [&] {
            auto doc = TomlDocument::parse_string(text, "t.toml");
            (void)doc.root().choice<Fruit>("f");
        },
        text);
    CHECK(d.problem == "unknown fruit (did you mean \"cherry\"?)");
    CHECK(d.allowed == "apple, banana or cherry");
    CHECK(d.value == "\"chery\"");
}
