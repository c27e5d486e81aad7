#include "lightwatt/study/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lightwatt::study {

namespace {

struct Moments {
    double mean = 0.0, sd = 0.0;
};

template <class At>
Moments moments(std::size_t n, At at) {
    Moments m;
    for (std::size_t d = 0; d < n; ++d) m.mean += at(d);
    m.mean /= static_cast<double>(n);
    for (std::size_t d = 0; d < n; ++d) m.sd += (at(d) - m.mean) * (at(d) - m.mean);
    m.sd = std::sqrt(m.sd / static_cast<double>(n));
    return m;
}

// Solves a x = b (a: n x n, row-major) by Gaussian elimination with partial pivoting; a and b
// are overwritten. The system is a correlation matrix of independent draws: well conditioned.
std::vector<double> solve(std::vector<double> a, std::vector<double> b) {
    const std::size_t n = b.size();
    for (std::size_t c = 0; c < n; ++c) {
        std::size_t pivot = c;
        for (std::size_t r = c + 1; r < n; ++r)
            if (std::fabs(a[r * n + c]) > std::fabs(a[pivot * n + c])) pivot = r;
        for (std::size_t k = 0; k < n; ++k) std::swap(a[c * n + k], a[pivot * n + k]);
        std::swap(b[c], b[pivot]);
        for (std::size_t r = c + 1; r < n; ++r) {
            const double f = a[r * n + c] / a[c * n + c];
            for (std::size_t k = c; k < n; ++k) a[r * n + k] -= f * a[c * n + k];
            b[r] -= f * b[c];
        }
    }
    std::vector<double> x(n);
    for (std::size_t c = n; c-- > 0;) {
        double sum = b[c];
        for (std::size_t k = c + 1; k < n; ++k) sum -= a[c * n + k] * x[k];
        x[c] = sum / a[c * n + c];
    }
    return x;
}

}  // namespace

Sensitivity standardised_regression(const std::vector<double>& x, std::size_t inputs, const std::vector<double>& y) {
    const std::size_t n = y.size();
    Sensitivity out;
    out.src.assign(inputs, 0.0);
    out.ranked.resize(inputs);
    std::iota(out.ranked.begin(), out.ranked.end(), std::size_t{0});
    out.r_squared = 1.0;
    const Moments my = moments(n, [&](std::size_t d) { return y[d]; });
    if (n < 2 || my.sd == 0.0) return out;
    // The inputs that varied, standardised.
    std::vector<std::size_t> used;
    std::vector<Moments> mx;
    for (std::size_t j = 0; j < inputs; ++j) {
        const Moments m = moments(n, [&](std::size_t d) { return x[d * inputs + j]; });
        if (m.sd == 0.0) continue;
        used.push_back(j);
        mx.push_back(m);
    }
    const std::size_t k = used.size();
    auto z = [&](std::size_t d, std::size_t i) { return (x[d * inputs + used[i]] - mx[i].mean) / mx[i].sd; };
    // Normal equations of the standardised fit: (Z^T Z) b = Z^T y_z; its b are the SRCs.
    std::vector<double> a(k * k, 0.0), rhs(k, 0.0);
    for (std::size_t d = 0; d < n; ++d) {
        const double yz = (y[d] - my.mean) / my.sd;
        for (std::size_t i = 0; i < k; ++i) {
            const double zi = z(d, i);
            rhs[i] += zi * yz;
            for (std::size_t l = 0; l < k; ++l) a[i * k + l] += zi * z(d, l);
        }
    }
    const std::vector<double> b = k == 0 ? std::vector<double>{} : solve(a, rhs);
    double residual = 0.0;
    for (std::size_t d = 0; d < n; ++d) {
        double fit = 0.0;
        for (std::size_t i = 0; i < k; ++i) fit += b[i] * z(d, i);
        const double yz = (y[d] - my.mean) / my.sd;
        residual += (yz - fit) * (yz - fit);
    }
    // The standardised output's sum of squares is n.
    out.r_squared = 1.0 - residual / static_cast<double>(n);
    for (std::size_t i = 0; i < k; ++i) out.src[used[i]] = b[i];
    std::stable_sort(out.ranked.begin(), out.ranked.end(),
                     [&](std::size_t p, std::size_t q) { return std::fabs(out.src[p]) > std::fabs(out.src[q]); });
    return out;
}

}  // namespace lightwatt::study
