"""Receiver and budget functions against an independent implementation of the documented model
(docs/models/optical-links.md, "Receiver")."""
from __future__ import annotations

import math

import pytest

import lightwatt

Q_ELECTRON = 1.602176634e-19


def q_tail(x: float) -> float:
    return 0.5 * math.erfc(x / math.sqrt(2))


def hand_ber(pd, tia, oma_dbm, gbaud, er_db, modulation):
    """Levels P_k = P_0 + k OMA/(M-1), P_0 = OMA/(r-1); per-eye Q from the two neighbouring
    noise rms (TIA + shot); the top eye is the worst; BER = SER/log2 M."""
    levels = {"nrz": 2, "pam4": 4}[modulation]
    oma = 10 ** (oma_dbm / 10) * 1e-3
    r = 10 ** (er_db / 10)
    bandwidth = tia.noise_bandwidth_per_baud * gbaud * 1e9
    thermal = (tia.noise_density_pa_per_rthz * 1e-12) ** 2 * bandwidth
    step = oma / (levels - 1)
    p0 = oma / (r - 1)

    def sigma(p):
        current = pd.responsivity_a_per_w * p + pd.dark_current_na * 1e-9
        return math.sqrt(thermal + 2 * Q_ELECTRON * current * bandwidth)

    q = min(pd.responsivity_a_per_w * step / (sigma(p0 + k * step) + sigma(p0 + (k + 1) * step)) for k in range(levels - 1))
    return 2 * (1 - 1 / levels) * q_tail(q) / math.log2(levels)


PD = lightwatt.Photodetector(responsivity_a_per_w=0.8, dark_current_na=10.0, capacitance_ff=100.0, name="pd")
TIA = lightwatt.Tia(noise_density_pa_per_rthz=15.0, noise_bandwidth_per_baud=0.6, power_mw=50.0, name="tia")


@pytest.mark.parametrize("modulation", ["nrz", "pam4"])
@pytest.mark.parametrize("oma_dbm", [-14.0, -10.0, -6.0])
def test_bit_error_ratio_by_hand(modulation, oma_dbm):
    ber = lightwatt.bit_error_ratio(PD, TIA, oma_dbm=oma_dbm, symbol_rate_gbaud=26.5625, modulation=modulation, extinction_ratio_db=5.0)
    assert ber == pytest.approx(hand_ber(PD, TIA, oma_dbm, 26.5625, 5.0, modulation), rel=1e-9)


def test_sensitivity_reaches_the_target_and_adds_the_penalty():
    kwargs = dict(symbol_rate_gbaud=53.125, modulation="pam4", extinction_ratio_db=4.5)
    s = lightwatt.receiver_sensitivity(PD, TIA, target_ber=2.4e-4, implementation_penalty_db=3.0, **kwargs)
    assert s.closes and s.oma_dbm == pytest.approx(s.ideal_oma_dbm + 3.0, abs=1e-12)
    assert hand_ber(PD, TIA, s.ideal_oma_dbm, 53.125, 4.5, "pam4") == pytest.approx(2.4e-4, rel=1e-6)
    # A stricter target needs more light.
    stricter = lightwatt.receiver_sensitivity(PD, TIA, target_ber=1e-6, **kwargs)
    assert stricter.ideal_oma_dbm > s.ideal_oma_dbm
    # Q for the target: PAM4 BER = (3/4) Q_G(q).
    assert 0.75 * q_tail(s.eye_q) == pytest.approx(2.4e-4, rel=1e-9)


def test_rin_floor_leaves_no_sensitivity():
    s = lightwatt.receiver_sensitivity(PD, TIA, symbol_rate_gbaud=53.125, modulation="pam4", target_ber=1e-12,
                                       extinction_ratio_db=3.0, rin_db_per_hz=-120.0)
    assert not s.closes and s.oma_dbm is None and s.ideal_oma_dbm is None


def test_ber_and_q_are_inverse():
    for modulation in ["nrz", "pam4"]:
        for ber in [1e-3, 2.4e-4, 1e-12]:
            assert lightwatt.ber_from_eye_q(lightwatt.eye_q_for_ber(ber, modulation), modulation) == pytest.approx(ber, rel=1e-9)
    assert lightwatt.gaussian_tail(1.0) == pytest.approx(q_tail(1.0), rel=1e-12)


def test_oma_and_extinction_ratio_by_hand():
    r = 10 ** 0.5
    assert lightwatt.oma_dbm_from_average_power(0.0, 5.0) == pytest.approx(10 * math.log10(2 * (r - 1) / (r + 1)), abs=1e-12)
    assert lightwatt.extinction_ratio_penalty_db(5.0) == pytest.approx(10 * math.log10((r + 1) / (r - 1)), abs=1e-12)
    assert lightwatt.extinction_ratio_penalty_db(5.0, "peak") == pytest.approx(10 * math.log10(r / (r - 1)), abs=1e-12)


def test_budget_forward_and_inverse():
    b = lightwatt.LinkBudget(tx_oma_dbm=1.2, channel_loss_db=3.0, penalties_db=3.4, rx_sensitivity_oma_dbm=-5.3)
    assert b.margin_db == pytest.approx(0.1, abs=1e-12)
    assert b.received_oma_dbm == pytest.approx(-1.8, abs=1e-12)
    assert lightwatt.required_tx_oma_dbm(rx_sensitivity_oma_dbm=-5.3, channel_loss_db=3.0, penalties_db=3.4, target_margin_db=1.0) == pytest.approx(2.1)
    assert lightwatt.max_channel_loss_db(tx_oma_dbm=1.2, penalties_db=3.4, rx_sensitivity_oma_dbm=-5.3) == pytest.approx(3.1)


def test_catalog_devices_are_the_archetypes():
    catalog = lightwatt.link_catalog()
    archetype = catalog.archetype("dsp_pluggable_800g")
    pd = archetype.photodetector
    assert pd.name in catalog.photodetector_names
    assert catalog.photodetector(pd.name).responsivity_a_per_w == pd.responsivity_a_per_w


def test_bad_receiver_input_is_an_input_error():
    with pytest.raises(lightwatt.InputError, match="responsivity_a_per_w = -1: out of range"):
        lightwatt.Photodetector(responsivity_a_per_w=-1.0, dark_current_na=0.0, capacitance_ff=100.0)
    with pytest.raises(lightwatt.InputError, match="modulation"):
        lightwatt.bit_error_ratio(PD, TIA, oma_dbm=-10.0, symbol_rate_gbaud=25.0, modulation="pam8", extinction_ratio_db=5.0)
    with pytest.raises(lightwatt.InputError, match="target_ber"):
        lightwatt.receiver_sensitivity(PD, TIA, symbol_rate_gbaud=25.0, modulation="nrz", target_ber=0.7, extinction_ratio_db=5.0)
    with pytest.raises(lightwatt.InputError, match="extinction_ratio_db"):
        lightwatt.receiver_sensitivity(PD, TIA, symbol_rate_gbaud=25.0, modulation="nrz", target_ber=1e-12, extinction_ratio_db=0.0)
    with pytest.raises(lightwatt.InputError):
        catalog = lightwatt.link_catalog()
        catalog.tia("no_such_tia")
