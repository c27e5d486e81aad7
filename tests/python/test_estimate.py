"""The J/token estimate: the command line's numbers (default scenario, overrides, another
calibration), the breakdown and derived figures by hand, and bad scenarios."""
from __future__ import annotations

import json
import math

import pytest

import lightwatt
from conftest import assert_same_numbers


@pytest.fixture(scope="module")
def default():
    return lightwatt.estimate()


def test_default_matches_estimate_json(default, cli):
    command = cli.json("estimate")
    python = default.to_dict()
    python.pop("scenario"), command.pop("scenario")  # the same file, under two paths
    assert_same_numbers(python, command)
    assert [o.name for o in default.options] == ["baseline", "lpo", "cpo", "cpo_optical_io_scale_up", "photonic_ffn_offload"]


def test_breakdown_and_derived_figures_by_hand(default):
    baseline = default.option("baseline").j_per_token
    for o in default.options:
        assert sum(o.breakdown_j_per_token.values()) == pytest.approx(o.j_per_token, rel=1e-12)
        assert list(o.breakdown_j_per_token) == lightwatt.energy_part_names()
        assert o.j_per_token_low <= o.j_per_token <= o.j_per_token_high
        assert o.tokens_per_joule == pytest.approx(1 / o.j_per_token, rel=1e-12)
        assert o.saving_vs_baseline_pct == pytest.approx(100 * (1 - o.j_per_token / baseline), rel=1e-12, abs=1e-12)
        # All-in power per GPU = J/token x tokens/s / GPUs; the budget feeds floor(budget / that).
        assert o.power_per_gpu_w == pytest.approx(o.j_per_token * o.tokens_per_s / o.gpus, rel=1e-12)
        assert o.gpus_in_power_budget == math.floor(default.scenario.power_budget_w / o.power_per_gpu_w)
        assert o.tokens_per_s_in_power_budget == pytest.approx(o.gpus_in_power_budget * o.tokens_per_s / o.gpus, rel=1e-12)
        # Per MW of facility power: the replica's tokens/s over its all-in power in MW; per user:
        # a token every inter-token latency.
        assert o.tokens_per_s_per_megawatt == pytest.approx(o.tokens_per_s / (o.power_per_gpu_w * o.gpus / 1e6), rel=1e-12)
        assert o.tokens_per_s_per_user == pytest.approx(1000 / o.inter_token_latency_ms, rel=1e-12)
    # Optics lower only the network parts: the GPU-only figure is the baseline's.
    assert default.option("cpo").gpu_only_j_per_token == default.option("baseline").gpu_only_j_per_token
    assert default.option("cpo").breakdown_j_per_token["scale_out_optics"] < default.option("baseline").breakdown_j_per_token["scale_out_optics"]


def test_tables(default):
    records = default.to_records()
    assert len(records) == 5 and records[0]["option"] == "baseline"
    frame = default.to_dataframe()
    assert list(frame["option"]) == [o.name for o in default.options]
    # Units as suffixes (before any _low / _high), the contract (docs/contract.md).
    units = ("j_per_token", "_per_s", "_pct", "_w", "_ms", "_per_megawatt", "_per_user", "tokens_per_joule", "gpus_in_power_budget", "tokens_per_s_in_power_budget")
    counts = {"option", "tp", "pp", "gpus"}  # names and dimensionless counts
    # The offloaded GEMMs' accuracy: effective bits and a relative error are dimensionless, named as
    # in the JSON's offload_accuracy (enob, rel_rms_error); the SNR carries _db.
    counts |= {"offload_enob", "offload_rel_rms_error"}
    units += ("_s", "_db", "_mw")
    assert all(c in counts or c.removesuffix("_low").removesuffix("_high").endswith(units) for c in frame.columns), list(frame.columns)
    long = lightwatt.to_dataframe(default.breakdown_records())
    assert len(long) == 5 * len(lightwatt.energy_part_names())
    assert long.groupby("option")["j_per_token"].sum()["cpo"] == pytest.approx(default.option("cpo").j_per_token)
    columns = lightwatt.to_columns(default)
    assert columns["j_per_token"] == [o.j_per_token for o in default.options]


def test_overrides_match_the_command_line_on_the_same_file(cli, tmp_path):
    scenario = (lightwatt.load_scenario()
                .with_batch_size(128)
                .with_options(["baseline", "cpo"])
                .with_power_budget_mw(50))
    assert (scenario.batch, scenario.options, scenario.power_budget_w) == (128, ["baseline", "cpo"], 50e6)
    path = tmp_path / "batch128.toml"
    path.write_text(scenario.to_toml())
    python = scenario.estimate().to_dict()
    command = cli.json("estimate", str(path))
    python.pop("scenario"), command.pop("scenario")
    assert_same_numbers(python, command)
    # The file written from the overrides reads back to the same scenario.
    assert lightwatt.load_scenario(path).estimate().option("cpo").j_per_token == scenario.estimate().option("cpo").j_per_token


def test_larger_batches_amortise_the_weights(default):
    base = lightwatt.load_scenario()
    per_token = [base.with_batch_size(b).estimate().option("baseline").j_per_token for b in [8, 64, 256]]
    assert per_token[0] > per_token[1] > per_token[2]


def test_power_budget_scales_the_fixed_power_view(default):
    doubled = lightwatt.load_scenario().with_power_budget_mw(200).estimate()
    for a, b in zip(default.options, doubled.options):
        assert a.j_per_token == b.j_per_token
        assert b.gpus_in_power_budget in (2 * a.gpus_in_power_budget, 2 * a.gpus_in_power_budget + 1)


def test_another_calibration_file(default, data_dir, cli):
    path = data_dir / "calibration" / "h100-sxm-8gpu.json"
    same = lightwatt.estimate(calibration=path)
    assert same.option("cpo").j_per_token == default.option("cpo").j_per_token
    with pytest.raises(lightwatt.InputError) as e:
        lightwatt.estimate(calibration=data_dir / "links.toml")
    result = cli.run("estimate", "--calibration", str(data_dir / "links.toml"), check=False)
    assert result.returncode == 2 and result.stderr.strip() == "lightwatt: error: " + str(e.value)


def test_a_record_of_another_gpu_is_refused_naming_both(data_dir, tmp_path):
    text = (data_dir / "calibration" / "h100-sxm-8gpu.json").read_text()
    other = tmp_path / "h200.json"
    other.write_text(text.replace('"NVIDIA H100 80GB HBM3"', '"NVIDIA H200"'))
    with pytest.raises(lightwatt.InputError, match=r'machine.gpu_model = "NVIDIA H200": measured on h200_sxm, but the scenario\'s GPU is h100_sxm .*deployment.system = "hgx_h200"'):
        lightwatt.estimate(calibration=other)


def test_bad_scenarios_are_input_errors(cli, tmp_path):
    base = lightwatt.load_scenario()
    with pytest.raises(lightwatt.InputError, match=r"workload.batchsize = 3: unknown key"):
        base.with_values({"workload.batchsize": 3})
    with pytest.raises(lightwatt.InputError, match=r"workload.batch = 0: .*out of range|workload.batch = 0"):
        base.with_batch_size(0)
    with pytest.raises(lightwatt.InputError, match=r"tp x pp = 16 GPUs, more than the deployment's 8"):
        base.with_tp(16)
    assert base.with_tp(16, gpus=16).tp == 16
    with pytest.raises(lightwatt.InputError, match=r'options.compare = "cp0": no entry of that name in \[options\] \(did you mean "cpo"\?\)'):
        base.with_options(["baseline", "cp0"])
    with pytest.raises(lightwatt.InputError, match="no baseline"):
        base.with_options(["cpo"])
    with pytest.raises(lightwatt.InputError, match="with_values"):
        base.with_values({"workload.batch": object()})
    with pytest.raises(lightwatt.InputError, match="not a dotted key"):
        base.with_values({"workload.": 3})
    # The same file gives the same message as the command line.
    bad = tmp_path / "bad.toml"
    bad.write_text(base.to_toml().replace("model = 'llama_3_1_405b'", "model = 'llama_3_1_404b'"))
    with pytest.raises(lightwatt.InputError) as e:
        lightwatt.load_scenario(bad)
    result = cli.run("estimate", str(bad), check=False)
    assert result.returncode == 2 and result.stderr.strip() == "lightwatt: error: " + str(e.value)
    assert e.value.file == str(bad) and e.value.line > 0 and e.value.key == "workload.model"
    with pytest.raises(lightwatt.InputError, match=r"scenario.toml:2"):
        lightwatt.scenario_from_string("[workload]\nmodel = \n", "scenario.toml")
    with pytest.raises(lightwatt.InputError, match="missing.toml"):
        lightwatt.load_scenario(tmp_path / "missing.toml")
    with pytest.raises(lightwatt.InputError, match='option = "cpo2"'):
        lightwatt.estimate().option("cpo2")


def test_training_matches_estimate_json_and_its_phases_add_up(cli):
    path = lightwatt.data_dir() / "scenarios" / "llama3-405b-training.toml"
    training = lightwatt.estimate(path)
    assert training.mode == "training" and training.scenario.mode == "training"
    assert training.scenario.batch is None and training.scenario.tokens_per_step == 16777216
    assert training.scenario.dp == 64
    command = cli.json("estimate", str(path))
    python = training.to_dict()
    python.pop("scenario"), command.pop("scenario")
    assert_same_numbers(python, command)
    # The step is the sum of its phases times their repeats; energy is per trained token.
    phases = training.phase_records()
    assert [p["phase"] for p in phases] == ["forward_backward", "pipeline_bubble", "optimizer"]
    assert training.cycle_s == pytest.approx(sum(p["step_s"] * p["repeats"] for p in phases), rel=1e-12)
    assert training.tokens_per_cycle == 16777216
    # No user waits on a training step's tokens: no per-user rate, in the DataFrame NaN.
    assert all(o.tokens_per_s_per_user is None for o in training.options)
    assert training.to_dataframe()["tokens_per_s_per_user"].isna().all()
    # Serving-only figures say so.
    with pytest.raises(lightwatt.InputError, match="serving only"):
        training.decode_step_s


def test_parallelism_search_and_latency_target():
    search = lightwatt.estimate(lightwatt.data_dir() / "scenarios" / "405b-latency-target.toml")
    assert search.scenario.search_parallelism
    optical = search.option("cpo_optical_io_scale_up")
    baseline = search.option("baseline")
    # Only the 64-GPU optical domain meets 37 ms between tokens, with a wider tensor-parallel group.
    assert optical.meets_latency_target and not baseline.meets_latency_target
    assert optical.tp * optical.pp > baseline.tp * baseline.pp
    assert optical.inter_token_latency_ms <= 37.0 < baseline.inter_token_latency_ms
    assert optical.memory_per_gpu_gbyte <= 0.9 * 80


def test_offloaded_gemm_accuracy(default):
    records = default.option("photonic_ffn_offload").offload_accuracy_records()
    assert [r["gemm"] for r in records] == ["gate_up", "down"]
    for r in records:
        # The relative error is the SNR's amplitude ratio; both come from one emulation.
        assert r["rel_rms_error"] == pytest.approx(10 ** (-r["snr_db"] / 20), rel=1e-9)
    assert default.option("baseline").offload_accuracy_records() == []


def test_small_model_proxy_beside_the_accuracy(default, data_dir):
    # The study's point at the option's core (the dot-product engine preset: 8 bits, 100 mW of
    # light, data/photonic_cores.toml), read here from the study file itself.
    study = json.loads((data_dir / "studies" / "lm-perplexity.json").read_text())
    point = next(p for p in study["points"]
                 if (p["core"], p["bits"], p["laser_power_mw"]) == ("dot_product_engine", 8, 100.0))
    proxy = default.option("photonic_ffn_offload").lm_proxy
    assert proxy["in_study"] and proxy["label"] == study["label"]
    assert (proxy["core"], proxy["bits"], proxy["study_laser_power_mw"]) == ("dot_product_engine", 8, 100.0)
    change = 100.0 * (point["mean"] / study["float_perplexity"] - 1.0)
    assert proxy["perplexity_change_pct"] == pytest.approx(change, rel=1e-12)
    assert proxy["seed_spread_pct"] == pytest.approx(100.0 * point["spread"] / study["float_perplexity"], rel=1e-12)
    record = default.to_records()[-1]  # photonic_ffn_offload, the last option
    assert record["lm_proxy_perplexity_change_pct"] == pytest.approx(change, rel=1e-12)
    assert record["lm_proxy_laser_power_mw"] == 100.0
    assert default.option("baseline").lm_proxy is None
    # The --json document's, the same dict.
    assert default.to_dict()["options"][-1]["lm_proxy"] == proxy


def test_rack_scale_flags_announced_hardware_and_what_options_replace(data_dir):
    rubin = lightwatt.estimate(lightwatt.load_scenario(data_dir / "scenarios" / "rubin-ultra-nvl576-405b.toml"))
    assert rubin.gpu == "rubin_ultra"
    assert rubin.announced == ["gpus.rubin_ultra", "systems.rubin_ultra_nvl576"]
    assert rubin.to_dict()["announced"] == rubin.announced
    # No calibration record: the fabric is the catalogs'.
    assert not rubin.fabric_from_calibration
    assert any("co-packaged" in r for r in rubin.option("cpo").replaces)
    assert rubin.option("baseline").replaces == []
    h200 = lightwatt.estimate(lightwatt.load_scenario(data_dir / "scenarios" / "h200-405b-fp8.toml"))
    assert h200.gpu == "h200_sxm" and h200.announced == []
    # The H200 record measured one GPU: its collectives say nothing about NVLink.
    assert not h200.fabric_from_calibration
    assert lightwatt.estimate().fabric_from_calibration


def test_serving_terms_say_where_they_come_from_and_scale_when_carried(default, data_dir):
    h100 = default.to_dict()["serving_calibration"]
    assert h100["runs"] == "validation/ml-energy-h100.toml" and h100["fitted_on_gpu"] == "h100_sxm"
    gb200 = lightwatt.estimate(lightwatt.load_scenario(data_dir / "scenarios" / "gb200-nvl72-405b-fp4.toml"))
    carried = gb200.to_dict()["serving_calibration"]
    assert carried["fitted_on_gpu"] == "h100_sxm" and gb200.gpu == "gb200"
    # Carried by the power limit (docs/models/serving-time.md, "Another GPU"): a GB200's 1,200 W
    # against an H100's 700 W scales static power by 12/7; the engine's overhead and the energy per
    # HBM byte stay.
    assert carried["static_power_w"] == pytest.approx(h100["static_power_w"] * 1200 / 700, rel=1e-12)
    assert carried["per_layer_us"] == h100["per_layer_us"]
    assert carried["w_per_tb_per_s"] == h100["w_per_tb_per_s"]
