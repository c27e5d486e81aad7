// Small least-squares problems of the serving calibration (docs/models/serving-time.md): the
// serving overhead per layer and per sequence, and the activity power model's three terms.
// Private to mapping; interconnect's collective fit keeps its closed-form weighted line (it sits
// below mapping and needs its own conditioning test and through-the-origin fallback).
// Declared over Eigen's core only and defined in fit.cpp, so that the QR decomposition is
// instantiated once in the library rather than in every file (and test) that calls it.
#pragma once

#include <optional>
#include <vector>

#include <Eigen/Core>

namespace lightwatt::mapping::detail {

// The least-squares b of y ~ X b (Householder QR with column pivoting); empty when the columns
// of X are linearly dependent, so that no unique answer exists.
std::optional<Eigen::VectorXd> least_squares(const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

// The least-squares b of y ~ X b over the columns `used` of X, the others held at 0.
std::optional<Eigen::VectorXd> least_squares_on(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                                const std::vector<Eigen::Index>& used);

// Least squares of y ~ X b with b >= 0, for a few unknowns: the unconstrained solution on every
// subset of the columns (the others held at 0), the feasible one of least residual. A power model
// whose terms could come out negative (a static power below zero, a negative watt per TFLOP/s)
// would give negative energies; the active-set answer is the least-squares one among physical
// models. All zeros when no subset is feasible.
Eigen::VectorXd non_negative_least_squares(const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

}  // namespace lightwatt::mapping::detail
