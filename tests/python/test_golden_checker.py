"""The golden-output checker's comparison rules (tests/golden/check_golden.py): what it lets through
as another build's last bits or another draw of the emulator's noise, and what it must still
catch. Each case is written by hand."""
import importlib.util
import json
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "check_golden", os.path.join(HERE, "..", "golden", "check_golden.py"))
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


def command(line):
    return golden.Command(line)


PLAIN = command("plain | estimate")
EMULATE = command("emulate_default | emulate | emulator: ^(accuracy|error)")
CSV = command("csv | estimate --csv | emulator-columns: offload_snr_db offload_enob")


def document(**fields):
    return "exit 0\n" + json.dumps(fields, indent=2, sort_keys=True) + "\n"


def test_numbers_outside_emulator_figures_hold_to_1e12():
    assert golden.same_output("exit 0\nJ/token 8.54447\n", "exit 0\nJ/token 8.54447\n", PLAIN)
    assert golden.same_output("exit 0\nx 1.0000000000000\n", "exit 0\nx 1.0000000000001\n", PLAIN)
    assert not golden.same_output("exit 0\nJ/token 8.54447\n", "exit 0\nJ/token 8.54448\n", PLAIN)
    assert not golden.same_output("exit 0\nJ/token 8.54447\n", "exit 2\nJ/token 8.54447\n", PLAIN)


def test_a_text_line_of_emulator_figures_allows_a_rounding_step_and_one_percent():
    line = "accuracy   SNR %s dB, ENOB 4.27 bits, relative RMS error 0.12, clipped 0.00877 %% (%d of 262144 partial sums)\n"
    expected = "exit 0\n" + line % ("18.41", 23)
    assert golden.same_output(expected, "exit 0\n" + line % ("18.42", 23), EMULATE)  # one unit of 0.01
    assert golden.same_output(expected, "exit 0\n" + line % ("18.57", 23), EMULATE)  # 0.87 %
    assert not golden.same_output(expected, "exit 0\n" + line % ("18.70", 23), EMULATE)  # 1.6 %
    # Clipped partial sums within 3 sqrt(max) + 1, whatever the printed percentage does: 23 -> 38
    # moves 15 of 19.5 allowed, 23 -> 45 moves 22 of 21.1.
    assert golden.same_output(expected, "exit 0\n" + line % ("18.41", 38), EMULATE)
    assert not golden.same_output(expected, "exit 0\n" + line % ("18.41", 45), EMULATE)
    # The same change on a line the regular expression does not name is caught.
    assert not golden.same_output("exit 0\nenergy 18.41 pJ\n", "exit 0\nenergy 18.42 pJ\n", EMULATE)


def test_csv_emulator_columns_only():
    header = "option,j_per_token,offload_snr_db,offload_enob\n"
    expected = "exit 0\n" + header + "photonic,8.19202,18.5106,4.27075\n"
    assert golden.same_output(expected, "exit 0\n" + header + "photonic,8.19202,18.5112,4.27053\n", CSV)
    assert not golden.same_output(expected, "exit 0\n" + header + "photonic,8.19203,18.5106,4.27075\n", CSV)
    assert not golden.same_output(expected, "exit 0\n" + header + "photonic,8.19202,19.5106,4.27075\n", CSV)


def test_json_emulator_figures_counts_and_noise_budget():
    base = dict(m=256, n=256, enob=4.2688, clipped_pct=100.0 * 23 / 262144, clipped_partial_sums=23,
                partial_sums=262144, error_histogram={"counts": [1803, 2605]},
                noise_budget={"shot": 0.0183, "thermal": 0.0822, "static": 8.7e-05}, energy_pj_per_mac=0.2152)
    same = lambda **changes: golden.same_output(document(**base), document(**dict(base, **changes)), PLAIN)
    assert same(enob=4.2688 * 1.009)  # within 1 %: 256 x 256 outputs keep the 1 % floor
    assert not same(enob=4.2688 * 1.02)
    assert same(clipped_pct=100.0 * 36 / 262144, clipped_partial_sums=36)  # 13 of 3 sqrt(36) + 1 = 19
    assert not same(clipped_pct=100.0 * 60 / 262144, clipped_partial_sums=60)
    assert same(error_histogram={"counts": [1702, 2605]})  # 101 against 3 sqrt(1803) + 1 = 128
    assert not same(error_histogram={"counts": [1650, 2605]})
    # static 8.7e-5 -> 4.9e-5 is 44 % of itself but 0.04 % of the budget's sum, 0.1004.
    assert same(noise_budget={"shot": 0.0183, "thermal": 0.0822, "static": 4.9e-05})
    assert not same(noise_budget={"shot": 0.0183, "thermal": 0.0822, "static": 2.1e-03})
    assert not same(energy_pj_per_mac=0.2153)  # not a Monte Carlo figure
    assert not same(partial_sums=262143)


def test_a_small_emulation_is_allowed_its_larger_spread():
    # 24 x 16 outputs: 3 / sqrt(2 x 384) = 10.8 %.
    small = dict(m=24, n=16, rel_rms_error=0.1084)
    assert golden.same_output(document(**small), document(**dict(small, rel_rms_error=0.1084 * 1.08)), PLAIN)
    assert not golden.same_output(document(**small), document(**dict(small, rel_rms_error=0.1084 * 1.14)), PLAIN)


def test_an_unknown_field_in_commands_txt_is_an_error():
    with pytest.raises(ValueError, match="unknown field"):
        command("x | emulate | tolerance: 1")
