"""nccl-tests import and fitted collective models: rows against nccl-tests' definitions by hand,
the fit against an independent least-squares fit, predictions against the model's formula, the
command line's calibration record, and malformed logs."""
from __future__ import annotations

import json

import numpy as np
import pytest

import lightwatt
from conftest import FIXTURES, assert_same_numbers

LOGS = FIXTURES / "nccl-tests"


def factor(collective: str, n: int) -> float:
    return {"all_reduce": 2 * (n - 1) / n, "all_gather": (n - 1) / n, "reduce_scatter": (n - 1) / n,
            "alltoall": (n - 1) / n, "sendrecv": 1.0}[collective]


def fixture_runs():
    runs = []
    for log in sorted(LOGS.glob("*.log")):
        runs += lightwatt.read_nccl_tests(log)
    return runs


def test_fixture_logs_parse_with_nccl_tests_definitions():
    runs = fixture_runs()
    assert runs and all(len(run) > 0 for run in runs)
    for run in runs:
        if run.collective is None or run.ranks < 1:
            continue
        f = factor(run.collective, run.ranks)
        for row in run.to_records():
            for half in ["out_of_place_", "in_place_"]:
                # algbw = size / time, busbw = algbw x factor (to the log's printed rounding).
                assert row[half + "algbw_gbyte_per_s"] == pytest.approx(row["size_bytes"] / row[half + "time_us"] / 1e3, rel=0.01, abs=0.01)
                assert row[half + "busbw_gbyte_per_s"] == pytest.approx(row[half + "algbw_gbyte_per_s"] * f, rel=0.01, abs=0.01)
        assert lightwatt.bus_bandwidth_factor(run.collective, run.ranks) == pytest.approx(f)


def test_fit_is_the_least_squares_line(shared_data):
    run = lightwatt.read_nccl_tests(shared_data / "nccl-tests" / "h100-1node-8gpu.log")[0]
    assert (run.collective, run.ranks, run.nodes) == ("all_reduce", 8, 1)
    fit = run.fit(2 ** 30)
    rows = [r for r in run.to_records() if r["size_bytes"] <= 2 ** 30]
    sizes = np.repeat([r["size_bytes"] for r in rows], 2)
    times = np.array([t for r in rows for t in (r["out_of_place_time_us"], r["in_place_time_us"])])
    slope, intercept = np.polyfit(sizes, times, 1)  # us per byte, us
    assert fit.halves_fitted == len(times)
    assert fit.latency_us == pytest.approx(intercept, rel=1e-9)
    assert fit.bus_bandwidth_gbyte_per_s == pytest.approx(1e-3 / slope * factor("all_reduce", 8), rel=1e-9)
    # Predictions: t = latency + S f(n) / busbw.
    for size in [1e6, 2 ** 30, 2 ** 34]:
        expected = fit.latency_us * 1e-6 + size * factor("all_reduce", 8) / (fit.bus_bandwidth_gbyte_per_s * 1e9)
        assert fit.predict_time_s(size) == pytest.approx(expected, rel=1e-12)
    sizes = np.array([1e6, 2.0 ** 30, 2.0 ** 34])
    np.testing.assert_allclose(fit.predict_time_s(sizes), [fit.predict_time_s(float(s)) for s in sizes], rtol=1e-15)
    # The held-out rows (above 1 GiB) are predicted within a few per cent (docs/calibration.md).
    held = fit.held_out_records()
    assert len(held) == 2 * 4 and fit.median_held_out_error < 0.05
    for h in held:
        assert h["predicted_us"] * 1e-6 == pytest.approx(fit.predict_time_s(h["size_bytes"]), rel=1e-12)


def test_another_fabric(shared_data):
    fit = lightwatt.read_nccl_tests(shared_data / "nccl-tests" / "h100-1node-8gpu.log")[0].fit()
    faster = fit.on_fabric(bandwidth_scale=2.0)
    size = 2.0 ** 32
    bandwidth_term = size * factor("all_reduce", 8) / (fit.bus_bandwidth_gbyte_per_s * 1e9)
    assert faster.predict_time_s(size) == pytest.approx(fit.latency_us * 1e-6 + bandwidth_term / 2, rel=1e-12)
    slower = fit.on_fabric(added_hop_latency_us=1.0)
    # 2(n-1) sequential steps of a ring all-reduce, 1 us each.
    assert slower.latency_us == pytest.approx(fit.latency_us + 14.0, rel=1e-12)
    with pytest.raises(lightwatt.InputError, match="bandwidth_scale"):
        fit.on_fabric(bandwidth_scale=0.0)
    with pytest.raises(lightwatt.InputError, match="impossible scale"):
        fit.on_fabric(ranks=4, nodes=8)


def test_record_matches_calibrate_nccl_tests(cli, shared_data, tmp_path):
    log = shared_data / "nccl-tests" / "h100-1node-8gpu.log"
    record = lightwatt.calibrate_nccl_tests([log])
    out = tmp_path / "cli.json"
    cli.run("calibrate", "nccl-tests", str(log), "-o", str(out))
    command = json.loads(out.read_text())
    python = record.to_dict()
    # The provenance names the producer (the command line or the Python function); the rest agrees.
    for c in python["collectives"] + command["collectives"]:
        c.pop("provenance", None)
    python.pop("provenance"), command.pop("provenance")
    assert_same_numbers(python, command)
    assert [c.collective for c in record.collectives] == ["all_reduce", "all_gather", "reduce_scatter", "alltoall", "sendrecv"]
    # Written and read back.
    path = tmp_path / "py.json"
    record.save(path)
    again = lightwatt.load_calibration(path)
    assert again.fit("all_reduce").bus_bandwidth_gbyte_per_s == record.fit("all_reduce").bus_bandwidth_gbyte_per_s
    assert len(again.collective_records()) == sum(len(c.to_records()) for c in record.collectives)


def test_fixtures_of_older_layouts():
    runs = lightwatt.read_nccl_tests(LOGS / "oldest-allgather-2rank.log", collective="all_gather")
    assert runs[0].collective == "all_gather" and runs[0].ranks == 2
    check = runs[0].check()
    assert check.max_busbw_deviation < 0.01
    frame = runs[0].to_dataframe()
    assert {"size_bytes", "out_of_place_time_us", "in_place_busbw_gbyte_per_s"} <= set(frame.columns)


def test_malformed_logs():
    good = (LOGS / "v2.10-allreduce-16rank.log").read_text().splitlines()
    row = next(i for i, line in enumerate(good) if line.strip() and not line.lstrip().startswith("#") and line.split()[0].isdigit())
    broken = good[:row] + [good[row].split()[0] + "  1024  float  sum  -1  12.5  oops"] + good[row + 1:]
    with pytest.raises(lightwatt.InputError) as e:
        lightwatt.parse_nccl_tests("\n".join(broken), "broken.log")
    assert e.value.file == "broken.log" and e.value.line == row + 1
    with pytest.raises(lightwatt.InputError, match="no.*result row|no result"):
        lightwatt.parse_nccl_tests("# nothing measured here\n", "empty.log")
    with pytest.raises(lightwatt.InputError, match="unknown collective .*all_reduce"):
        lightwatt.parse_nccl_tests("\n".join(good), collective="allreduce")
    with pytest.raises(lightwatt.InputError, match="max_fit_bytes"):
        lightwatt.parse_nccl_tests("\n".join(good))[0].fit(0.0)
    with pytest.raises(lightwatt.InputError):
        lightwatt.read_nccl_tests(LOGS / "no-such.log")
    with pytest.raises(lightwatt.InputError):
        lightwatt.read_calibration('{"schema": "lightwatt.calibration", "version": 99}', "bad.json")


def test_the_former_idle_power_is_read_as_the_context_idle_with_a_future_warning():
    # Older records had one idle power, measured with a CUDA context open (docs/calibration.md,
    # "Which idle power is used where").
    text = '{"schema": "lightwatt.calibration", "schema_version": 1, "power_states": {"idle_power_w": 126.5}}'
    with pytest.warns(FutureWarning, match=r"power_states.idle_power_w: deprecated key, still read; "
                                           r"write \"context_idle_power_w\""):
        record = lightwatt.read_calibration(text, "old.json")
    states = record.to_dict()["power_states"]
    assert states["context_idle_power_w"] == 126.5
    assert states["device_idle_power_w"] is None
    assert "idle_power_w" not in states
