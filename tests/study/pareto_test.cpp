// Pareto frontiers (study/pareto.hpp) on points worked out by hand: directions, ties, NaN,
// grouping by option or system, and the keys' checks.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "input_error_of.hpp"
#include "lightwatt/study/pareto.hpp"

using namespace lightwatt;
using namespace lightwatt::study;
using lightwatt::testing::input_error_of;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

SweepResults rows_of(const std::string& csv) {
    SweepResults r;
    read_result_rows(csv, RowFormat::csv, "rows.csv", r);
    return r;
}

}  // namespace

TEST_CASE("pareto: both more-is-better, by hand") {
    // Points 0..5: (1,5) (2,4) (3,3) (2,2) (1,1) (3,1). (2,2) is beaten by (2,4) and (3,3); (1,1)
    // by all; (3,1) by (3,3). The frontier, x ascending: (1,5) (2,4) (3,3) = points 0, 1, 2.
    const std::vector<double> x{1, 2, 3, 2, 1, 3}, y{5, 4, 3, 2, 1, 1};
    CHECK(pareto_front(x, y, Better::more, Better::more) == std::vector<std::size_t>{0, 1, 2});
    // Less is better on both: (1,1) beats everything else at or above it; nothing beats it.
    CHECK(pareto_front(x, y, Better::less, Better::less) == std::vector<std::size_t>{4});
    // x less, y more: (1,5) has the least x and the most y: alone on the frontier.
    CHECK(pareto_front(x, y, Better::less, Better::more) == std::vector<std::size_t>{0});
    // x more, y less: (3,1) has the most x and the least y.
    CHECK(pareto_front(x, y, Better::more, Better::less) == std::vector<std::size_t>{5});
}

TEST_CASE("pareto: exact ties stay together, a tie on one output with less on the other does not") {
    // (2,2) twice and (2,1): the twins are both kept, (2,1) is beaten by either; (1,2) is beaten
    // by (2,2) (same y, less x).
    const std::vector<double> x{2, 2, 2, 1}, y{2, 1, 2, 2};
    CHECK(pareto_front(x, y, Better::more, Better::more) == std::vector<std::size_t>{0, 2});
}

TEST_CASE("pareto: points without both outputs are never on the frontier") {
    const std::vector<double> x{kNaN, 1, 2}, y{10, 1, kNaN};
    CHECK(pareto_front(x, y, Better::more, Better::more) == std::vector<std::size_t>{1});
    CHECK(pareto_front(std::vector<double>{}, std::vector<double>{}, Better::more, Better::more).empty());
}

TEST_CASE("frontier: per option or per system, feasible rows only, keys checked") {
    // Option a: batch 8 (40 tokens/s per user, 2e5 per MW) and batch 64 (20, 5e5): both on the
    // frontier. Option b: batch 8 (35, 1e5) is beaten by a's batch 8 only, not by b's rows, so it
    // stays on b's frontier; b at batch 64 is infeasible (no figures). Per system, dgx_h100's
    // frontier is a's two rows (a at batch 8 beats b at batch 8); gb200's is its one row.
    const SweepResults r = rows_of(
        "batch,system,option,tokens_per_s_per_user,tokens_per_s_per_megawatt,feasible,reason\n"
        "8,dgx_h100,a,40,200000,true,\n"
        "8,dgx_h100,b,35,100000,true,\n"
        "64,dgx_h100,a,20,500000,true,\n"
        "64,dgx_h100,b,,,false,does not fit\n"
        "64,gb200_nvl72,b,20,900000,false,inter-token latency above the target\n"
        "8,gb200_nvl72,b,30,600000,true,\n");
    const Frontier by_option = frontier(r, "tokens_per_s_per_user", "tokens_per_s_per_megawatt", GroupBy::option);
    CHECK(by_option.feasible_rows == 4);
    REQUIRE(by_option.groups.size() == 2);
    CHECK(by_option.groups[0].name == "a");
    CHECK(by_option.groups[0].rows == std::vector<std::size_t>{2, 0});  // x ascending: 20, then 40
    CHECK(by_option.groups[1].name == "b");
    // b: (35, 1e5) and (30, 6e5) trade one for the other: both on its frontier.
    CHECK(by_option.groups[1].rows == std::vector<std::size_t>{5, 1});
    const Frontier by_system = frontier(r, "tokens_per_s_per_user", "tokens_per_s_per_megawatt", GroupBy::system);
    REQUIRE(by_system.groups.size() == 2);
    CHECK(by_system.groups[0].name == "dgx_h100");
    CHECK(by_system.groups[0].rows == std::vector<std::size_t>{2, 0});
    CHECK(by_system.groups[1].rows == std::vector<std::size_t>{5});

    // J/token against latency, both less-is-better: the rows have neither column.
    const auto missing = input_error_of(
        [&] { (void)frontier(r, "inter_token_latency_ms", "j_per_token", GroupBy::option); }, "missing column");
    CHECK(missing.key == "--x");
    const auto unknown =
        input_error_of([&] { (void)frontier(r, "tokens_per_s_per_usr", "j_per_token", GroupBy::option); }, "typo");
    CHECK(unknown.problem.find("did you mean \"tokens_per_s_per_user\"") != std::string::npos);
    const SweepResults no_system = rows_of("option,tokens_per_s,j_per_token,feasible,reason\na,1,1,true,\n");
    CHECK(
        input_error_of([&] { (void)frontier(no_system, "tokens_per_s", "j_per_token", GroupBy::system); }, "no system")
            .key == "--by");
}
