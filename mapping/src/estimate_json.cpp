#include "lightwatt/mapping/estimate_json.hpp"

#include "lightwatt/photonics/photonic_core.hpp"

namespace lightwatt::mapping {

nlohmann::json estimate_json(const Scenario& s, const Estimate& e) {
    nlohmann::json options = nlohmann::json::array();
    for (const auto& o : e.options) {
        nlohmann::json breakdown;
        for (const EnergyPart part : enum_values<EnergyPart>()) breakdown[std::string(enum_name(part))] = in_joules(o.energy.per_token[part]);
        const double j = in_joules(o.energy.total());
        options.push_back({{"name", o.energy.option},
                           {"j_per_token", j},
                           {"j_per_token_low", in_joules(o.low)},
                           {"j_per_token_high", in_joules(o.high)},
                           {"gpu_only_j_per_token", in_joules(o.gpu_only_per_token)},
                           {"tokens_per_s", o.energy.tokens_per_s},
                           {"tokens_per_joule", 1.0 / j},
                           {"breakdown_j_per_token", breakdown},
                           {"saving_vs_baseline_pct", o.saving_vs_baseline_pct},
                           {"power_per_gpu_w", in_watts(o.energy.power_per_gpu())},
                           {"gpus_in_power_budget", o.gpus_in_budget},
                           {"tokens_per_s_in_power_budget", o.tokens_per_s_in_budget},
                           {"cycle_s", in_seconds(o.cycle.cycle)},
                           {"tp", o.parallelism.tp},
                           {"pp", o.parallelism.pp},
                           {"gemm_times_from_calibration", o.cycle.gemm_from_calibration},
                           {"collective_times_from_calibration", o.cycle.collectives_from_calibration}});
        if (!o.offload_accuracy.empty()) {
            nlohmann::json accuracy = nlohmann::json::array();
            for (const auto& a : o.offload_accuracy)
                accuracy.push_back({{"gemm", a.gemm},
                                    {"outputs_sampled", a.outputs_sampled},
                                    {"reduction_k", a.reduction},
                                    {"rows", a.rows},
                                    {"snr_db", a.snr_db},
                                    {"enob", a.enob},
                                    {"rel_rms_error", a.rel_rms_error}});
            options.back()["offload_accuracy"] = accuracy;
        }
        if (s.mode == Mode::serving) {
            options.back()["inter_token_latency_ms"] = in_milliseconds(o.inter_token_latency);
            options.back()["meets_latency_target"] = o.meets_latency_target;
            options.back()["memory_per_gpu_gbyte"] = in_gigabytes(o.memory.total());
        }
    }
    const CycleEstimate& c = e.cycle;
    nlohmann::json phases = nlohmann::json::array();
    for (const auto& ph : c.phases)
        phases.push_back({{"name", std::string(enum_name(ph.phase))},
                          {"step_s", in_seconds(ph.time.total)},
                          {"repeats", ph.repeats},
                          {"gpu_power_w", in_watts(ph.time.gpu_power)},
                          {"communication_s", in_seconds(ph.time.communication)}});
    nlohmann::json j = {{"scenario", s.file},
                        {"description", s.description},
                        {"mode", std::string(enum_name(s.mode))},
                        {"model", s.model},
                        {"tp", s.parallelism.tp},
                        {"pp", s.parallelism.pp},
                        {"gpus", c.gpus},
                        {"calibration_source", e.calibration_source},
                        {"cycle_s", in_seconds(c.cycle)},
                        {"tokens_per_cycle", c.tokens},
                        {"phases", phases},
                        {"power_budget_w", in_watts(s.power_budget)},
                        {"options", options}};
    j["parallelism"] = s.search_parallelism ? "search" : "fixed";
    if (s.search.max_inter_token_latency) j["max_inter_token_latency_ms"] = in_milliseconds(*s.search.max_inter_token_latency);
    if (s.mode == Mode::serving) {
        j["batch"] = s.point.batch;
        j["gpus_per_replica"] = c.gpus;
        j["decode_step_s"] = in_seconds(c.phase(Phase::decode).total);
        j["prefill_s"] = in_seconds(c.phase(Phase::prefill).total);
    } else {
        j["dp"] = s.parallelism.dp;
        j["tokens_per_step"] = s.training.tokens_per_step;
        j["sequence_length"] = s.training.sequence_length;
        j["model_tflop_per_s_per_gpu"] = in_teraflops_per_second(e.model_flop_rate_per_gpu);
    }
    return j;
}

}  // namespace lightwatt::mapping
