"""lightwatt.read_sweep and lightwatt.frontier against `lightwatt sweep` and `lightwatt frontier`:
the same rows, the same frontier points per group, the same refusals."""
import json

import pytest

import lightwatt


def cli_points(cli, *args):
    """The command line's frontier as {group: [point dict, ...]}."""
    return {g["name"]: g["points"] for g in cli.json("frontier", *args)["groups"]}


def python_points(front, by, columns):
    return {name: [{c: (None if row[c] != row[c] else row[c]) for c in columns} for _, row in group.iterrows()]
            for name, group in front.groupby(by, sort=False)}


def test_read_sweep_is_the_sweeps_rows(sweeps):
    df = lightwatt.read_sweep(sweeps / "batch-tp")
    manifest = json.loads((sweeps / "batch-tp" / "manifest.json").read_text())
    assert len(df) == manifest["rows"] == 200
    assert list(df.columns) == manifest["columns"]
    assert df.attrs["axes"] == ["batch", "tp"]
    assert df["batch"].dtype.kind in "iu" and df["feasible"].dtype == bool
    # tp 1 does not fit: no figures, a reason; the default point (batch 64, tp 8) does.
    assert df[df["tp"] == 1]["j_per_token"].isna().all() and not df[df["tp"] == 1]["feasible"].any()
    default = df[(df["batch"] == 64) & (df["tp"] == 8) & (df["option"] == "baseline")].iloc[0]
    assert default["tokens_per_s_per_megawatt"] == pytest.approx(1e6 / default["j_per_token"], rel=1e-12)
    # JSON lines read into the same kinds of columns.
    rack = lightwatt.read_sweep(sweeps / "rack")
    assert len(rack) == 144 and rack.attrs["axes"] == ["system", "batch"]


@pytest.mark.parametrize("x, y, by, folder", [
    ("tokens_per_s_per_user", "tokens_per_s_per_megawatt", "option", "batch-tp"),
    ("inter_token_latency_ms", "j_per_token", "option", "batch-tp"),
    ("tokens_per_s_per_user", "tokens_per_s_per_megawatt", "system", "rack"),
])
def test_frontier_matches_the_command_line(cli, sweeps, x, y, by, folder):
    df = lightwatt.read_sweep(sweeps / folder)
    front = lightwatt.frontier(df, x=x, y=y, by=by)
    expected = cli_points(cli, str(sweeps / folder), "--x", x, "--y", y, "--by", by)
    columns = list(next(iter(expected.values()))[0])
    assert python_points(front, by, columns) == expected
    # Every frontier row is feasible, and no feasible row of its group beats it on both outputs.
    sign = {k["key"]: 1 if k["better"] == "more" else -1 for k in lightwatt.output_keys()}
    feasible = df[df["feasible"] & df[x].notna() & df[y].notna()]
    for _, row in front.iterrows():
        group = feasible[feasible[by] == row[by]]
        better_x, better_y = sign[x] * (group[x] - row[x]), sign[y] * (group[y] - row[y])
        assert not ((better_x >= 0) & (better_y >= 0) & ((better_x > 0) | (better_y > 0))).any()


def test_refusals_match_the_command_line(cli, sweeps, tmp_path):
    df = lightwatt.read_sweep(sweeps / "batch-tp")
    with pytest.raises(lightwatt.InputError, match='did you mean "j_per_token"'):
        lightwatt.frontier(df, y="j_per_tokn")
    with pytest.raises(lightwatt.InputError, match="system"):
        lightwatt.frontier(df, by="system")
    # An interrupted sweep: the manifest counts no chunk; both refuse it and name --resume.
    incomplete = tmp_path / "incomplete"
    incomplete.mkdir()
    for f in (sweeps / "batch-tp").iterdir():
        (incomplete / f.name).write_bytes(f.read_bytes())
    manifest = incomplete / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"chunks_done": 1', '"chunks_done": 0'))
    with pytest.raises(lightwatt.InputError, match="--resume") as error:
        lightwatt.read_sweep(incomplete)
    assert error.value.key == "chunks_done" and error.value.file == str(manifest)
    refused = cli.run("frontier", str(incomplete), check=False)
    assert refused.returncode == 2 and "--resume" in refused.stderr
