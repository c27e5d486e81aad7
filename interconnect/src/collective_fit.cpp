#include "lightwatt/interconnect/collective_fit.hpp"

#include <algorithm>
#include <cmath>

#include "lightwatt/core/error.hpp"

namespace lightwatt::interconnect {

Time predict_time(const CollectiveFit& fit, Information size) {
    const double factor = bus_bandwidth_factor(fit.collective, fit.ranks);
    // S f / B_bus.
    return fit.latency + size * factor / fit.bus_bandwidth;
}

int sequential_steps(Collective c, int ranks) {
    switch (c) {
        case Collective::all_reduce: return 2 * (ranks - 1);
        case Collective::alltoall:
        case Collective::sendrecv: return 1;
        default: return ranks - 1;
    }
}

CollectiveFit on_fabric(const CollectiveFit& measured, const FabricChange& change) {
    if (!(change.bandwidth_scale > 0.0) || !std::isfinite(change.bandwidth_scale))
        throw InputError::at("bandwidth_scale", format_number(change.bandwidth_scale), "must be positive",
                             "a ratio > 0");
    if (change.added_hop_latency < seconds(0.0))
        throw InputError::at("added_hop_latency", format_number(in_microseconds(change.added_hop_latency)) + " us",
                             "must not be negative", "a latency >= 0");
    CollectiveFit f = measured;
    f.ranks = change.ranks.value_or(measured.ranks);
    f.nodes = change.nodes.value_or(measured.nodes);
    if (f.ranks < 1 || f.nodes < 1 || f.nodes > f.ranks)
        throw InputError::at("ranks, nodes", std::to_string(f.ranks) + ", " + std::to_string(f.nodes),
                             "impossible scale", "ranks >= nodes >= 1");
    f.bus_bandwidth = measured.bus_bandwidth * change.bandwidth_scale;
    f.latency = measured.latency +
                (nccl_ring_latency(f.collective, f.ranks, f.nodes, NcclProtocol::simple) -
                 nccl_ring_latency(measured.collective, measured.ranks, measured.nodes, NcclProtocol::simple)) +
                static_cast<double>(sequential_steps(f.collective, f.ranks)) * change.added_hop_latency;
    if (f.latency < seconds(0.0)) f.latency = seconds(0.0);
    f.nccl_latency_ll = nccl_ring_latency(f.collective, f.ranks, f.nodes, NcclProtocol::ll) +
                        static_cast<double>(sequential_steps(f.collective, f.ranks)) * change.added_hop_latency;
    f.nccl_latency_simple = nccl_ring_latency(f.collective, f.ranks, f.nodes, NcclProtocol::simple) +
                            static_cast<double>(sequential_steps(f.collective, f.ranks)) * change.added_hop_latency;
    f.held_out.clear();
    f.median_held_out_error.reset();
    return f;
}

CollectiveFit fit_collective(const NcclTestsRun& run, Information max_fit_size) {
    if (!run.collective || run.ranks < 1)
        throw InputError({run.file, run.first_line, "collective", run.program,
                          "the run's collective or rank count is unknown",
                          "a log with its device list and marker, or --collective"});
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
                          "no row of this run is small enough to fit",
                          "a size limit at or above the run's smallest size"});
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
    // b in microseconds per byte: algbw = 1 byte per b microseconds.
    fit.bus_bandwidth = bytes(factor) / microseconds(b);
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
