// What a serving engine adds to the roofline step, fitted to measured serving runs of one model
// on one GPU (docs/models/serving-time.md, "Serving calibration"):
//
//   overhead    t_step += per_layer x layers on the GPU + per_sequence x batch
//   power       P = min( P_max,  P_static + a x FLOP rate + b x HBM byte rate )
//
// The overhead is the measured inter-token latency minus the model's roofline decode step, fitted
// by least squares (both terms >= 0; with one model the per-layer term is the fixed part); the
// power model by least squares on the runs below the plateau, P_max the highest measured power.
// Rates are the model's own (work over its step time), so the fit and its use agree.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/core/units.hpp"

namespace lightwatt::mapping {

struct ServingMeasurement {
    std::string name, model;
    int tp = 1;
    double bytes_per_weight = 2.0;
    int batch = 1;
    int output_tokens = 1;
    Time inter_token_latency{};  // median
    Power power{};               // all GPUs of the replica
    Energy energy_per_token{};
};

struct ServingMeasurements {
    std::string source;
    std::string gpu;  // the GPU the runs were measured on (data/gpus.toml)
    // A calibration record of that GPU (relative to the data folder) whose GEMMs time the runs'
    // roofline steps in the fit; empty: the roofline alone.
    std::string calibration_profile;
    int prompt_tokens = 0;
    std::vector<ServingMeasurement> calibration;
};
ServingMeasurements read_serving_measurements(TableReader root);
ServingMeasurements load_serving_measurements(const std::filesystem::path& file);

struct ServingCalibration {
    Time per_layer{}, per_sequence{};
    Power static_power{}, max_power{};
    EnergyPerFlop energy_per_flop{};    // a: watts per FLOP/s
    EnergyPerBit hbm_energy_per_bit{};  // b: watts per HBM bit/s
    std::string source;
    std::string fitted_on;  // the GPU the runs were measured on (data/gpus.toml); kept when carried
};

}  // namespace lightwatt::mapping
