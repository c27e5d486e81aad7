"""lightwatt.sweep (python/lightwatt/sweeps.py, docs/python.md): the rows of a sweep as a typed
DataFrame, the same as the command line's chunk files, locally, from a dict, on a Dask
LocalCluster of 2 worker processes, and as a Parquet dataset; the GIL released meanwhile."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import lightwatt
from lightwatt import _core
from lightwatt.sweeps import _rows_frame

ROOT = Path(__file__).resolve().parents[2]


def _cli_frame(folder: Path, sweep) -> pd.DataFrame:
    """The command line's CSV chunks of `folder`, in order, typed as lightwatt.sweep types them."""
    parts = sorted(folder.glob("part-*.csv"))
    return pd.concat([_rows_frame(p.read_text(), sweep.columns, sweep.column_types) for p in parts], ignore_index=True)


# 3 output lengths x 8 samples of a Latin hypercube over log(batch) from 1 to 512 and the facility's
# power budget from 10 to 50 MW: 24 points of 5 options, cut into chunks of 5 points below (5
# chunks, the last of 4).
LHS_SWEEP = """
scenario = "{scenario}"
samples = 8
seed = 20261205

[axes.out]
key = "workload.output_tokens"
values = [100, 400, 1600]

[axes.batch]
key = "workload.batch"
latin_hypercube = {{ from = 1, to = 512, log = true }}

[axes.budget_mw]
key = "facility.power_budget_mw"
latin_hypercube = {{ from = 10.0, to = 50.0 }}
"""


@pytest.fixture(scope="module")
def lhs_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sweep") / "lhs.toml"
    path.write_text(LHS_SWEEP.format(scenario=lightwatt.data_dir() / "scenarios" / "default.toml"))
    return path


def test_rows_are_the_command_lines_typed(cli, tmp_path):
    spec = ROOT / "data" / "sweeps" / "batch-tp.toml"
    frame = lightwatt.sweep(spec)
    _, sweep = lightwatt.load_sweep(spec)
    cli.run("sweep", str(spec), "-o", str(tmp_path / "out"), "--quiet")
    # The C++ rows are the chunk file's bytes, and the frame is them typed.
    assert sweep.rows(0, sweep.point_count) == (tmp_path / "out" / "part-00000.csv").read_text()
    pd.testing.assert_frame_equal(frame, _cli_frame(tmp_path / "out", sweep))
    # 10 batches x 4 tp x 5 options.
    assert len(frame) == 200
    assert list(frame.columns[:3]) == ["batch", "tp", "option"]
    assert frame["batch"].dtype == "int64" and frame["j_per_token"].dtype == "float64"
    assert frame["feasible"].dtype == "bool"
    # tp 1 does not fit 405 GB of fp8 weights on one 80 GB H100: no figures, a reason.
    tp1 = frame[frame["tp"] == 1]
    assert not tp1["feasible"].any() and tp1["j_per_token"].isna().all()
    assert tp1["reason"].str.contains("HBM").all()
    # Batch 64 at tp 8 is the default scenario itself: its figures are lightwatt.estimate()'s.
    default = frame[(frame["batch"] == 64) & (frame["tp"] == 8)].set_index("option")
    for o in lightwatt.estimate().options:
        assert default.loc[o.name, "j_per_token"] == o.j_per_token
        assert default.loc[o.name, "reason"] == ""


def test_monte_carlo_sweep_rows_are_the_monte_carlo_draws(tmp_path):
    # An axis-free sweep file with [monte_carlo]: one row per draw and option, the drawn figures
    # first (floats, by path), the draws and figures of lightwatt.monte_carlo with the same seed.
    spec = tmp_path / "mc.toml"
    scenario = lightwatt.data_dir() / "scenarios" / "default.toml"
    spec.write_text(f'scenario = "{scenario}"\n[monte_carlo]\ndraws = 300\nseed = 7\n')
    frame = lightwatt.sweep(spec, chunk_points=128)
    draws = lightwatt.monte_carlo(draws=300, seed=7, threads=1)
    figures = [f["path"] for f in draws.attrs["summary"]["figures"]]
    assert list(frame.columns[: len(figures) + 1]) == figures + ["option"]
    assert len(frame) == len(draws) == 300 * 5
    assert all(frame[f].dtype == "float64" for f in figures)
    for column in figures + ["option", "j_per_token", "saving_vs_baseline_pct"]:
        assert frame[column].tolist() == draws[column].tolist()
    assert frame["feasible"].all()


def test_photonic_rows_carry_the_offloaded_gemms_accuracy():
    # data/sweeps/core-adc-bits.toml: ADC 4, 6, 8, 10 bits x batch 64, 256, offload_accuracy = true.
    frame = lightwatt.sweep(ROOT / "data" / "sweeps" / "core-adc-bits.toml")
    columns = ["offload_snr_db", "offload_enob", "offload_rel_rms_error"]
    assert all(frame[c].dtype == "float64" for c in columns)
    photonic = frame[frame["option"] == "photonic_ffn_offload"]
    assert photonic[columns].notna().all().all()
    assert frame[frame["option"] != "photonic_ffn_offload"][columns].isna().all().all()
    # More ADC bits, less quantisation noise: ENOB rises with the bits (batch 64 rows).
    enob = photonic[photonic["batch"] == 64].set_index("adc_bits")["offload_enob"]
    assert enob[4] < enob[6] <= enob[8] <= enob[10]


def test_a_dict_is_the_file_and_chunks_and_threads_change_nothing(lhs_file):
    whole = lightwatt.sweep(lhs_file)
    assert len(whole) == 24 * 5
    spec = {
        "scenario": str(lightwatt.data_dir() / "scenarios" / "default.toml"),
        "samples": 8,
        "seed": 20261205,
        "axes": {"out": {"key": "workload.output_tokens", "values": [100, 400, 1600]},
                 "batch": {"key": "workload.batch", "latin_hypercube": {"from": 1, "to": 512, "log": True}},
                 "budget_mw": {"key": "facility.power_budget_mw", "latin_hypercube": {"from": 10.0, "to": 50.0}}},
    }
    pd.testing.assert_frame_equal(lightwatt.sweep(spec, chunk_points=5, threads=1), whole)
    # The budget's 8 strata of 5 MW each, 10-15 to 45-50, hold one sample each, at every output length.
    for _, group in whole[whole["option"] == "baseline"].groupby("out"):
        assert sorted(math.floor((v - 10.0) / 5.0) for v in group["budget_mw"]) == list(range(8))
    assert whole["batch"].between(1, 512).all() and whole["batch"].dtype == "int64"


def test_dask_local_cluster_gives_the_local_and_command_line_rows(cli, lhs_file, tmp_path):
    distributed = pytest.importorskip("distributed")
    local = lightwatt.sweep(lhs_file)
    cli.run("sweep", str(lhs_file), "-o", str(tmp_path / "cli"), "--quiet")
    _, sweep = lightwatt.load_sweep(lhs_file)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = lightwatt.sweep(lhs_file, client=client, chunk_points=5)
        dataset = lightwatt.sweep(lhs_file, client=client, chunk_points=5, parquet=tmp_path / "parquet")
        # The workers, not this process only, read the sweep and evaluated chunks.
        cached = client.run(lambda: len(__import__("lightwatt.sweeps", fromlist=["_sweeps"])._sweeps))
        assert len(cached) == 2 and sum(cached.values()) >= 1
    pd.testing.assert_frame_equal(remote, local)
    pd.testing.assert_frame_equal(remote, _cli_frame(tmp_path / "cli", sweep))
    assert sorted(p.name for p in dataset.iterdir()) == [f"part-{i:05d}.parquet" for i in range(5)]
    parts = [pd.read_parquet(p) for p in sorted(dataset.iterdir())]
    read_back = pd.concat(parts, ignore_index=True)
    pd.testing.assert_frame_equal(read_back, local, check_dtype=False)
    assert read_back["j_per_token"].equals(local["j_per_token"])


def test_bad_input_is_an_input_error(tmp_path, lhs_file):
    with pytest.raises(lightwatt.InputError) as e:
        lightwatt.sweep(lhs_file, chunk_points=0)
    assert e.value.key == "chunk_points"
    with pytest.raises(lightwatt.InputError) as e:
        lightwatt.sweep({"scenario": str(lightwatt.data_dir() / "scenarios" / "default.toml"),
                         "axes": {"b": {"key": "workload.bach", "values": [1]}}})
    assert e.value.key == "axes.b.key" and "did you mean \"batch\"" in e.value.problem
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    with pytest.raises(lightwatt.InputError) as e:
        lightwatt.sweep(lhs_file, parquet=tmp_path / "full")
    assert e.value.key == "parquet"
    _, sweep = lightwatt.load_sweep(lhs_file)
    with pytest.raises(lightwatt.InputError):
        sweep.rows(20, 5)  # 24 points
    assert isinstance(sweep, _core.Sweep)


def test_rows_release_the_gil():
    # 100 x 50 = 5,000 points on one thread, a few tenths of a second: meanwhile this thread keeps
    # running Python. Were the GIL held, the loop below would stall for the whole call.
    import threading
    import time

    _, sweep = lightwatt.load_sweep({
        "scenario": str(lightwatt.data_dir() / "scenarios" / "default.toml"),
        "axes": {"batch": {"key": "workload.batch", "linear": {"from": 1, "to": 100, "count": 100}},
                 "out": {"key": "workload.output_tokens", "linear": {"from": 10, "to": 500, "count": 50}}},
    })
    worker = threading.Thread(target=sweep.rows, args=(0, sweep.point_count, 1))
    start = time.perf_counter()
    worker.start()
    last, longest_stall = start, 0.0
    while worker.is_alive():
        now = time.perf_counter()
        longest_stall, last = max(longest_stall, now - last), now
    call = time.perf_counter() - start
    assert longest_stall < call / 2, (longest_stall, call)
