#include <doctest/doctest.h>

#include <bit>
#include <cmath>
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

TEST_CASE("counter RNG: the batched words are the one-at-a-time words, bit for bit") {
    // next_u64(words, n) is n calls of next_u64().
    CounterRng one(2026, 15), batched(2026, 15);
    std::uint64_t words[37];
    batched.next_u64(words, 37);
    for (const std::uint64_t w : words) CHECK(w == one.next_u64());
    CHECK(batched.next_u64() == one.next_u64());
}

TEST_CASE("fast normals: SplitMix64 words and hand-worked quantiles") {
    // SplitMix64's published first outputs from state 0 (Vigna's splitmix64.c).
    CHECK(normal_word(0, 0) == 0xe220a8397b1dcdafULL);
    CHECK(normal_word(0, 1) == 0x6e789e6aa1b965f4ULL);
    CHECK(normal_word(0, 2) == 0x06c45d188009454fULL);
    CHECK(normal_word(0, 3) == 0xf88bb8a8724c81ecULL);
    // Bits m (sign clear) give Phi^-1(1 - t), t = (2 m + 1) 2^-25; the cubics are within 3e-4.
    // m = 419430: t = 0.0250000060, z = 1.959964 - 6e-9 / phi(1.96) = 1.9599639 (phi(1.96) = 0.0584).
    // m = 22647: t = 1.349880e-3, z = 3 + (1.349898e-3 - t) / phi(3) = 3.0000041 (phi(3) = 4.432e-3).
    // m = 531: t = 3.16799e-5, z = 4 - (t - 3.167124e-5) / phi(4) = 3.999935 (phi(4) = 1.338e-4).
    const float* table = normal_polynomial_table().data();
    CHECK(std::abs(normal_from_bits(table, 419430U) - 1.9599639) < 3e-4);
    CHECK(std::abs(normal_from_bits(table, 22647U) - 3.0000041) < 3e-4);
    CHECK(std::abs(normal_from_bits(table, 531U) - 3.999935) < 3e-4);
    // Bit 31 is the sign, and the draw is symmetric bit for bit.
    CHECK(normal_from_bits(table, 531U | 0x80000000U) == -normal_from_bits(table, 531U));
    // The largest draw: t = 2^-25, Phi^-1(1 - 2.98e-8) = 5.4199.
    CHECK(std::abs(normal_from_bits(table, 0U) - 5.4199) < 1e-3);
}

TEST_CASE("fast normals: moments, tails and adjacent draws are those of N(0, 1) (2^24 draws)") {
    // Tolerances are 5 standard errors of N draws from N(0, 1): mean 1/sqrt(N); variance
    // sqrt(2 / N); fourth moment sqrt(E z^8 - 9) / sqrt(N) = sqrt(96 / N); a tail count c of
    // expected N q has sd sqrt(N q); a correlation 1/sqrt(N). Tail masses 2 (1 - Phi(a)):
    // 2.699796e-3 at 3 sigma, 6.334248e-5 at 4 sigma (tables). Adjacent draws share a word when
    // the first is even, so both kinds of neighbour are checked: product and squares' product.
    const std::size_t n = std::size_t{1} << 24;
    const float* table = normal_polynomial_table().data();
    const std::uint64_t key = counter_key(2026, 12);
    double sum = 0.0, sum2 = 0.0, sum4 = 0.0;
    double same_word = 0.0, next_word = 0.0, same_word_sq = 0.0, next_word_sq = 0.0;
    std::size_t beyond3 = 0, beyond4 = 0;
    double previous = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double z = column_normal(table, key, 0, i);
        sum += z;
        sum2 += z * z;
        sum4 += z * z * z * z;
        beyond3 += std::abs(z) > 3.0 ? 1 : 0;
        beyond4 += std::abs(z) > 4.0 ? 1 : 0;
        if (i > 0) {
            const double product = previous * z, squares = (previous * previous - 1.0) * (z * z - 1.0);
            (i % 2 == 1 ? same_word : next_word) += product;
            (i % 2 == 1 ? same_word_sq : next_word_sq) += squares;
        }
        previous = z;
    }
    const double count = static_cast<double>(n), pairs = count / 2.0;
    CHECK(std::abs(sum / count) < 5.0 / std::sqrt(count));
    CHECK(std::abs(sum2 / count - 1.0) < 5.0 * std::sqrt(2.0 / count));
    CHECK(std::abs(sum4 / count - 3.0) < 5.0 * std::sqrt(96.0 / count));
    const double expected3 = 2.699796e-3 * count, expected4 = 6.334248e-5 * count;
    CHECK(std::abs(static_cast<double>(beyond3) - expected3) < 5.0 * std::sqrt(expected3));
    CHECK(std::abs(static_cast<double>(beyond4) - expected4) < 5.0 * std::sqrt(expected4));
    // Correlations: E[z z'] = 0 with sd 1 per pair; E[(z^2 - 1)(z'^2 - 1)] = 0 with sd 2.
    CHECK(std::abs(same_word / pairs) < 5.0 / std::sqrt(pairs));
    CHECK(std::abs(next_word / pairs) < 5.0 / std::sqrt(pairs));
    CHECK(std::abs(same_word_sq / pairs) < 10.0 / std::sqrt(pairs));
    CHECK(std::abs(next_word_sq / pairs) < 10.0 / std::sqrt(pairs));
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
