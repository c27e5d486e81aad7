// Receivers and the lane power budget (photonics/receiver.hpp, ber.hpp, link_budget.hpp): the
// photodetector and TIA models, sensitivity and BER under given conditions, and the budget's
// forward and inverse answers. Every quantity carries its unit in its name; values a user gives
// are checked against the ranges the catalogs allow (InputError otherwise).
#include <cmath>

#include "bindings.hpp"
#include "lightwatt/photonics/ber.hpp"
#include "lightwatt/photonics/link_budget.hpp"
#include "lightwatt/photonics/receiver.hpp"

namespace lightwatt::python {

using namespace lightwatt::photonics;

namespace {

Modulation modulation_of(const std::string& name) {
    if (name == "nrz") return Modulation::nrz;
    if (name == "pam4") return Modulation::pam4;
    throw InputError::at("modulation", "\"" + name + "\"", "unknown modulation", "\"nrz\" or \"pam4\"");
}

double finite(const char* name, double v) {
    if (!std::isfinite(v)) throw InputError::at(name, format_number(v), "not a finite number", "a finite number");
    return v;
}

ReceiverConditions conditions(double symbol_rate_gbaud, const std::string& modulation, double target_ber,
                              double extinction_ratio_db, std::optional<double> rin_db_per_hz) {
    ReceiverConditions c;
    c.modulation = modulation_of(modulation);
    if (!(symbol_rate_gbaud > 0.0) || !(symbol_rate_gbaud <= 1e4))
        throw InputError::at("symbol_rate_gbaud", format_number(symbol_rate_gbaud), "out of range",
                             "a rate in (0, 1e4] GBd");
    c.symbol_rate = gigabaud(symbol_rate_gbaud);
    c.target_ber = target_ber;
    if (!(extinction_ratio_db > 0.0) || !(extinction_ratio_db <= 60.0))
        throw InputError::at("extinction_ratio_db", format_number(extinction_ratio_db), "out of range",
                             "a ratio in (0, 60] dB");
    c.extinction_ratio = Decibel(extinction_ratio_db);
    if (rin_db_per_hz)
        c.rin_db_per_hz = checked_number("rin_db_per_hz", *rin_db_per_hz, -250.0, -50.0, "[-250, -50] dB/Hz, or None");
    return c;
}

double checked_ber(const char* name, double ber, Modulation m) {
    const double ceiling = ber_from_eye_q(0.0, m);  // a coin toss per eye
    if (!(ber > 0.0) || !(ber < ceiling))
        throw InputError::at(name, format_number(ber), "out of range",
                             "a bit error ratio in (0, " + format_number(ceiling) + ")");
    return ber;
}

}  // namespace

void bind_receiver(nb::module_& m) {
    nb::class_<Photodetector>(m, "Photodetector", "A photodiode: responsivity, dark current and capacitance.")
        .def(
            "__init__",
            [](Photodetector* self, double responsivity_a_per_w, double dark_current_na, double capacitance_ff,
               const std::string& name) {
                checked_number("responsivity_a_per_w", responsivity_a_per_w, 0.0, 1.6,
                               "a responsivity in (0, 1.6] A/W");
                if (responsivity_a_per_w == 0.0)
                    throw InputError::at("responsivity_a_per_w", "0", "out of range", "a responsivity in (0, 1.6] A/W");
                checked_number("dark_current_na", dark_current_na, 0.0, 1e9, "a current >= 0 nA");
                checked_number("capacitance_ff", capacitance_ff, 1e-9, 1e9, "a capacitance > 0 fF");
                new (self) Photodetector{name, amperes_per_watt(responsivity_a_per_w), nanoamperes(dark_current_na),
                                         femtofarads(capacitance_ff)};
            },
            nb::kw_only(), nb::arg("responsivity_a_per_w"), nb::arg("dark_current_na"), nb::arg("capacitance_ff"),
            nb::arg("name") = "", "A photodetector; the ranges are those data/devices.toml allows.")
        .def_ro("name", &Photodetector::name)
        .def_prop_ro("responsivity_a_per_w", [](const Photodetector& p) { return in_amperes_per_watt(p.responsivity); })
        .def_prop_ro("dark_current_na", [](const Photodetector& p) { return in_nanoamperes(p.dark_current); })
        .def_prop_ro("capacitance_ff", [](const Photodetector& p) { return in_femtofarads(p.capacitance); })
        .def("__repr__", [](const Photodetector& p) {
            return "Photodetector(name='" + p.name +
                   "', responsivity_a_per_w=" + format_number(in_amperes_per_watt(p.responsivity)) +
                   ", dark_current_na=" + format_number(in_nanoamperes(p.dark_current)) +
                   ", capacitance_ff=" + format_number(in_femtofarads(p.capacitance)) + ")";
        });

    nb::class_<Tia>(m, "Tia", "A transimpedance amplifier: input-referred noise, noise bandwidth, power.")
        .def(
            "__init__",
            [](Tia* self, double noise_density_pa_per_rthz, double noise_bandwidth_per_baud, double power_mw,
               const std::string& name) {
                if (!(noise_density_pa_per_rthz > 0.0) || !std::isfinite(noise_density_pa_per_rthz))
                    throw InputError::at("noise_density_pa_per_rthz", format_number(noise_density_pa_per_rthz),
                                         "out of range", "a noise density > 0 pA/sqrt(Hz)");
                if (!(noise_bandwidth_per_baud > 0.0) || !(noise_bandwidth_per_baud <= 2.0))
                    throw InputError::at("noise_bandwidth_per_baud", format_number(noise_bandwidth_per_baud),
                                         "out of range", "a ratio in (0, 2]");
                checked_number("power_mw", power_mw, 0.0, 1e6, "a power >= 0 mW");
                Tia t;
                t.name = name;
                t.input_noise_psd = picoamperes_per_root_hertz(noise_density_pa_per_rthz);
                t.noise_bandwidth_per_baud = noise_bandwidth_per_baud;
                t.power = milliwatts(power_mw);
                new (self) Tia(std::move(t));
            },
            nb::kw_only(), nb::arg("noise_density_pa_per_rthz"), nb::arg("noise_bandwidth_per_baud"),
            nb::arg("power_mw") = 0.0, nb::arg("name") = "", "A TIA; the ranges are those data/devices.toml allows.")
        .def_ro("name", &Tia::name)
        .def_prop_ro("noise_density_pa_per_rthz",
                     [](const Tia& t) { return in_picoamperes_per_root_hertz(t.input_noise_psd); })
        .def_ro("noise_bandwidth_per_baud", &Tia::noise_bandwidth_per_baud)
        .def_prop_ro("power_mw", [](const Tia& t) { return in_milliwatts(t.power); })
        .def_ro("power_from_circuit_block", &Tia::power_from_circuit_block,
                "The power was measured on a research circuit block; links scale it by the block-to-product factor.")
        .def("__repr__", [](const Tia& t) {
            return "Tia(name='" + t.name +
                   "', noise_density_pa_per_rthz=" + format_number(in_picoamperes_per_root_hertz(t.input_noise_psd)) +
                   ", noise_bandwidth_per_baud=" + format_number(t.noise_bandwidth_per_baud) +
                   ", power_mw=" + format_number(in_milliwatts(t.power)) + ")";
        });

    nb::class_<Sensitivity>(m, "Sensitivity", "A receiver's sensitivity at a target BER (all levels in OMA).")
        .def_prop_ro(
            "ideal_oma_dbm",
            [](const Sensitivity& s) {
                return s.ideal_oma ? std::optional<double>(s.ideal_oma->value()) : std::nullopt;
            },
            "Noise-limited OMA at the target BER; None when a RIN error floor lies above the target.")
        .def_prop_ro(
            "oma_dbm",
            [](const Sensitivity& s) { return s.oma ? std::optional<double>(s.oma->value()) : std::nullopt; },
            "ideal_oma_dbm plus the implementation penalty: what a budget uses. None when no OMA closes.")
        .def_prop_ro("implementation_penalty_db", [](const Sensitivity& s) { return s.implementation_penalty.value(); })
        .def_ro("eye_q", &Sensitivity::eye_q, "The per-eye Q the target BER needs.")
        .def_prop_ro("thermal_noise_rms_ua", [](const Sensitivity& s) { return in_microamperes(s.thermal_noise_rms); })
        .def_prop_ro(
            "closes", [](const Sensitivity& s) { return s.oma.has_value(); }, "False under a RIN error floor.")
        .def("__repr__", [](const Sensitivity& s) {
            return std::string("Sensitivity(oma_dbm=") + (s.oma ? format_number(s.oma->value()) : "None") +
                   ", eye_q=" + format_number(s.eye_q) + ")";
        });

    m.def(
        "receiver_sensitivity",
        [](const Photodetector& pd, const Tia& tia, double symbol_rate_gbaud, const std::string& modulation,
           double target_ber, double extinction_ratio_db, std::optional<double> rin_db_per_hz,
           double implementation_penalty_db) {
            const ReceiverConditions c =
                conditions(symbol_rate_gbaud, modulation, target_ber, extinction_ratio_db, rin_db_per_hz);
            checked_ber("target_ber", target_ber, c.modulation);
            return receiver_sensitivity(pd, tia, c,
                                        Decibel(checked_number("implementation_penalty_db", implementation_penalty_db,
                                                               0.0, 30.0, "a penalty in [0, 30] dB")));
        },
        nb::arg("photodetector"), nb::arg("tia"), nb::kw_only(), nb::arg("symbol_rate_gbaud"), nb::arg("modulation"),
        nb::arg("target_ber"), nb::arg("extinction_ratio_db"), nb::arg("rin_db_per_hz").none() = nb::none(),
        nb::arg("implementation_penalty_db") = 0.0,
        "The smallest OMA that reaches `target_ber` (thermal, shot and RIN noise; worst eye), plus the implementation "
        "penalty. `modulation` is \"nrz\" or \"pam4\"; `rin_db_per_hz` None means light without RIN.");

    m.def(
        "bit_error_ratio",
        [](const Photodetector& pd, const Tia& tia, double oma_dbm, double symbol_rate_gbaud,
           const std::string& modulation, double extinction_ratio_db, std::optional<double> rin_db_per_hz) {
            const ReceiverConditions c =
                conditions(symbol_rate_gbaud, modulation, 1e-12, extinction_ratio_db, rin_db_per_hz);
            return bit_error_ratio(pd, tia, c,
                                   to_power(DecibelMilliwatt(
                                       checked_number("oma_dbm", oma_dbm, -100.0, 40.0, "a level in [-100, 40] dBm"))));
        },
        nb::arg("photodetector"), nb::arg("tia"), nb::kw_only(), nb::arg("oma_dbm"), nb::arg("symbol_rate_gbaud"),
        nb::arg("modulation"), nb::arg("extinction_ratio_db"), nb::arg("rin_db_per_hz").none() = nb::none(),
        "The BER (worst eye) of a signal of OMA `oma_dbm` at the receiver.");

    m.def(
        "gaussian_tail", [](double x) { return gaussian_tail(finite("x", x)); }, nb::arg("x"),
        "Q_G(x) = P(N(0, 1) > x).");
    m.def(
        "ber_from_eye_q",
        [](double eye_q, const std::string& modulation) {
            return ber_from_eye_q(finite("eye_q", eye_q), modulation_of(modulation));
        },
        nb::arg("eye_q"), nb::arg("modulation"), "BER of Gaussian noise at per-eye Q: NRZ Q_G(q), PAM4 (3/4) Q_G(q).");
    m.def(
        "eye_q_for_ber",
        [](double ber, const std::string& modulation) {
            const Modulation mod = modulation_of(modulation);
            return eye_q_for_ber(checked_ber("ber", ber, mod), mod);
        },
        nb::arg("ber"), nb::arg("modulation"), "The per-eye Q that gives `ber` (the inverse of ber_from_eye_q).");
    m.def(
        "oma_dbm_from_average_power",
        [](double average_power_dbm, double extinction_ratio_db) {
            if (!(extinction_ratio_db > 0.0))
                throw InputError::at("extinction_ratio_db", format_number(extinction_ratio_db), "out of range",
                                     "a ratio > 0 dB");
            return to_dbm(oma_from_average_power(
                              to_power(DecibelMilliwatt(finite("average_power_dbm", average_power_dbm))),
                              Decibel(finite("extinction_ratio_db", extinction_ratio_db))))
                .value();
        },
        nb::arg("average_power_dbm"), nb::arg("extinction_ratio_db"), "OMA = 2 P_avg (r - 1)/(r + 1), in dBm.");
    m.def(
        "extinction_ratio_penalty_db",
        [](double extinction_ratio_db, const std::string& limited) {
            if (!(extinction_ratio_db > 0.0) || !std::isfinite(extinction_ratio_db))
                throw InputError::at("extinction_ratio_db", format_number(extinction_ratio_db), "out of range",
                                     "a ratio > 0 dB");
            if (limited == "average")
                return extinction_ratio_penalty_average_limited(Decibel(extinction_ratio_db)).value();
            if (limited == "peak") return extinction_ratio_penalty_peak_limited(Decibel(extinction_ratio_db)).value();
            throw InputError::at("limited", "\"" + limited + "\"", "unknown power limit", "\"average\" or \"peak\"");
        },
        nb::arg("extinction_ratio_db"), nb::arg("limited") = "average",
        "Penalty of a finite extinction ratio: 10 log10((r+1)/(r-1)) at fixed average power, 10 log10(r/(r-1)) at "
        "fixed peak.");

    nb::class_<LinkBudget>(
        m, "LinkBudget",
        "One lane's power budget in OMA: margin = tx_oma - channel_loss - penalties - rx_sensitivity_oma.")
        .def(
            "__init__",
            [](LinkBudget* self, double tx_oma_dbm, double channel_loss_db, double penalties_db,
               double rx_sensitivity_oma_dbm) {
                new (self) LinkBudget{DecibelMilliwatt(finite("tx_oma_dbm", tx_oma_dbm)),
                                      Decibel(finite("channel_loss_db", channel_loss_db)),
                                      Decibel(finite("penalties_db", penalties_db)),
                                      DecibelMilliwatt(finite("rx_sensitivity_oma_dbm", rx_sensitivity_oma_dbm))};
            },
            nb::kw_only(), nb::arg("tx_oma_dbm"), nb::arg("channel_loss_db"), nb::arg("penalties_db"),
            nb::arg("rx_sensitivity_oma_dbm"))
        .def_prop_ro("tx_oma_dbm", [](const LinkBudget& b) { return b.tx_oma.value(); })
        .def_prop_ro("channel_loss_db", [](const LinkBudget& b) { return b.channel_loss.value(); })
        .def_prop_ro("penalties_db", [](const LinkBudget& b) { return b.penalties.value(); })
        .def_prop_ro("rx_sensitivity_oma_dbm", [](const LinkBudget& b) { return b.rx_sensitivity_oma.value(); })
        .def_prop_ro(
            "margin_db", [](const LinkBudget& b) { return b.margin().value(); }, "Negative: the link does not close.")
        .def_prop_ro(
            "power_budget_db", [](const LinkBudget& b) { return b.power_budget().value(); },
            "Launch OMA minus receiver sensitivity: what the channel and penalties may use up.")
        .def_prop_ro("received_oma_dbm", [](const LinkBudget& b) { return b.received_oma().value(); })
        .def("__repr__", [](const LinkBudget& b) {
            return "LinkBudget(tx_oma_dbm=" + format_number(b.tx_oma.value()) +
                   ", channel_loss_db=" + format_number(b.channel_loss.value()) +
                   ", penalties_db=" + format_number(b.penalties.value()) +
                   ", rx_sensitivity_oma_dbm=" + format_number(b.rx_sensitivity_oma.value()) +
                   ", margin_db=" + format_number(b.margin().value()) + ")";
        });

    m.def(
        "required_tx_oma_dbm",
        [](double rx_sensitivity_oma_dbm, double channel_loss_db, double penalties_db, double target_margin_db) {
            return required_tx_oma(DecibelMilliwatt(finite("rx_sensitivity_oma_dbm", rx_sensitivity_oma_dbm)),
                                   Decibel(finite("channel_loss_db", channel_loss_db)),
                                   Decibel(finite("penalties_db", penalties_db)),
                                   Decibel(finite("target_margin_db", target_margin_db)))
                .value();
        },
        nb::kw_only(), nb::arg("rx_sensitivity_oma_dbm"), nb::arg("channel_loss_db"), nb::arg("penalties_db"),
        nb::arg("target_margin_db") = 0.0, "The transmit OMA that closes the budget with `target_margin_db` to spare.");
    m.def(
        "max_channel_loss_db",
        [](double tx_oma_dbm, double penalties_db, double rx_sensitivity_oma_dbm, double target_margin_db) {
            return max_channel_loss(DecibelMilliwatt(finite("tx_oma_dbm", tx_oma_dbm)),
                                    Decibel(finite("penalties_db", penalties_db)),
                                    DecibelMilliwatt(finite("rx_sensitivity_oma_dbm", rx_sensitivity_oma_dbm)),
                                    Decibel(finite("target_margin_db", target_margin_db)))
                .value();
        },
        nb::kw_only(), nb::arg("tx_oma_dbm"), nb::arg("penalties_db"), nb::arg("rx_sensitivity_oma_dbm"),
        nb::arg("target_margin_db") = 0.0,
        "The largest channel loss a transmitter supports with `target_margin_db` to spare.");
}

}  // namespace lightwatt::python
