#include "lightwatt/mapping/gpu.hpp"

namespace lightwatt::mapping {

namespace {

GpuSpec read_gpu(TableReader& r) {
    GpuSpec g;
    g.description = r.optional_string("description").value_or("");
    g.status = r.choice<ProductStatus>("status");
    g.device_names = r.optional_string_list("device_names").value_or(std::vector<std::string>{});
    g.peak_bf16 = teraflops_per_second(r.number("peak_bf16_tflop_per_s", Range::positive()));
    g.peak_fp8 = teraflops_per_second(r.number("peak_fp8_tflop_per_s", Range::positive()));
    if (const auto fp4 = r.optional_number("peak_fp4_tflop_per_s", Range::positive()))
        g.peak_fp4 = teraflops_per_second(*fp4);
    g.hbm_bandwidth = gigabytes_per_second(r.number("hbm_gbyte_per_s", Range::positive()));
    g.hbm_efficiency = r.number("hbm_efficiency", Range::unit_interval_open_closed());
    g.hbm_capacity = gigabytes(r.number("hbm_gbyte", Range::positive()));
    g.nvlink_generation = static_cast<int>(r.integer("nvlink_generation", 1, 100));
    g.nvlink_bandwidth = gigabytes_per_second(r.number("nvlink_gbyte_per_s", Range::positive()));
    g.nvlink_max_domain_gpus = static_cast<int>(r.integer("nvlink_max_domain_gpus", 2, 1 << 20));
    g.tdp = watts(r.number("tdp_w", Range::positive()));
    TableReader ll = r.table("nccl_ll_max_bus_gbyte_per_s");
    g.nccl_ll_max_bus_bandwidth = {gigabytes_per_second(ll.number("one_node", Range::positive())),
                                   gigabytes_per_second(ll.number("two_nodes", Range::positive())),
                                   gigabytes_per_second(ll.number("more_nodes", Range::positive()))};
    ll.finish();
    return g;
}

}  // namespace

TensorFormat format_for_weights(const GpuSpec& gpu, double bytes_per_weight) {
    constexpr double kFp4Bytes = 0.5, kFp8Bytes = 1.0;
    if (bytes_per_weight <= kFp4Bytes && gpu.peak_fp4) return TensorFormat::fp4;
    return bytes_per_weight <= kFp8Bytes ? TensorFormat::fp8 : TensorFormat::bf16;
}

FlopRate peak(const GpuSpec& gpu, TensorFormat format) {
    switch (format) {
        case TensorFormat::fp4: return gpu.peak_fp4.value_or(gpu.peak_fp8);
        case TensorFormat::fp8: return gpu.peak_fp8;
        case TensorFormat::bf16: break;
    }
    return gpu.peak_bf16;
}

FlopRate peak_for_weights(const GpuSpec& gpu, double bytes_per_weight) {
    return peak(gpu, format_for_weights(gpu, bytes_per_weight));
}

double flop_energy_relative_to_bf16(const GpuSpec& gpu, TensorFormat format) {
    return in_teraflops_per_second(gpu.peak_bf16) / in_teraflops_per_second(peak(gpu, format));
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
