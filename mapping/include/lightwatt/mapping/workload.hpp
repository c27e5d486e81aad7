// The work of one serving step of an LLM under a parallelism (docs/models/workload.md, section 2):
// every GEMM with its per-GPU shape, attention FLOPs, the bytes read from HBM (weights, KV cache),
// and every collective with its bytes, ranks and the fabric tier it crosses.
//
// A replica is tp x pp GPUs (tensor and pipeline parallel), serving `batch` sequences together;
// the experts of a mixture-of-experts model are spread over ep GPUs of the replica (ep divides
// tp x pp's GPUs' count or equals it). With data-parallel attention (attention_dp > 1, a MoE
// layout) a stage is tp x attention_dp GPUs: each attention_dp rank holds the full attention
// weights of its tp group and serves batch / attention_dp sequences, the experts spread over all
// of them (ep = tp x attention_dp), tokens dispatched to them and combined by all-to-all. Decode:
// one new token per sequence per step, at the mean context of the decode phase (prompt +
// output / 2). Prefill: the whole prompt of every sequence.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/interconnect/collective.hpp"
#include "lightwatt/mapping/llm.hpp"

namespace lightwatt::mapping {

struct Parallelism {
    int tp = 1;                 // tensor parallel
    int pp = 1;                 // pipeline stages
    int ep = 1;                 // expert parallel (MoE); 1 = every GPU holds every expert of its layers
    int gpus_per_scale_up = 8;  // GPUs in one scale-up (NVLink-class) domain
    int dp = 1;                 // data-parallel replicas that synchronise gradients (training)
    int virtual_stages = 1;     // model chunks per GPU in an interleaved pipeline (training)
    int attention_dp = 1;       // serving, MoE: data-parallel attention ranks per stage (ep = tp x attention_dp)
};

// GPUs of one serving replica: tp x pp x attention_dp.
[[nodiscard]] inline int replica_gpus(const Parallelism& p) { return p.tp * p.pp * p.attention_dp; }

struct ServingPoint {
    int batch = 1;  // sequences decoded together
    int prompt_tokens = 0;
    int output_tokens = 1;
    double bytes_per_weight = 2.0;
    double bytes_per_activation = 2.0;
    double bytes_per_kv = 2.0;
    // Routed experts' weights when stored otherwise than the rest (gpt-oss: MXFP4, 4.25 / 8 bytes);
    // empty: bytes_per_weight.
    std::optional<double> bytes_per_expert_weight{};
};

// A cycle's phases (serving_time.hpp, CyclePhase); the pipeline bubble is a phase of time only.
enum class Phase { prefill, decode, forward_backward, pipeline_bubble, optimizer };
enum class FabricTier { scale_up, scale_out };
// The GEMMs of a layer and the output head; a scenario option offloads them by these names
// (offload_gemms).
enum class Gemm { qkv, attention_out, gate_up, down, router, experts_gate_up, experts_down, lm_head };

}  // namespace lightwatt::mapping

template <>
struct lightwatt::EnumTable<lightwatt::mapping::Gemm> {
    using enum mapping::Gemm;
    static constexpr auto entries = std::to_array<EnumEntry<mapping::Gemm>>({{qkv, "qkv"},
                                                                             {attention_out, "attention_out"},
                                                                             {gate_up, "gate_up"},
                                                                             {down, "down"},
                                                                             {router, "router"},
                                                                             {experts_gate_up, "experts_gate_up"},
                                                                             {experts_down, "experts_down"},
                                                                             {lm_head, "lm_head"}});
    static constexpr std::string_view noun = "GEMM";
};

template <>
struct lightwatt::EnumTable<lightwatt::mapping::Phase> {
    using enum mapping::Phase;
    static constexpr auto entries = std::to_array<EnumEntry<mapping::Phase>>({{prefill, "prefill"},
                                                                              {decode, "decode"},
                                                                              {forward_backward, "forward_backward"},
                                                                              {pipeline_bubble, "pipeline_bubble"},
                                                                              {optimizer, "optimizer"}});
};

template <>
struct lightwatt::EnumTable<lightwatt::mapping::FabricTier> {
    static constexpr auto entries = std::to_array<EnumEntry<mapping::FabricTier>>(
        {{mapping::FabricTier::scale_up, "scale_up"}, {mapping::FabricTier::scale_out, "scale_out"}});
};

namespace lightwatt::mapping {

struct GemmOp {
    std::string name;            // a Gemm's name: "qkv", "attention_out", ..., "lm_head"
    double m = 0, n = 0, k = 0;  // per GPU: (m x k) times (k x n)
    double count = 0;            // per step, per GPU (layers on this GPU's stage)
    // Bytes per weight as this GEMM reads them (experts may be stored otherwise than the rest);
    // empty: the serving point's bytes_per_weight.
    std::optional<double> bytes_per_weight{};
    [[nodiscard]] double flops() const { return 2.0 * m * n * k * count; }
};

struct CollectiveOp {
    std::string purpose;  // "tensor-parallel all-reduce", "expert dispatch", ...
    interconnect::Collective collective = interconnect::Collective::all_reduce;
    Information size{};  // nccl-tests "size" of one call
    int ranks = 1;
    FabricTier tier = FabricTier::scale_up;
    int nodes = 1;     // nodes (scale-up domains) the group spans
    double count = 0;  // calls per step, per GPU
};

struct StepWork {
    Phase phase = Phase::decode;
    double tokens = 0;           // tokens the step produces (decode) or ingests (prefill), per replica
    int layers = 0;              // the model's layers (a stage holds ceil(layers / pp))
    std::vector<GemmOp> gemms;   // per GPU
    double attention_flops = 0;  // per GPU: Q K^T and P V
    Information weights_read{};  // per GPU, read once per step
    Information kv_read{};       // per GPU
    Information kv_written{};    // per GPU
    Information
        elementwise_traffic{};  // per GPU: memory-bound element-wise traffic (training activations, optimizer update)
    std::vector<CollectiveOp> collectives;
    [[nodiscard]] double gemm_flops() const;
    [[nodiscard]] int gpus(const Parallelism& p) const { return replica_gpus(p); }
};

// Bits one GPU sends over each tier in one step (ring algorithms: 2(n-1)/n S per GPU for
// all-reduce, (n-1)/n S for all-gather, reduce-scatter and all-to-all, S for send/recv).
struct TierTraffic {
    Information scale_up{}, scale_out{};
};
TierTraffic step_traffic(const StepWork& w);

// The tier and node count of a group of `ranks` GPUs placed `stride` GPUs apart (a tensor-parallel
// group has stride 1; a data-parallel group stride tp x pp).
struct GroupPlacement {
    FabricTier tier = FabricTier::scale_up;
    int nodes = 1;
};
GroupPlacement place_group(int ranks, int stride, const Parallelism& p);

// Checks the parallelism against the model (tp divides the attention heads, and the KV heads or is
// a multiple of them; pp at most the layers; ep divides the experts and the replica's GPUs;
// attention_dp > 1 only for a MoE model with ep = tp x attention_dp) and the operating point
// (batch >= 1, ...). Throws InputError keyed by the field ("tp", "batch"),
// without a file: the caller relocates it where the field was read.
void validate(const LlmSpec& m, const Parallelism& p, const ServingPoint& s);

// Distinct experts a batch of `tokens` tokens touches in one layer, each token picking `active` of
// `experts` uniformly: E (1 - (1 - a/E)^T).
double experts_touched(int experts, int active, double tokens);

StepWork decode_step(const LlmSpec& m, const Parallelism& p, const ServingPoint& s);
StepWork prefill_step(const LlmSpec& m, const Parallelism& p, const ServingPoint& s);

}  // namespace lightwatt::mapping
