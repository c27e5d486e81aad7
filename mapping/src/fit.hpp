// Small least-squares problems of the serving calibration (docs/models/serving-time.md): the
// serving overhead per layer and per sequence, and the activity power model's three terms.
// Private to mapping; interconnect's collective fit keeps its closed-form weighted line (it sits
// below mapping and needs its own conditioning test and through-the-origin fallback).
#pragma once

#include <limits>
#include <optional>
#include <vector>

#include <Eigen/Dense>

namespace lightwatt::mapping::detail {

// The least-squares b of y ~ X b (Householder QR with column pivoting); empty when the columns
// of X are linearly dependent, so that no unique answer exists.
inline std::optional<Eigen::VectorXd> least_squares(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
    const auto qr = x.colPivHouseholderQr();
    if (qr.rank() < x.cols()) return std::nullopt;
    return Eigen::VectorXd(qr.solve(y));
}

// The least-squares b of y ~ X b over the columns `used` of X, the others held at 0.
inline std::optional<Eigen::VectorXd> least_squares_on(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                                       const std::vector<Eigen::Index>& used) {
    const auto on_used = least_squares(x(Eigen::all, used), y);
    if (!on_used) return std::nullopt;
    Eigen::VectorXd b = Eigen::VectorXd::Zero(x.cols());
    b(used) = *on_used;
    return b;
}

// Least squares of y ~ X b with b >= 0, for a few unknowns: the unconstrained solution on every
// subset of the columns (the others held at 0), the feasible one of least residual. A power model
// whose terms could come out negative (a static power below zero, a negative watt per TFLOP/s)
// would give negative energies; the active-set answer is the least-squares one among physical
// models. All zeros when no subset is feasible.
inline Eigen::VectorXd non_negative_least_squares(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
    const Eigen::Index n = x.cols();
    Eigen::VectorXd best = Eigen::VectorXd::Zero(n);
    double best_residual = std::numeric_limits<double>::infinity();
    for (unsigned mask = 1; mask < (1U << n); ++mask) {
        std::vector<Eigen::Index> used;
        for (Eigen::Index i = 0; i < n; ++i)
            if (mask & (1U << i)) used.push_back(i);
        const auto b = least_squares_on(x, y, used);
        if (!b || (b->array() < 0.0).any()) continue;
        const double residual = (y - x * *b).squaredNorm();
        if (residual < best_residual) {
            best_residual = residual;
            best = *b;
        }
    }
    return best;
}

}  // namespace lightwatt::mapping::detail
