// The accuracy an estimate reports for GEMMs offloaded to photonic cores: a seeded emulation of a
// sample of each GEMM, reproducible, and better when the core's converters have more bits.
#include <doctest/doctest.h>

#include <cmath>

#include "lightwatt/mapping/offload_accuracy.hpp"
#include "lightwatt/photonics/emulation_request.hpp"
#include "lightwatt/photonics/photonic_core.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;

namespace {
const photonics::PhotonicCore& engine() {
    static const photonics::PhotonicCoreCatalog c = photonics::load_photonic_core_catalog(LIGHTWATT_TEST_DATA_DIR);
    return c.cores.at("dot_product_engine");
}
StepWork small_step() {
    StepWork w;
    w.gemms.push_back({"gate_up", 16, 512, 1024, 1.0});  // 16 tokens, 512 outputs, k = 1024
    w.gemms.push_back({"down", 16, 1024, 256, 1.0});
    return w;
}
}  // namespace

TEST_CASE("offload accuracy: the sample's shape, reproducible figures, more ADC bits more SNR") {
    const StepWork w = small_step();
    const auto a = offload_accuracy(engine(), w, {"gate_up", "down", "qkv"}, 128, 8);
    // "qkv" is not in the step: skipped. The sample: 128 of 512 outputs, the full k, 8 of 16 rows.
    REQUIRE(a.size() == 2);
    CHECK(a[0].gemm == "gate_up");
    CHECK(a[0].outputs_sampled == 128);
    CHECK(a[0].reduction == 1024);
    CHECK(a[0].rows == 8);
    CHECK(a[1].reduction == 256);
    // The same emulation, by hand: seeded test matrices through emulate_gemm.
    photonics::MacEmulatorConfig config = engine().emulator;
    config.seed = photonics::kDefaultEmulationSeed;
    const auto direct = photonics::emulate_gemm(photonics::random_matrix(128, 1024, config.seed, 0),
                                                photonics::random_matrix(1024, 8, config.seed, 1), config);
    CHECK(a[0].snr_db == direct.snr_db);
    CHECK(a[0].rel_rms_error == direct.rel_rms_error);
    // Relative error and SNR describe the same error: rel = 10^(-SNR/20).
    CHECK(a[0].rel_rms_error == doctest::Approx(std::pow(10.0, -a[0].snr_db / 20.0)).epsilon(1e-9));
    // Two more bits everywhere: the error falls.
    photonics::PhotonicCore finer = engine();
    finer.emulator.adc_bits += 2;
    finer.emulator.dac_bits += 2;
    finer.emulator.weight_bits += 2;
    const auto b = offload_accuracy(finer, w, {"gate_up"}, 128, 8);
    CHECK(b[0].snr_db > a[0].snr_db);
}
