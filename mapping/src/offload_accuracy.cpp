#include "lightwatt/mapping/offload_accuracy.hpp"

#include <algorithm>
#include <cmath>

#include "lightwatt/photonics/emulation_request.hpp"

namespace lightwatt::mapping {

std::vector<OffloadAccuracy> offload_samples(const StepWork& work, const std::vector<std::string>& gemms,
                                             int max_outputs, int max_rows) {
    std::vector<OffloadAccuracy> out;
    for (const std::string& name : gemms) {
        const auto it =
            std::find_if(work.gemms.begin(), work.gemms.end(), [&](const GemmOp& g) { return g.name == name; });
        if (it == work.gemms.end() || it->m < 1.0) continue;  // the model has no such GEMM (an MoE's dense FFN)
        OffloadAccuracy a;
        a.gemm = name;
        a.outputs_sampled = static_cast<int>(std::min<double>(max_outputs, std::floor(it->n)));
        a.reduction = static_cast<int>(std::llround(it->k));
        a.rows = static_cast<int>(std::min<double>(max_rows, std::floor(it->m)));
        out.push_back(a);
    }
    return out;
}

void emulate_offload_samples(const photonics::PhotonicCore& core, std::vector<OffloadAccuracy>& samples) {
    photonics::MacEmulatorConfig config = core.emulator;
    config.seed = photonics::kDefaultEmulationSeed;
    std::uint64_t stream = 0;
    for (OffloadAccuracy& a : samples) {
        // Refused before the sample is drawn: a catalog model with a huge hidden size must not
        // spend minutes allocating first.
        photonics::check_emulation_size(a.outputs_sampled, a.reduction, a.rows, config,
                                        "offloaded GEMM " + a.gemm + " (its k is the model's size)");
        // The emulator's weights are (outputs x k), its inputs (k x tokens).
        const Eigen::MatrixXd weights =
            photonics::random_matrix(a.outputs_sampled, a.reduction, config.seed, 2 * stream);
        const Eigen::MatrixXd inputs = photonics::random_matrix(a.reduction, a.rows, config.seed, 2 * stream + 1);
        const photonics::MacEmulationResult r = photonics::emulate_gemm(weights, inputs, config);
        a.snr_db = r.snr_db;
        a.enob = r.enob;
        a.rel_rms_error = r.rel_rms_error;
        ++stream;
    }
}

std::vector<OffloadAccuracy> offload_accuracy(const photonics::PhotonicCore& core, const StepWork& work,
                                              const std::vector<std::string>& gemms, int max_outputs, int max_rows) {
    std::vector<OffloadAccuracy> out = offload_samples(work, gemms, max_outputs, max_rows);
    emulate_offload_samples(core, out);
    return out;
}

}  // namespace lightwatt::mapping
