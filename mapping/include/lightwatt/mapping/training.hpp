// Training as the estimate's second mode (docs/models/training.md): one optimizer step of a
// tp x pp x dp job, its work per GPU and its time and GPU energy from the calibration.
//
// A step trains on `tokens_per_step` tokens: each of the dp pipelines runs
// n = tokens_per_step / (dp x micro_batch_sequences x sequence_length) micro-batches through its
// pp stages (1F1B schedule, `virtual_stages` model chunks per GPU when interleaved), then the
// gradients are synchronised over the dp replicas and the optimizer updates the weights.
//
//   micro-batch  forward = a prefill of micro_batch_sequences x sequence_length tokens
//                backward: per GEMM (m x k)(k x n), dX (m x n)(n x k) and dW (k x m)(m x n);
//                attention 2.5 x the forward (FlashAttention's backward); recompute adds a forward
//   step         t = (n + (pp - 1) / virtual_stages) x t_micro + t_optimizer
//   tokens       a training token is a token processed in a step (docs/contract.md)
#pragma once

#include "lightwatt/mapping/serving_time.hpp"
#include "lightwatt/mapping/workload.hpp"

namespace lightwatt::mapping {

struct TrainingPoint {
    double tokens_per_step = 0;  // global batch, tokens
    int sequence_length = 1;
    int micro_batch_sequences = 1;
    double bytes_per_weight = 2.0;  // weights as the GEMMs read them (bf16: 2)
    double bytes_per_activation = 2.0;
    double bytes_per_gradient = 4.0;                    // gradient accumulation and its reduction over dp
    double optimizer_state_bytes_per_parameter = 12.0;  // mixed-precision Adam: fp32 master, m, v
    bool shard_optimizer = true;        // states sharded over dp (ZeRO-1 / FSDP): reduce-scatter + all-gather
    bool activation_recompute = false;  // full recompute: the forward runs again in the backward
    // Activation bytes stored per token, hidden unit and layer with sequence parallelism, written in
    // the forward and read in the backward (Korthikanti et al. 2022: 34 s b h / t per layer).
    double activation_bytes_per_token_hidden_layer = 34.0;
};

// The step's work per GPU: one micro-batch's forward and backward through this GPU's stage, and
// the gradient synchronisation and optimizer update.
struct TrainingWork {
    StepWork micro_batch;
    StepWork optimizer;
    double micro_batches = 0;         // per pipeline and step
    double bubble_micro_batches = 0;  // (pp - 1) / virtual_stages: the 1F1B schedule's idle share
};

// Checks the point and its fit to the parallelism (p.dp set): tokens_per_step a whole number of
// micro-batches per pipeline, at least one. Throws InputError keyed by the field, as the serving
// validate().
void validate(const LlmSpec& m, const Parallelism& p, const TrainingPoint& t);

TrainingWork training_step(const LlmSpec& m, const Parallelism& p, const TrainingPoint& t);

// Parameters one GPU holds: every layer's and the embeddings', split over tp x pp.
double parameters_per_gpu(const LlmSpec& m, const Parallelism& p);

// One training step on tp x pp x dp GPUs. The bubble draws the activity model's static power (the
// calibration's memory-bound state without a serving calibration).
CycleEstimate estimate_training(const LlmSpec& m, const Parallelism& p, const TrainingPoint& t, const GpuSpec& gpu,
                                const interconnect::CalibrationRecord& calibration, const TimingOptions& options);

// Model FLOPs of a step per token (6 N per token for the matmul parameters N, plus causal
// attention's 6 x 2 s h per layer): what model-FLOP utilization (MFU) figures count.
double model_flops_per_token(const LlmSpec& m, int sequence_length);

}  // namespace lightwatt::mapping
