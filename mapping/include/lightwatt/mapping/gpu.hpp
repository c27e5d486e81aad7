// GPUs (data/gpus.toml; keys in docs/catalogs/gpus.md): the peak tensor-core rates the roofline
// divides by, HBM bandwidth and capacity, the NVLink bandwidth, the TDP, and NCCL's per-generation
// cap on its low-latency protocol. A GPU of an existing generation is one entry there.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "lightwatt/core/named_catalog.hpp"
#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/core/units.hpp"

namespace lightwatt::mapping {

struct GpuSpec {
    std::string name, description;
    // How the driver names this GPU (NVML, as nvidia-smi and nccl-tests' device lists print it):
    // how a measurement says which GPU it ran on. Empty: measurements are not checked against it.
    std::vector<std::string> device_names;
    FlopRate peak_bf16{}, peak_fp8{};  // dense tensor-core peaks
    DataRate hbm_bandwidth{};
    double hbm_efficiency = 1.0;  // share of hbm_bandwidth a bandwidth-bound kernel reaches
    Information hbm_capacity{};
    DataRate nvlink_bandwidth{};  // per direction
    Power tdp{};
    // NCCL's cap on the LL protocol's bus bandwidth for this GPU's generation (llMaxBws in NCCL's
    // tuning), by the nodes a collective spans: one, two, three or more.
    std::array<DataRate, 3> nccl_ll_max_bus_bandwidth{};
};

using GpuCatalog = NamedCatalog<GpuSpec>;

// The tensor-core peak GEMMs on weights of `bytes_per_weight` run at: FP8's for weights of one
// byte or less, BF16's otherwise (activations are cast to the weights' format).
[[nodiscard]] FlopRate peak_for_weights(const GpuSpec& gpu, double bytes_per_weight);

// The HBM bandwidth a bandwidth-bound kernel reaches: the datasheet's times hbm_efficiency.
[[nodiscard]] DataRate effective_hbm_bandwidth(const GpuSpec& gpu);

// The LL bus-bandwidth cap for a collective spanning `nodes` nodes.
[[nodiscard]] DataRate nccl_ll_max_bus_bandwidth(const GpuSpec& gpu, int nodes);

// [gpus.NAME] tables; unknown keys, missing keys and values out of range are InputErrors.
GpuCatalog read_gpu_catalog(TableReader root);
// data_dir/gpus.toml. Like every catalog loader, it takes the data folder.
GpuCatalog load_gpu_catalog(const std::filesystem::path& data_dir);

}  // namespace lightwatt::mapping
