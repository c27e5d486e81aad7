// Rows of the ML.ENERGY benchmark v3 file beside the checkout (validation/ml-energy-v3-runs.tsv,
// $LIGHTWATT_SHARED_DATA): the validation tests read them there; they are never copied into the
// repository (docs/validation.md).
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace lightwatt::testing {

// One configuration: its mean batch and measured GPU energy per output token.
struct MlEnergyRun {
    std::string file, precision;
    int gpus = 1, tp = 1, ep = 1;
    double mean_batch = 0, joules_per_token = 0;
    double power_per_gpu_w = 0, tokens_per_s = 0, median_itl_ms = 0;
};

// The rows measured on `gpu` ("H100", "B200"), by the file's header names.
inline std::vector<MlEnergyRun> read_ml_energy_runs(const std::string& path, const std::string& gpu) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    std::vector<std::string> header;
    for (std::stringstream h(line); std::getline(h, line, '\t');) header.push_back(line);
    std::vector<MlEnergyRun> runs;
    while (std::getline(in, line)) {
        std::map<std::string, std::string> row;
        std::stringstream fields(line);
        for (const auto& column : header) std::getline(fields, row[column], '\t');
        if (row["gpu"] != gpu) continue;
        runs.push_back({row["file"], row["prec"], std::stoi(row["n"]), std::stoi(row["tp"]), std::stoi(row["ep"]),
                        std::stod(row["avg_bs"]), std::stod(row["J_per_tok"]), std::stod(row["W_per_gpu"]),
                        std::stod(row["out_tok_s"]), std::stod(row["med_itl_ms"])});
    }
    return runs;
}

}  // namespace lightwatt::testing
