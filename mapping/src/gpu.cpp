#include "lightwatt/mapping/gpu.hpp"

namespace lightwatt::mapping {

namespace {

GpuSpec read_gpu(TableReader& r) {
    GpuSpec g;
    g.description = r.optional_string("description").value_or("");
    g.device_names = r.optional_string_list("device_names").value_or(std::vector<std::string>{});
    g.peak_bf16 = teraflops_per_second(r.number("peak_bf16_tflop_per_s", Range::positive()));
    g.peak_fp8 = teraflops_per_second(r.number("peak_fp8_tflop_per_s", Range::positive()));
    g.hbm_bandwidth = gigabytes_per_second(r.number("hbm_gbyte_per_s", Range::positive()));
    g.hbm_efficiency = r.number("hbm_efficiency", Range::unit_interval_open_closed());
    g.hbm_capacity = gigabytes(r.number("hbm_gbyte", Range::positive()));
    g.nvlink_bandwidth = gigabytes_per_second(r.number("nvlink_gbyte_per_s", Range::positive()));
    g.tdp = watts(r.number("tdp_w", Range::positive()));
    TableReader ll = r.table("nccl_ll_max_bus_gbyte_per_s");
    g.nccl_ll_max_bus_bandwidth = {gigabytes_per_second(ll.number("one_node", Range::positive())),
                                   gigabytes_per_second(ll.number("two_nodes", Range::positive())),
                                   gigabytes_per_second(ll.number("more_nodes", Range::positive()))};
    ll.finish();
    return g;
}

}  // namespace

FlopRate peak_for_weights(const GpuSpec& gpu, double bytes_per_weight) {
    constexpr double kFp8Bytes = 1.0;
    return bytes_per_weight <= kFp8Bytes ? gpu.peak_fp8 : gpu.peak_bf16;
}

DataRate effective_hbm_bandwidth(const GpuSpec& gpu) { return gpu.hbm_bandwidth * gpu.hbm_efficiency; }

DataRate nccl_ll_max_bus_bandwidth(const GpuSpec& gpu, int nodes) {
    return gpu.nccl_ll_max_bus_bandwidth[nodes <= 1 ? 0 : (nodes == 2 ? 1 : 2)];
}

GpuCatalog read_gpu_catalog(TableReader root) { return read_named_catalog(std::move(root), "gpus", read_gpu); }

GpuCatalog load_gpu_catalog(const std::filesystem::path& data_dir) {
    const auto doc = TomlDocument::parse_file(data_dir / "gpus.toml");
    return read_gpu_catalog(doc.root());
}

}  // namespace lightwatt::mapping
