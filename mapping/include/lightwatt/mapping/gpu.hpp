// GPUs (data/gpus.toml; keys in docs/catalogs/gpus.md): the peak tensor-core rates the roofline
// divides by, HBM bandwidth and capacity, the NVLink generation and bandwidth, the power limit, and
// NCCL's per-generation cap on its low-latency protocol. A GPU of an existing generation is one
// entry there; an announced one says so (`status`).
#pragma once

#include <array>
#include <optional>
#include <filesystem>
#include <string>
#include <vector>

#include "lightwatt/core/named_catalog.hpp"
#include "lightwatt/core/product_status.hpp"
#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/core/units.hpp"

namespace lightwatt::mapping {

struct GpuSpec {
    std::string name, description;
    ProductStatus status = ProductStatus::shipping;
    // How the driver names this GPU (NVML, as nvidia-smi and nccl-tests' device lists print it):
    // how a measurement says which GPU it ran on. Empty: measurements are not checked against it.
    std::vector<std::string> device_names;
    FlopRate peak_bf16{}, peak_fp8{};  // dense tensor-core peaks
    std::optional<FlopRate> peak_fp4;  // dense FP4 (NVFP4/MXFP4) peak, where the tensor cores have it
    DataRate hbm_bandwidth{};
    double hbm_efficiency = 1.0;  // share of hbm_bandwidth a bandwidth-bound kernel reaches
    Information hbm_capacity{};
    int nvlink_generation = 0;
    DataRate nvlink_bandwidth{};     // per direction
    int nvlink_max_domain_gpus = 0;  // the most GPUs one NVLink domain of this generation spans
    Power tdp{};
    // NCCL's cap on the LL protocol's bus bandwidth for this GPU's generation (llMaxBws in NCCL's
    // tuning), by the nodes a collective spans: one, two, three or more.
    std::array<DataRate, 3> nccl_ll_max_bus_bandwidth{};
};

using GpuCatalog = NamedCatalog<GpuSpec>;

// The tensor-core format GEMMs on weights of `bytes_per_weight` run in (activations are cast to
// the weights' format): FP4 for weights of half a byte or less where the GPU has FP4 tensor cores,
// FP8 for one byte or less, BF16 otherwise.
enum class TensorFormat { bf16, fp8, fp4 };
[[nodiscard]] TensorFormat format_for_weights(const GpuSpec& gpu, double bytes_per_weight);
[[nodiscard]] FlopRate peak(const GpuSpec& gpu, TensorFormat format);
[[nodiscard]] FlopRate peak_for_weights(const GpuSpec& gpu, double bytes_per_weight);

// What one FLOP in `format` costs the power model against one BF16 FLOP: the ratio of the BF16
// peak to the format's. Tensor cores reach each format's peak at about the same board power (the
// datasheets give one power limit for all; measured on an H200 at its 700 W limit, 5 s windows, an
// FP8 8192^3 GEMM took 0.51 J above idle and a BF16 one 0.94 J: 0.54 of the energy per FLOP,
// against a peak ratio of 0.5), so the activity power model fitted on BF16 work charges a narrower
// FLOP by this share (docs/models/serving-time.md).
[[nodiscard]] double flop_energy_relative_to_bf16(const GpuSpec& gpu, TensorFormat format);

// The HBM bandwidth a bandwidth-bound kernel reaches: the datasheet's times hbm_efficiency.
[[nodiscard]] DataRate effective_hbm_bandwidth(const GpuSpec& gpu);

// The LL bus-bandwidth cap for a collective spanning `nodes` nodes.
[[nodiscard]] DataRate nccl_ll_max_bus_bandwidth(const GpuSpec& gpu, int nodes);

// [gpus.NAME] tables; unknown keys, missing keys and values out of range are InputErrors.
GpuCatalog read_gpu_catalog(TableReader root);
// data_dir/gpus.toml. Like every catalog loader, it takes the data folder.
GpuCatalog load_gpu_catalog(const std::filesystem::path& data_dir);

}  // namespace lightwatt::mapping
