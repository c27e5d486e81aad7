"""lightwatt.monte_carlo and lightwatt.solve (docs/models/uncertainty.md) against the command line:
the same documents for the same arguments, and the draws' table consistent with its summary."""
from __future__ import annotations

import json

import pytest

import lightwatt


def test_monte_carlo_matches_the_cli(cli):
    frame = lightwatt.monte_carlo(draws=300, seed=7, threads=2)
    printed = json.loads(cli.run("estimate", "--monte-carlo", "300", "--seed", "7", "--json").stdout)
    summary = frame.attrs["summary"]
    # The scenario's file name is the one each was given; every figure equal.
    summary["scenario"] = printed["scenario"]
    assert summary == printed
    assert len(frame) == 300 * len(printed["options"])
    assert set(frame["option"]) == {o["option"] for o in printed["options"]}
    for figure in printed["figures"]:
        column = frame[figure["path"]]
        assert column.between(figure["low_w"], figure["high_w"]).all()


def test_monte_carlo_table_gives_the_summary_median():
    frame = lightwatt.monte_carlo(draws=201, seed=3, threads=1)
    cpo = frame[frame["option"] == "cpo"]
    option = next(o for o in frame.attrs["summary"]["options"] if o["option"] == "cpo")
    # 201 draws: the median is the 101st value (type 7 quantile at h = 100).
    assert cpo["j_per_token"].median() == pytest.approx(option["j_per_token_median"], rel=1e-12)
    assert (cpo["saving_vs_baseline_pct"] > 0).mean() == option["probability_beats_baseline"]


def test_monte_carlo_same_on_any_thread_count():
    one = lightwatt.monte_carlo(draws=300, seed=5, threads=1)
    two = lightwatt.monte_carlo(draws=300, seed=5, threads=2)
    assert one.equals(two)


def test_solve_matches_the_cli(cli):
    args = ["--parameter", "systems.dgx_h100.host_power_w_per_node.typical", "--option", "lpo", "--saving-pct", "1.7"]
    printed = json.loads(cli.run("solve", *args, "--json").stdout)
    answer = lightwatt.solve("systems.dgx_h100.host_power_w_per_node.typical", "lpo", 1.7)
    assert answer == printed
    assert answer["found"] is True


def test_solve_without_an_answer_and_bad_input():
    answer = lightwatt.solve("lasers.elsfp_vhp.wall_plug_efficiency", "cpo", 40.0, value_range=(0.1, 0.3))
    assert answer["found"] is False
    assert answer["value"] is None
    assert answer["range"]["from"] == "given"
    with pytest.raises(lightwatt.InputError, match='did you mean "systems.dgx_h100.pue"'):
        lightwatt.solve("systems.dgx_h100.puee", "lpo", 1.0)
    with pytest.raises(lightwatt.InputError, match="from 1 to 1000000"):
        lightwatt.monte_carlo(draws=0)
