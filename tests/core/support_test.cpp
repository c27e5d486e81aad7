#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "lightwatt/core/atomic_file.hpp"
#include "lightwatt/core/closest_match.hpp"
#include "lightwatt/core/error.hpp"
#include "lightwatt/core/rng.hpp"

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
    CHECK(std::string(e.what()) == "links.toml:12: links.x.lanes = 0: value out of range. Allowed: an integer in [1, 4096].");
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
