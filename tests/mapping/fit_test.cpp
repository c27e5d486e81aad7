#include <doctest/doctest.h>

#include "fit.hpp"

using namespace lightwatt::mapping::detail;

TEST_CASE("least squares: an exact line is recovered; dependent columns have no answer") {
    Eigen::MatrixXd x(4, 2);
    x << 1, 1, 1, 2, 1, 3, 1, 4;
    const Eigen::VectorXd y = x * Eigen::Vector2d(0.5, 2.0);
    const auto b = least_squares(x, y);
    REQUIRE(b);
    CHECK((*b)(0) == doctest::Approx(0.5).epsilon(1e-12));
    CHECK((*b)(1) == doctest::Approx(2.0).epsilon(1e-12));
    Eigen::MatrixXd dependent(3, 2);
    dependent << 1, 2, 2, 4, 3, 6;
    CHECK_FALSE(least_squares(dependent, Eigen::Vector3d(1, 2, 3)));
    // On one column, by hand: sum(x y) / sum(x^2) = (1 + 4 + 9) x 2 / 14 = 2 for y = 2 x.
    const auto on_slope = least_squares_on(x, Eigen::Vector4d(2, 4, 6, 8), {1});
    REQUIRE(on_slope);
    CHECK((*on_slope)(0) == 0.0);
    CHECK((*on_slope)(1) == doctest::Approx(2.0).epsilon(1e-12));
}

TEST_CASE("non-negative least squares: the unconstrained answer when it is feasible, else the best feasible subset") {
    Eigen::MatrixXd x(5, 3);
    x << 1, 10, 1, 1, 20, 3, 1, 30, 2, 1, 40, 5, 1, 50, 4;
    const Eigen::VectorXd feasible = x * Eigen::Vector3d(100.0, 2.0, 30.0);
    const Eigen::VectorXd b = non_negative_least_squares(x, feasible);
    CHECK(b(0) == doctest::Approx(100.0).epsilon(1e-10));
    CHECK(b(1) == doctest::Approx(2.0).epsilon(1e-10));
    CHECK(b(2) == doctest::Approx(30.0).epsilon(1e-10));
    // y falls with the third column: its unconstrained coefficient is negative, so the answer is
    // the fit on the first two columns alone, which is the exact 100 + 2 F.
    const Eigen::VectorXd falling = x * Eigen::Vector3d(100.0, 2.0, 0.0) - 1e-9 * x.col(2);
    const Eigen::VectorXd c = non_negative_least_squares(x, falling);
    CHECK(c(2) == 0.0);
    CHECK(c(0) == doctest::Approx(100.0).epsilon(1e-9));
    CHECK(c(1) == doctest::Approx(2.0).epsilon(1e-9));
    // Nothing feasible but zero: all-negative data.
    CHECK(non_negative_least_squares(x, -feasible).isZero());
}
