"""The photonic MAC emulator through NumPy: the command line's numbers, the accuracy metrics
recomputed from the arrays, determinism, no copies, the GIL released, and bad arrays."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import lightwatt
from conftest import assert_same_numbers


def matrices(m=96, k=80, n=72, seed=3):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (m, k)), rng.uniform(-1, 1, (k, n))


def test_random_run_matches_emulate_json(cli):
    for arch in ["dot-product-engine", "microring-bank", "coherent-mesh"]:
        python = lightwatt.emulate_random(48, 40, 72, architecture=arch, seed=7, target_enob=4.0)
        command = cli.json("emulate", "--arch", arch, "--m", "48", "--n", "40", "--k", "72", "--seed", "7", "--target-enob", "4")
        assert_same_numbers(python.to_dict(), command, arch)


def test_overrides_match_the_command_lines_flags(cli):
    python = lightwatt.emulate_random(64, 64, 64, seed=11, adc_bits=6, laser_power_mw=20.0, tile=32)
    command = cli.json("emulate", "--m", "64", "--n", "64", "--k", "64", "--seed", "11", "--adc-bits", "6",
                       "--laser-power-mw", "20", "--tile", "32")
    assert_same_numbers(python.to_dict(), command)
    assert (python.adc_bits, python.tile_rows, python.tile_cols, python.laser_power_mw) == (6, 32, 32, 20.0)


def test_the_old_spelling_of_utilization_is_read_with_a_future_warning():
    new = lightwatt.emulate_random(16, 16, 16, seed=3, utilization=0.5)
    with pytest.warns(FutureWarning, match=r"overrides.utilisation: deprecated spelling, still read; write \"utilization\""):
        old = lightwatt.emulate_random(16, 16, 16, seed=3, utilisation=0.5)
    assert old.energy_pj_per_mac == new.energy_pj_per_mac
    # Static power is divided by the utilization (docs/models/photonic-mac.md): half the load, more per MAC.
    assert new.energy_pj_per_mac > lightwatt.emulate_random(16, 16, 16, seed=3).energy_pj_per_mac


def test_accuracy_metrics_from_the_arrays():
    w, x = matrices()
    r = lightwatt.emulate(w, x, seed=5)
    exact = w @ x
    np.testing.assert_allclose(r.exact, exact, rtol=1e-12, atol=1e-12)
    error = r.output - exact
    assert r.rel_rms_error == pytest.approx(np.linalg.norm(error) / np.linalg.norm(exact), rel=1e-9)
    assert r.snr_db == pytest.approx(10 * np.log10(np.mean(exact ** 2) / np.mean(error ** 2)), rel=1e-9)
    assert r.output.shape == (96, 72) and r.output.dtype == np.float64
    assert (r.m, r.k, r.n) == (96, 80, 72)


def test_clipped_partial_sums_are_counted():
    # 96 x 72 outputs, each the sum of ceil(80 / 64) = 2 digitised partial sums on 64 x 64 tiles:
    # 13,824 partial sums. A 3-bit ADC (levels -4..3) clips some of them.
    w, x = matrices()
    r = lightwatt.emulate(w, x, seed=5, adc_bits=3)
    assert r.partial_sums == 96 * 72 * 2
    assert 0 < r.clipped_partial_sums < r.partial_sums
    assert r.clipped_pct == pytest.approx(100.0 * r.clipped_partial_sums / r.partial_sums, rel=1e-12)
    assert r.to_dict()["clipped_partial_sums"] == r.clipped_partial_sums


def test_energy_breakdown_sums_and_orders():
    r = lightwatt.emulate_random(64, 64, 64, seed=1)
    assert sum(r.breakdown_pj_per_mac.values()) == pytest.approx(r.energy_pj_per_mac, rel=1e-12)
    assert r.energy_pj_per_mac_low <= r.energy_pj_per_mac <= r.energy_pj_per_mac_high
    rows = r.energy_records()
    assert [row["part"] for row in rows] == list(r.breakdown_pj_per_mac)
    assert sum(row["share_pct"] for row in rows) == pytest.approx(100.0)
    frame = r.to_dataframe()
    assert list(frame.columns) == ["part", "pj_per_mac", "pj_per_mac_low", "pj_per_mac_high", "share_pct"]


def test_more_light_more_accuracy_and_less_light_needed_for_less_enob():
    dim = lightwatt.emulate_random(64, 64, 64, seed=2, laser_power_mw=1.0)
    bright = lightwatt.emulate_random(64, 64, 64, seed=2, laser_power_mw=100.0)
    assert bright.snr_db > dim.snr_db + 3.0
    assert bright.breakdown_pj_per_mac["laser"] == pytest.approx(100 * dim.breakdown_pj_per_mac["laser"], rel=1e-12)
    low = lightwatt.emulate_random(64, 64, 64, seed=2, target_enob=3.0)
    high = lightwatt.emulate_random(64, 64, 64, seed=2, target_enob=4.5)
    assert low.laser_power_for_target_mw < high.laser_power_for_target_mw
    # The inverse question's regime and wall-plug power, as the JSON document has them.
    inverse = high.to_dict()["inverse"]
    assert high.target_regime == inverse["regime"]
    assert high.laser_electrical_power_for_target_w == pytest.approx(inverse["laser_electrical_power_w"], rel=1e-12)
    assert high.laser_electrical_power_for_target_w > high.laser_power_for_target_mw * 1e-3  # wall-plug efficiency < 1
    assert dim.target_regime is None and dim.laser_electrical_power_for_target_w is None


def test_same_seed_same_bytes_on_any_thread_count():
    w, x = matrices(200, 150, 130)
    a = lightwatt.emulate(w, x, seed=42, threads=1)
    b = lightwatt.emulate(w, x, seed=42, threads=2)
    c = lightwatt.emulate(w, x, seed=43, threads=2)
    assert np.array_equal(a.output, b.output) and a.snr_db == b.snr_db
    assert not np.array_equal(a.output, c.output)
    assert a.seed == 42


def test_outputs_are_views_not_copies():
    r = lightwatt.emulate_random(32, 24, 16, seed=1)
    first = r.output
    assert not first.flags.owndata and first.flags.f_contiguous
    assert np.shares_memory(first, r.output)
    first[0, 0] = 12345.0  # the result's own memory
    assert r.output[0, 0] == 12345.0
    # The view keeps the result alive.
    del r
    assert first[0, 0] == 12345.0


def test_inputs_are_read_in_place():
    w, x = matrices()
    wf, xf = np.asfortranarray(w), np.asfortranarray(x)
    # The conversion is a no-op for Fortran-ordered float64 ...
    assert lightwatt._as_matrix("weights", wf) is wf
    # ... and the compiled module takes nothing else (so it never copies silently).
    cores = lightwatt.photonic_cores()
    with pytest.raises(TypeError):
        cores.emulate(w, xf)  # C order
    with pytest.raises(TypeError):
        cores.emulate(wf.astype(np.float32, order="F"), xf)
    assert np.array_equal(cores.emulate(wf, xf, seed=9).output, lightwatt.emulate(w, x, seed=9).output)


def test_bad_arrays():
    w, x = matrices()
    with pytest.raises(ValueError, match="2-D"):
        lightwatt.emulate(w[0], x)
    with pytest.raises(ValueError, match="2-D"):
        lightwatt.emulate(w[None], x)
    with pytest.raises(TypeError, match="complex128"):
        lightwatt.emulate(w.astype(complex), x)
    with pytest.raises(TypeError):
        lightwatt.emulate(np.array([["a", "b"]]), x)
    with pytest.raises(lightwatt.InputError, match="inner dimensions differ"):
        lightwatt.emulate(w, x.T)
    bad = w.copy()
    bad[3, 4] = np.nan
    with pytest.raises(lightwatt.InputError, match="non-finite"):
        lightwatt.emulate(bad, x)
    # Integer arrays are numbers: converted once.
    assert lightwatt.emulate(np.ones((4, 3), dtype=np.int32), np.ones((3, 2)), seed=1).exact[0, 0] == 3.0


def test_bad_requests_have_the_file_readers_messages():
    with pytest.raises(lightwatt.InputError, match=r"emulate_random\(\): overrides.adc_bit = 4: unknown key \(did you mean .adc_bits.\?\)"):
        lightwatt.emulate_random(8, 8, 8, adc_bit=4)
    with pytest.raises(lightwatt.InputError, match=r"overrides.adc_bits = 40: .*\[1, 24\]"):
        lightwatt.emulate_random(8, 8, 8, adc_bits=40)
    with pytest.raises(lightwatt.InputError, match='architecture = "coherent-mesch": unknown architecture .*coherent-mesh'):
        lightwatt.emulate_random(8, 8, 8, architecture="coherent-mesch")
    with pytest.raises(lightwatt.InputError, match=r"core = \"dot_product\""):
        lightwatt.emulate_random(8, 8, 8, core="dot_product")
    with pytest.raises(lightwatt.InputError, match="seed"):
        lightwatt.emulate_random(8, 8, 8, seed=-1)
    with pytest.raises(lightwatt.InputError, match="problem.m"):
        lightwatt.emulate_random(0, 8, 8)


def _count_until(done: threading.Event, limit: float = float("inf")) -> int:
    ticks, start = 0, time.perf_counter()
    while not done.is_set():
        ticks += 1
        if ticks % 1024 == 0 and time.perf_counter() - start > limit:
            break
    return ticks


def test_the_gil_is_released_while_it_runs():
    cores = lightwatt.photonic_cores()
    # Long enough to tell on any machine: more output columns until one run takes 0.3 s (a
    # 1024^3 run takes under 0.1 s on one AVX-512 core).
    n, alone = 1024, 0.0
    while alone < 0.3 and n <= 16384:
        w, x = matrices(1024, 1024, n)
        wf, xf = np.asfortranarray(w), np.asfortranarray(x)
        start = time.perf_counter()
        cores.emulate(wf, xf, seed=1, threads=1)
        alone = time.perf_counter() - start
        n *= 2
    # How fast this thread counts with nothing else running.
    idle = 0.2
    rate = _count_until(threading.Event(), idle) / idle
    done = threading.Event()

    def work():
        cores.emulate(wf, xf, seed=1, threads=1)
        done.set()

    thread = threading.Thread(target=work)
    thread.start()
    ticks = _count_until(done)
    thread.join()
    # With the GIL held by the emulation this thread would stall for the whole run and count a
    # few per cent of that (a GIL-holding sort of the same length: 4 %); released, it counts on.
    assert alone > 0.1, "the emulation is too short to tell"
    assert ticks > 0.3 * rate * alone, (ticks, rate * alone)


def test_results_name_their_backend_and_cuda_says_when_it_cannot_run(cli):
    cpu = lightwatt.emulate_random(24, 16, 40, seed=5)
    assert cpu.backend == "cpu"
    assert cpu.to_dict()["backend"] == "cpu"
    assert cli.json("emulate", "--m", "24", "--n", "16", "--k", "40", "--seed", "5")["backend"] == "cpu"
    with pytest.raises(lightwatt.InputError, match='device = "gpu": unknown device'):
        lightwatt.emulate_random(8, 8, 8, device="gpu")
    # Without the CUDA backend or a GPU (the project's machines): ResourceMissing, the command
    # line's message; with both, the run names its backend and agrees with the CPU's within 2 %.
    try:
        gpu = lightwatt.emulate_random(24, 16, 40, seed=5, device="cuda")
    except lightwatt.ResourceMissing as e:
        assert str(e).startswith("device cuda: ") and str(e).endswith("; use device cpu")
        return
    assert gpu.backend == "cuda"
    assert abs(gpu.snr_db - cpu.snr_db) <= 0.02 * abs(cpu.snr_db)
