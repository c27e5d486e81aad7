#include "lightwatt/interconnect/collective_fit.hpp"

#include <algorithm>
#include <cmath>

#include "lightwatt/core/error.hpp"

namespace lightwatt::interconnect {

Time predict_time(const CollectiveFit& fit, Information size) {
    const double factor = bus_bandwidth_factor(fit.collective, fit.ranks);
    // S f / B_bus: bytes over bytes per second.
    return fit.latency + seconds(in_bytes(size) * factor / (in_gigabytes_per_second(fit.bus_bandwidth) * 1e9));
}

CollectiveFit fit_collective(const NcclTestsRun& run, Information max_fit_size) {
    if (!run.collective || run.ranks < 1)
        throw InputError({run.file, run.first_line, "collective", run.program,
                          "the run's collective or rank count is unknown", "a log with its device list and marker, or --collective"});
    CollectiveFit fit;
    fit.collective = *run.collective;
    fit.ranks = run.ranks;
    fit.nodes = std::max(1, run.nodes);
    // Least squares for t = a + b S on absolute time: the largest rows, nearest the bandwidth
    // plateau, weigh most, which is what extrapolation to larger messages needs (a relative-error
    // fit lets the ramp at small sizes pull the slope: docs/calibration.md compares the two).
    double sw = 0, sws = 0, sws2 = 0, swt = 0, swst = 0;
    for (const auto& row : run.rows) {
        if (row.size > max_fit_size) continue;
        for (const NcclTestsHalf* h : {&row.out_of_place, &row.in_place}) {
            const double s = in_bytes(row.size), t = in_microseconds(h->time), w = 1.0;
            sw += w;
            sws += w * s;
            sws2 += w * s * s;
            swt += w * t;
            swst += w * s * t;
            ++fit.halves_fitted;
            fit.max_fitted_size = std::max(fit.max_fitted_size, row.size);
        }
    }
    if (fit.halves_fitted == 0)
        throw InputError({run.file, run.first_line, "max fit size", format_number(in_bytes(max_fit_size)) + " B",
                          "no row of this run is small enough to fit", "a size limit at or above the run's smallest size"});
    const double det = sw * sws2 - sws * sws;
    double a = 0.0, b = 0.0;
    if (det > 1e-12 * sw * sws2) {
        a = (sws2 * swt - sws * swst) / det;
        b = (sw * swst - sws * swt) / det;
    }
    if (!(det > 1e-12 * sw * sws2) || a < 0.0) {
        a = 0.0;
        b = swst / sws2;
    }
    if (!(b > 0.0) || !std::isfinite(b))
        throw InputError({run.file, run.first_line, "rows", std::to_string(fit.halves_fitted) + " halves",
                          "time does not grow with size", "rows whose time grows with size"});
    const double factor = bus_bandwidth_factor(fit.collective, fit.ranks);
    fit.latency = microseconds(a);
    // b in microseconds per byte: algbw = 1 / b bytes per microsecond = 1e-3 / b GB/s.
    fit.bus_bandwidth = gigabytes_per_second(1e-3 / b * factor);
    double square = 0.0;
    std::vector<double> errors;
    for (const auto& row : run.rows) {
        for (const NcclTestsHalf* h : {&row.out_of_place, &row.in_place}) {
            const Time predicted = predict_time(fit, row.size);
            const double e = (predicted - h->time) / h->time;
            if (row.size <= max_fit_size) {
                square += e * e;
            } else {
                fit.held_out.push_back({row.size, h->time, predicted});
                errors.push_back(std::abs(e));
            }
        }
    }
    fit.fit_rms_relative_error = std::sqrt(square / fit.halves_fitted);
    if (!errors.empty()) {
        std::sort(errors.begin(), errors.end());
        const std::size_t mid = errors.size() / 2;
        fit.median_held_out_error = errors.size() % 2 == 1 ? errors[mid] : 0.5 * (errors[mid - 1] + errors[mid]);
    }
    fit.nccl_latency_ll = nccl_ring_latency(fit.collective, fit.ranks, fit.nodes, NcclProtocol::ll);
    fit.nccl_latency_simple = nccl_ring_latency(fit.collective, fit.ranks, fit.nodes, NcclProtocol::simple);
    return fit;
}

}  // namespace lightwatt::interconnect
