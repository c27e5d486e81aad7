#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "lightwatt/core/atomic_file.hpp"
#include "lightwatt/core/closest_match.hpp"
#include "lightwatt/core/error.hpp"
#include "lightwatt/core/fast_normal.hpp"
#include "lightwatt/core/parallel_for.hpp"
#include "lightwatt/core/rng.hpp"
#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/core/untrusted_input.hpp"
#include "input_error_of.hpp"

using namespace lightwatt;

TEST_CASE("edit distance, textbook cases") {
    CHECK(edit_distance("kitten", "sitting") == 3);  // the classic Levenshtein example
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("same", "same") == 0);
}

TEST_CASE("closest match only suggests plausible typos") {
    CHECK(closest_match("lpo_80g", {"lpo_800g", "cpo_1600g"}) == "lpo_800g");
    CHECK(closest_match("completely_different", {"lpo_800g", "cpo_1600g"}).empty());
    CHECK(closest_match("sensitivity", {"sensitivity_oma_dbm", "penalties_db"}) == "sensitivity_oma_dbm");
    CHECK(closest_match("length_m_total", {"length_m"}) == "length_m");
    CHECK(closest_match("len", {"length_m"}).empty());
    CHECK(join_alternatives({"a", "b", "c"}) == "a, b or c");
}

TEST_CASE("input errors format as one readable paragraph") {
    const InputError e({"links.toml", 12, "links.x.lanes", "0", "value out of range", "an integer in [1, 4096]"});
    CHECK(std::string(e.what()) ==
          "links.toml:12: links.x.lanes = 0: value out of range. Allowed: an integer in [1, 4096].");
}

TEST_CASE("the one vocabulary: at, unknown with its one hint, relocate and rename_key") {
    const InputError e = InputError::at("lanes", "0", "value out of range", "an integer in [1, 4096]");
    CHECK(std::string(e.what()) == "lanes = 0: value out of range. Allowed: an integer in [1, 4096].");

    const InputErrorDetails u =
        InputError::unknown("link", "lpo_80g", {"lpo_800g", "cpo_1600g"}, "unknown link").details();
    CHECK(u.value == "\"lpo_80g\"");
    CHECK(u.problem == "unknown link (did you mean \"lpo_800g\"?)");
    CHECK(u.allowed == "lpo_800g or cpo_1600g");
    CHECK(InputError::unknown("link", "zzz", {"lpo_800g"}, "unknown link").details().problem == "unknown link");
    CHECK(InputError::unknown("link", "zzz", {}, "unknown link").details().allowed == "none defined");
    CHECK(did_you_mean("adc_bit", {"adc_bits", "dac_bits"}) == " (did you mean \"adc_bits\"?)");

    // relocate places an error raised without a file; one already placed stays where it is.
    const InputErrorDetails placed = relocate(e, "links.toml", 12, "links.x").details();
    CHECK(placed.file == "links.toml");
    CHECK(placed.line == 12);
    CHECK(placed.key == "links.x.lanes");
    CHECK(relocate(e, "", 0, "").details().key == "lanes");
    CHECK(relocate(relocate(e, "a.toml", 3, "x"), "b.toml", 9, "y").details().key == "x.lanes");
    CHECK(relocate(InputError::at("", "1", "p", "a"), "f.toml", 1, "t").details().key == "t");

    CHECK(rename_key(e, "lanes", "--lanes").details().key == "--lanes");
    CHECK(rename_key(e, "other", "--other").details().key == "lanes");
    CHECK(rename_key(e, "lanes", "--lanes").details().problem == "value out of range");
}

TEST_CASE("counter RNG: same (seed, block) gives the same stream; blocks differ") {
    CounterRng a(42, 7), b(42, 7), c(42, 8);
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 1000; ++i) {
        const auto x = a.next_u64();
        CHECK(x == b.next_u64());
        seen.insert(x);
        CHECK(x != c.next_u64());
    }
    CHECK(seen.size() == 1000);
    CounterRng u(1, 0);
    double sum = 0.0;
    for (int i = 0; i < 100000; ++i) {
        const double v = u.uniform();
        REQUIRE(v >= 0.0);
        REQUIRE(v < 1.0);
        sum += v;
    }
    CHECK(sum / 100000 == doctest::Approx(0.5).epsilon(0.01));
}

TEST_CASE("counter RNG and fast normals: the batched draws are the one-at-a-time draws, bit for bit") {
    // next_u64(words, n) is n calls of next_u64(); FastNormal::fill(out, n) is n calls of next(),
    // whatever the count (whole 16-word batches, the rest, a partly used word before and after).
    CounterRng one(2026, 15), batched(2026, 15);
    std::uint64_t words[37];
    batched.next_u64(words, 37);
    for (const std::uint64_t w : words) CHECK(w == one.next_u64());
    CHECK(batched.next_u64() == one.next_u64());
    FastNormal single(9, 4), filled(9, 4);
    std::vector<float> out(300);
    for (const std::size_t count :
         {std::size_t{3}, std::size_t{64}, std::size_t{1}, std::size_t{258}, std::size_t{6}}) {
        filled.fill(out.data(), count);
        for (std::size_t i = 0; i < count; ++i) {
            CAPTURE(count);
            CAPTURE(i);
            CHECK(std::bit_cast<std::uint32_t>(out[i]) == std::bit_cast<std::uint32_t>(single.next()));
        }
    }
}

TEST_CASE("atomic write replaces the file whole and refuses missing folders") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "lightwatt_atomic_test";
    fs::create_directories(dir);
    const fs::path target = dir / "out.json";
    write_file_atomically(target, "first");
    write_file_atomically(target, "second");
    std::ifstream in(target);
    std::stringstream content;
    content << in.rdbuf();
    CHECK(content.str() == "second");
    for (const auto& entry : fs::directory_iterator(dir)) CHECK(entry.path().filename() == "out.json");
    CHECK_THROWS_AS(write_file_atomically(dir / "missing" / "x.json", "x"), InputError);
    CHECK_THROWS_AS(write_file_atomically(dir, "x"), InputError);
    fs::remove_all(dir);
}

TEST_CASE("hostile input: nesting is refused before a parser recurses") {
    const std::string deep_key = [] {
        std::string s = "a";
        for (int i = 0; i < 100; ++i) s += ".a";
        return s + " = 1\n";
    }();
    const auto d =
        testing::input_error_of([&] { check_nesting("x = 1\n" + deep_key, "f.toml", Syntax::toml); }, deep_key);
    CHECK(d.file == "f.toml");
    CHECK(d.line == 2);
    CHECK(d.problem.find("nesting deeper than 64") != std::string::npos);
    CHECK_THROWS_AS(check_nesting(std::string(70, '[') + std::string(70, ']'), "f.json", Syntax::json), InputError);
    CHECK_THROWS_AS(
        (void)TomlDocument::parse_string(
            "[" + std::string(200, 'a').replace(1, 198, std::string(99, 'a') + std::string(99, '.')) + "]\n", "h.toml"),
        InputError);
    // Dots in values, strings and comments are not nesting; real files pass.
    CHECK_NOTHROW(
        check_nesting("x = 1.5\ny = "
                      "\"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u."
                      "v.w.x.y.z.a.b.c.d.e.f.g\"\n"
                      "# "
                      "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v."
                      "w.x.y.z.a.b.c\n"
                      "[a.b]\nc.d = [[1.0, 2.0], [3.0]]\n",
                      "ok.toml", Syntax::toml));
}

TEST_CASE("hostile input: control characters are escaped, values quoted by a prefix") {
    CHECK(escape_text("a\x1b]0;t\x07\n") == "a\\x1b]0;t\\x07\\n");
    CHECK(escape_text("line\n", true) == "line\n");
    CHECK(escape_text("\xc2\x9b"
                      "2J") == "\\xc2\\x9b2J");
    CHECK(escape_text("\xc2\xb5m") == "\xc2\xb5m");  // a micro sign is text
    CHECK(escaped_prefix(std::string(100, 'v'), 8) == "vvvvvvvv...");
    const std::string message = InputError({"f", 1, "k", std::string(10000, 'v'), "bad", "good"}).what();
    CHECK(message.size() < 200);
}

TEST_CASE("hostile input: a file that is not a regular file is named for what it is") {
    CHECK(testing::input_error_of([] { (void)read_input_file("/", "a file", 100); }, "/").problem ==
          "a directory, not a regular file");
    CHECK(testing::input_error_of([] { (void)read_input_file("/nonexistent/x", "a file", 100); }, "x").problem ==
          "file not found");
}

TEST_CASE("hostile input: parallel_for_blocks runs every block whatever the worker count") {
    std::vector<int> seen(1000, 0);
    parallel_for_blocks(seen.size(), 64, [&](std::size_t b) { seen[b] += 1; });
    CHECK(std::count(seen.begin(), seen.end(), 1) == 1000);
}
