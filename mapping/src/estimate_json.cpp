#include "lightwatt/mapping/estimate_json.hpp"

#include "lightwatt/mapping/estimate_records.hpp"

#include "lightwatt/photonics/photonic_core.hpp"

namespace lightwatt::mapping {

nlohmann::json estimate_json(const Scenario& s, const Estimate& e) {
    nlohmann::json options = nlohmann::json::array();
    for (const auto& o : e.options) options.push_back(nlohmann::json(option_record(o, s.mode, RecordView::json)));
    const CycleEstimate& c = e.cycle;
    nlohmann::json phases = nlohmann::json::array();
    for (const auto& ph : c.phases) phases.push_back(nlohmann::json(phase_record(ph, RecordView::json)));
    nlohmann::json j = {{"scenario", s.file},
                        {"description", s.description},
                        {"mode", std::string(enum_name(s.mode))},
                        {"model", s.model},
                        {"tp", s.parallelism.tp},
                        {"pp", s.parallelism.pp},
                        {"gpus", c.gpus},
                        {"gpu", e.gpu},
                        {"system", s.system},
                        {"announced", e.announced},
                        {"fabric_from_calibration", e.fabric_from_calibration},
                        {"calibration_source", e.calibration_source},
                        {"cycle_s", in_seconds(c.cycle)},
                        {"tokens_per_cycle", c.tokens},
                        {"phases", phases},
                        {"power_budget_w", in_watts(s.power_budget)},
                        {"options", options}};
    j["serving_calibration"] = {{"runs", s.serving_runs},
                                {"fitted_on_gpu", e.serving.fitted_on},
                                {"per_layer_us", in_seconds(e.serving.per_layer) * 1e6},
                                {"per_sequence_us", in_seconds(e.serving.per_sequence) * 1e6},
                                {"static_power_w", in_watts(e.serving.static_power)},
                                {"w_per_tflop_per_s", in_picojoules_per_flop(e.serving.energy_per_flop)},
                                {"w_per_tb_per_s", in_picojoules_per_byte(e.serving.hbm_energy_per_bit)},
                                {"max_power_w", in_watts(e.serving.max_power)},
                                {"source", e.serving.source}};
    j["parallelism"] = s.search_parallelism ? "search" : "fixed";
    if (s.search.max_inter_token_latency)
        j["max_inter_token_latency_ms"] = in_milliseconds(*s.search.max_inter_token_latency);
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
