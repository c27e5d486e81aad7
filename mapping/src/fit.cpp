#include "fit.hpp"

#include <limits>

#include <Eigen/QR>

namespace lightwatt::mapping::detail {

std::optional<Eigen::VectorXd> least_squares(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
    const auto qr = x.colPivHouseholderQr();
    if (qr.rank() < x.cols()) return std::nullopt;
    return Eigen::VectorXd(qr.solve(y));
}

std::optional<Eigen::VectorXd> least_squares_on(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                                const std::vector<Eigen::Index>& used) {
    const auto on_used = least_squares(x(Eigen::all, used), y);
    if (!on_used) return std::nullopt;
    Eigen::VectorXd b = Eigen::VectorXd::Zero(x.cols());
    b(used) = *on_used;
    return b;
}

Eigen::VectorXd non_negative_least_squares(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
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
