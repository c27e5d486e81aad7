"""Link archetypes through the bindings: against the command line's JSON, against hand
calculations, and their monotonic properties."""
from __future__ import annotations

import pytest

import lightwatt
from conftest import assert_same_numbers


@pytest.fixture(scope="module")
def catalog():
    return lightwatt.link_catalog()


def test_catalog_lists_the_command_lines_links(catalog, cli):
    assert catalog.names == [entry["name"] for entry in cli.json("link", "list")]
    assert len(catalog) == len(catalog.names) and "cpo_1600g" in catalog


def test_every_report_matches_link_show_json(catalog, cli):
    for name in catalog.names:
        assert_same_numbers(catalog.evaluate(name).to_dict(), cli.json("link", "show", name), name)


def test_compare_matches_link_compare_json(catalog, cli):
    reports = lightwatt.compare_links(["lpo_800g", "copper_nvlink"])
    assert [r.name for r in reports] == ["lpo_800g", "copper_nvlink"]
    assert_same_numbers([r.to_dict() for r in reports], cli.json("link", "compare", "lpo_800g", "copper_nvlink"))


def test_headline_figures_by_hand(catalog):
    for report in catalog.compare():
        a = report.archetype
        bits_per_symbol = {"nrz": 1, "pam4": 2}[a.modulation]
        assert report.line_rate_gbit_per_s == pytest.approx(a.lanes * a.symbol_rate_gbaud * bits_per_symbol, rel=1e-12)
        # pJ/bit: both ends' power over both directions' payload.
        assert report.pj_per_bit == pytest.approx(report.link_power_w / (2 * report.payload_rate_gbit_per_s * 1e9) * 1e12, rel=1e-12)
        # The breakdown sums to the headline; the per-end powers to half the link's.
        assert sum(report.breakdown_pj_per_bit.values()) == pytest.approx(report.pj_per_bit, rel=1e-12)
        assert sum(report.end_power_w.values()) == pytest.approx(report.link_power_w / 2, rel=1e-12)
        assert report.static_power_w <= report.link_power_w + 1e-12
        assert report.laser_power_w == report.end_power_w["laser"]
        record = report.to_record()
        assert record["pj_per_bit"] == report.pj_per_bit
        assert sum(record[k] for k in record if k.endswith("_pj_per_bit")) == pytest.approx(report.pj_per_bit, rel=1e-12)
        assert sum(row["share_pct"] for row in report.breakdown_records()) == pytest.approx(100.0)


def test_margin_is_the_budget_arithmetic(catalog):
    report = catalog.evaluate("dsp_pluggable_800g")
    o = report.optical
    assert report.margin_db == pytest.approx(o.tx_oma_dbm - o.channel_loss_db - o.penalties_db - o.rx_sensitivity_oma_dbm, abs=1e-12)
    assert o.budget.margin_db == pytest.approx(report.margin_db, abs=1e-12)
    assert catalog.evaluate("copper_nvlink").margin_db is None
    assert catalog.evaluate("copper_nvlink").optical is None


def test_more_design_loss_needs_proportionally_more_laser_power(catalog):
    base = catalog.archetype("cpo_1600g")
    previous = None
    for extra in [0.0, 1.0, 2.0, 3.0]:
        variant = base.with_optics(design_channel_loss_db=base.design_channel_loss_db + extra)
        report = variant.evaluate()
        # Everything on the path is linear in power: +x dB of loss, 10^(x/10) more laser output.
        assert report.optical.laser_output_mw == pytest.approx(base.evaluate().optical.laser_output_mw * 10 ** (extra / 10), rel=1e-9)
        if previous is not None:
            assert report.laser_power_w > previous.laser_power_w
            assert report.pj_per_bit > previous.pj_per_bit
        previous = report


def test_a_longer_fibre_spends_margin_not_laser_power(catalog):
    base = catalog.archetype("dsp_pluggable_800g")
    near = base.with_optics(fibre_length_m=100.0)
    far = base.with_optics(fibre_length_m=400.0)
    r_near, r_far = near.evaluate(), far.evaluate()
    assert r_near.margin_db - r_far.margin_db == pytest.approx(far.channel_loss_db - near.channel_loss_db, abs=1e-12)
    assert far.channel_loss_db > near.channel_loss_db
    assert r_near.laser_power_w == r_far.laser_power_w


def test_a_less_efficient_laser_draws_more(catalog):
    base = catalog.archetype("cpo_1600g")
    half = base.with_optics(laser_wall_plug_efficiency=base.laser_wall_plug_efficiency / 2)
    assert half.evaluate().laser_power_w > base.evaluate().laser_power_w
    assert half.evaluate().optical.laser_output_mw == pytest.approx(base.evaluate().optical.laser_output_mw, rel=1e-12)


def test_unknown_link_has_the_command_lines_message(catalog, cli):
    result = cli.run("link", "show", "lpo_80g", check=False)
    assert result.returncode == 2
    with pytest.raises(lightwatt.InputError) as e:
        catalog.evaluate("lpo_80g")
    # The same error, keyed by what each front end calls the name: the CLI's NAME, Python's `name`.
    assert str(e.value).startswith('name = "lpo_80g": unknown link (did you mean "lpo_800g"?)')
    assert result.stderr.strip() == "lightwatt: error: NAME" + str(e.value)[len("name"):]


def test_bad_variants_are_input_errors(catalog):
    with pytest.raises(lightwatt.InputError, match="no optical lane"):
        catalog.archetype("copper_nvlink").with_optics(design_channel_loss_db=1.0)
    with pytest.raises(lightwatt.InputError, match="laser_wall_plug_efficiency"):
        catalog.archetype("cpo_1600g").with_optics(laser_wall_plug_efficiency=1.5)
    with pytest.raises(lightwatt.InputError, match="fibre_length_m"):
        catalog.archetype("cpo_1600g").with_optics(fibre_length_m=float("nan"))
    with pytest.raises(TypeError):
        catalog.archetype("cpo_1600g").with_optics(design_channel_loss_db="3 dB")


def test_budget_file_matches_link_budget_json(catalog, cli, data_dir):
    path = data_dir / "budgets" / "400gbase-dr4.toml"
    study = catalog.budget_study(path)
    # 802.3 400GBASE-DR4 worst case: 1.2 - 3.0 - 3.4 - (-5.3) = 0.1 dB.
    assert study.margin_db == pytest.approx(0.1, abs=1e-12)
    assert study.budget.power_budget_db == pytest.approx(6.5, abs=1e-12)
    assert_same_numbers(study.to_dict(), cli.json("link", "budget", str(path)))
    with pytest.raises(lightwatt.InputError, match=r"budget\.toml:\d+: .*oma_dbmm"):
        catalog.budget_study_from_string("[transmitter]\noma_dbmm = 1.2\n", "budget.toml")
