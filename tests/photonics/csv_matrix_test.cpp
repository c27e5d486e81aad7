#include <doctest/doctest.h>

#include "lightwatt/core/error.hpp"
#include "lightwatt/photonics/csv_matrix.hpp"
#include "input_error_of.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

namespace {
InputErrorDetails csv_error(const std::string& text) {
    return testing::input_error_of([&] { (void)parse_csv_matrix(text, "m.csv"); }, text);
}
}  // namespace

TEST_CASE("CSV matrices: rows per line, comments and blank lines skipped, spaces allowed") {
    const auto m = parse_csv_matrix("# header\n1, 2.5, -3\n\n 4e-1,5,6 \r\n", "m.csv");
    REQUIRE(m.rows() == 2);
    REQUIRE(m.cols() == 3);
    CHECK(m(0, 1) == 2.5);
    CHECK(m(1, 0) == doctest::Approx(0.4));
    CHECK(m(1, 2) == 6.0);
    CHECK(parse_csv_matrix("7", "one.csv")(0, 0) == 7.0);
}

TEST_CASE("CSV errors name the line and column") {
    auto d = csv_error("1,2\n3,x\n");
    CHECK(d.line == 2);
    CHECK(d.key == "column 2");
    CHECK(d.value == "\"x\"");
    CHECK(d.problem == "not a finite number");
    d = csv_error("1,2,3\n4,5\n");
    CHECK(d.line == 2);
    CHECK(d.problem == "rows of different lengths");
    CHECK(csv_error("1,,3\n").problem == "empty field");
    CHECK(csv_error("nan,1\n").problem == "not a finite number");
    CHECK(csv_error("1e999\n").problem == "not a finite number");
    CHECK(csv_error("# nothing\n\n").problem == "no values");
    CHECK(csv_error("").problem == "no values");
}
