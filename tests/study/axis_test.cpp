// Axis expansion and design points (study/axis.hpp, design_space.hpp, latin_hypercube.hpp): range
// spacing worked out by hand, integer rounding, the product's order, the seeded samples and the
// Latin hypercube's strata.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "lightwatt/core/rng.hpp"
#include "lightwatt/study/design_space.hpp"
#include "lightwatt/study/latin_hypercube.hpp"

using namespace lightwatt;
using namespace lightwatt::study;

TEST_CASE("a linear range: count values in equal steps, both ends included") {
    // 0 to 10 in 5 values: steps of 10 / 4 = 2.5.
    const auto v = linear_values(0.0, 10.0, 5);
    REQUIRE(v.size() == 5);
    CHECK(v[0] == 0.0);
    CHECK(v[1] == doctest::Approx(2.5));
    CHECK(v[2] == doctest::Approx(5.0));
    CHECK(v[3] == doctest::Approx(7.5));
    CHECK(v[4] == 10.0);
    // Descending is allowed: 8 to 2 in 4 values, steps of -2.
    CHECK(linear_values(8.0, 2.0, 4) == std::vector<double>{8.0, 6.0, 4.0, 2.0});
    CHECK(linear_values(3.0, 3.0, 1) == std::vector<double>{3.0});
}

TEST_CASE("a log range: equal ratios, both ends included") {
    // 1 to 1000 in 4 values: ratio 1000^(1/3) = 10.
    const auto v = log_values(1.0, 1000.0, 4);
    REQUIRE(v.size() == 4);
    CHECK(v[1] == doctest::Approx(10.0));
    CHECK(v[2] == doctest::Approx(100.0));
    CHECK(v[3] == 1000.0);
    // 1 to 512 in 10 values: ratio 512^(1/9) = 2, the powers of two once rounded.
    CHECK(rounded_values(log_values(1.0, 512.0, 10)) == std::vector<long long>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512});
    // 1 to 4 in 7 values: 1, 1.26, 1.59, 2, 2.52, 3.17, 4 round to 1, 1, 2, 2, 3, 3, 4; repeats dropped.
    CHECK(rounded_values(log_values(1.0, 4.0, 7)) == std::vector<long long>{1, 2, 3, 4});
}

TEST_CASE("a random axis maps a uniform draw onto its interval") {
    Axis a;
    a.kind = AxisKind::uniform;
    a.from = 10.0;
    a.to = 20.0;
    CHECK(std::get<double>(drawn_value(a, 0.25)) == doctest::Approx(12.5));  // 10 + 0.25 x 10
    a.kind = AxisKind::log_uniform;
    a.from = 1.0;
    a.to = 100.0;
    CHECK(std::get<double>(drawn_value(a, 0.5)) == doctest::Approx(10.0));  // 1 x 100^0.5
    a.integer = true;
    CHECK(std::get<long long>(drawn_value(a, 0.5)) == 10);
}

TEST_CASE("design points: the product in nested-loop order, the first axis outermost") {
    DesignSpace s;
    Axis a, b;
    a.name = "a";
    a.values = {1LL, 2LL};
    b.name = "b";
    b.values = {std::string("x"), std::string("y"), std::string("z")};
    s.axes = {a, b};
    REQUIRE(s.point_count() == 6);
    std::vector<AxisValue> v;
    const std::vector<std::pair<long long, std::string>> expected = {{1, "x"}, {1, "y"}, {1, "z"},
                                                                     {2, "x"}, {2, "y"}, {2, "z"}};
    for (std::size_t p = 0; p < 6; ++p) {
        s.values_at(p, v);
        CHECK(std::get<long long>(v[0]) == expected[p].first);
        CHECK(std::get<std::string>(v[1]) == expected[p].second);
    }
}

TEST_CASE("samples: drawn jointly from the stream (seed, sample), the same on every call") {
    DesignSpace s;
    Axis list, u, w;
    list.values = {1LL, 2LL};
    u.kind = AxisKind::uniform;
    u.from = 0.0;
    u.to = 1.0;
    w.kind = AxisKind::log_uniform;
    w.from = 1.0;
    w.to = 1e4;
    s.axes = {list, u, w};
    s.samples = 3;
    s.seed = 42;
    REQUIRE(s.point_count() == 6);
    std::vector<AxisValue> v;
    for (std::size_t p = 0; p < 6; ++p) {
        s.values_at(p, v);
        // Point p is list value p / 3 with sample p % 3, whose stream draws u first, then w.
        CounterRng rng(42, p % 3);
        const double draw_u = rng.uniform();
        const double draw_w = rng.uniform();
        CHECK(std::get<long long>(v[0]) == static_cast<long long>(p / 3 + 1));
        CHECK(std::get<double>(v[1]) == draw_u);
        CHECK(std::get<double>(v[2]) == doctest::Approx(std::pow(1e4, draw_w)));
    }
    // The same sample under both list values: the random axes do not depend on the product index.
    std::vector<AxisValue> first, fourth;
    s.values_at(0, first);
    s.values_at(3, fourth);
    CHECK(first[1] == fourth[1]);
    CHECK(first[2] == fourth[2]);
}

TEST_CASE("a Latin hypercube permutation: every stratum once, for any sample count") {
    for (const std::uint64_t n : {1ULL, 2ULL, 3ULL, 7ULL, 64ULL, 1000ULL, 4097ULL}) {
        std::vector<int> hits(n, 0);
        for (std::uint64_t j = 0; j < n; ++j) ++hits[latin_hypercube_stratum(latin_hypercube_key(7, 0), n, j)];
        CHECK(std::count(hits.begin(), hits.end(), 1) == static_cast<long>(n));
    }
    // Another key is another permutation: of 64 samples, a random pair of permutations agrees at
    // 1 place on average (the expected fixed points of a random permutation); 16 would be no shuffle.
    int same = 0;
    for (std::uint64_t j = 0; j < 64; ++j)
        same += latin_hypercube_stratum(latin_hypercube_key(7, 0), 64, j) ==
                latin_hypercube_stratum(latin_hypercube_key(7, 1), 64, j);
    CHECK(same < 16);
}

TEST_CASE("Latin hypercube axes: each axis's strata hit once per product point, the draw inside its stratum") {
    // 1000 samples of a linear axis on [0, 1000): stratum k is [k, k + 1), so floor(value) names it.
    // A log-scale axis on [1, 2^20): stratum k of 1000 is log2(value) in [k, k + 1) x 20 / 1000.
    DesignSpace s;
    Axis list, lin, lg, u;
    list.values = {1LL, 2LL};
    lin.kind = AxisKind::latin_hypercube;
    lin.from = 0.0;
    lin.to = 1000.0;
    lg.kind = AxisKind::latin_hypercube;
    lg.log_scale = true;
    lg.from = 1.0;
    lg.to = std::pow(2.0, 20);
    u.kind = AxisKind::uniform;
    u.from = 0.0;
    u.to = 1.0;
    s.axes = {list, lin, lg, u};
    s.samples = 1000;
    s.seed = 2026;
    REQUIRE(s.point_count() == 2000);
    std::vector<AxisValue> v;
    for (long long product = 0; product < 2; ++product) {
        std::vector<int> lin_hits(1000, 0), log_hits(1000, 0);
        for (std::size_t j = 0; j < 1000; ++j) {
            s.values_at(static_cast<std::size_t>(product) * 1000 + j, v);
            CHECK(std::get<long long>(v[0]) == product + 1);
            ++lin_hits[static_cast<std::size_t>(std::floor(std::get<double>(v[1])))];
            ++log_hits[static_cast<std::size_t>(std::floor(std::log2(std::get<double>(v[2])) * 1000.0 / 20.0))];
        }
        CHECK(std::count(lin_hits.begin(), lin_hits.end(), 1) == 1000);
        CHECK(std::count(log_hits.begin(), log_hits.end(), 1) == 1000);
    }
    // Sample 5's stream draws the three random axes' uniforms in the file's order: the linear
    // axis's is its place inside its stratum, and the uniform axis takes the third as drawn.
    CounterRng rng(2026, 5);
    const double jitter = rng.uniform();
    (void)rng.uniform();
    const double third = rng.uniform();
    s.values_at(5, v);
    const auto stratum = static_cast<double>(latin_hypercube_stratum(latin_hypercube_key(2026, 1), 1000, 5));
    CHECK(std::get<double>(v[1]) == doctest::Approx(stratum + jitter));  // 0 + 1000 x (stratum + jitter) / 1000
    CHECK(std::get<double>(v[3]) == third);
}
