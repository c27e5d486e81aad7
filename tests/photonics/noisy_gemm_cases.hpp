// The reference cases of the GPU backend (photonics/cuda/check/reference): small products through
// the catalog's cores, one per kernel path the GPU has (ADC shape, auxiliary sum, LO rotation),
// with the ADC as good as off, on, and with every noise source. 40 x 96 times 96 x 32 on 32 x 32
// tiles: two tile rows (the second zero-padded), three k tiles, in 50 to 80 KB each.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "lightwatt/photonics/emulation.hpp"
#include "lightwatt/photonics/emulation_request.hpp"
#include "lightwatt/photonics/mac_emulator.hpp"
#include "lightwatt/photonics/photonic_core.hpp"

namespace lightwatt::testing {

struct NoisyGemmCase {
    std::string name;  // the file is NAME.bin
    photonics::MacEmulatorConfig config;
};

inline constexpr long long kCaseRows = 40, kCaseInner = 96, kCaseColumns = 32;

inline std::vector<NoisyGemmCase> noisy_gemm_cases(const photonics::PhotonicCoreCatalog& catalog) {
    using photonics::MacArchitecture;
    const auto core = [&](MacArchitecture a) {
        photonics::MacEmulatorConfig c = catalog.for_architecture(a).emulator;
        c.seed = photonics::kDefaultEmulationSeed;
        c.tile_rows = c.tile_cols = 32;
        c.drift.interval = seconds(0.0);
        return c;
    };
    const auto quiet = [](photonics::MacEmulatorConfig c) {
        c.shot_noise = c.thermal_noise = c.rin_noise = false;
        return c;
    };
    photonics::MacEmulatorConfig adc_off = quiet(core(MacArchitecture::dot_product_engine));
    adc_off.adc_bits = 24;  // steps of 2^-23 of the full scale: the ADC as good as off
    photonics::MacEmulatorConfig drifting = core(MacArchitecture::coherent_mesh);
    drifting.drift.interval = seconds(1.0);  // 1/f LO phase drift (mac_emulator_test.cpp's level)
    drifting.drift.lo_phase_psd_rad2_per_hz = 1e-4;
    return {{"adc_off", adc_off},
            {"adc_on", quiet(core(MacArchitecture::dot_product_engine))},
            {"noisy", core(MacArchitecture::dot_product_engine)},
            {"noisy_microring", core(MacArchitecture::microring_bank)},
            {"noisy_coherent_drift", drifting}};
}

// The cases' matrices: uniform in [-1, 1], as `lightwatt emulate` draws them.
inline Eigen::MatrixXd noisy_gemm_case_weights() {
    return photonics::random_matrix(kCaseRows, kCaseInner, photonics::kDefaultEmulationSeed, photonics::kWeightsStream);
}
inline Eigen::MatrixXd noisy_gemm_case_inputs() {
    return photonics::random_matrix(kCaseInner, kCaseColumns, photonics::kDefaultEmulationSeed,
                                    photonics::kInputsStream);
}

}  // namespace lightwatt::testing
