"""lightwatt.tiny_lm and lightwatt.lm_study: the byte-level model's perplexity against hand
calculations, the held-out split, the study's summary rules on hand-made points, and the study run
end to end on a reduced grid (a smaller model, two cores, two precisions).

`make test` runs this file in build/venv-torch (Debian's python3-torch) with test_torch.py.
"""
from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch", reason="PyTorch is absent here; make test runs this file in build/venv-torch")

from lightwatt import lm_study  # noqa: E402
from lightwatt.tiny_lm import (VOCABULARY, ModelShape, TinyLM, Training, corpus_files, distil_steps,  # noqa: E402
                               evaluation_windows, perplexity, read_corpus, split_bytes, split_corpus)


class UniformModel(torch.nn.Module):
    """Equal logits for every byte."""

    def forward(self, tokens):
        return torch.zeros(*tokens.shape, VOCABULARY)


def test_uniform_model_has_the_vocabulary_as_perplexity():
    # Cross-entropy of a uniform distribution over 256 bytes is ln 256, so perplexity exp(ln 256) = 256.
    windows = torch.randint(0, VOCABULARY, (3, 9), generator=torch.Generator().manual_seed(0))
    assert perplexity(UniformModel(), windows) == pytest.approx(256.0, rel=1e-6)


def test_a_file_splits_into_training_validation_and_the_held_out_last_tenth():
    parts = split_bytes(torch.arange(1000))
    # 1000 bytes: the first 800 train, the next 100 validate, the last 100 are held out.
    assert (len(parts.training), len(parts.validation), len(parts.held_out)) == (800, 100, 100)
    assert int(parts.training[-1]) == 799 and int(parts.validation[0]) == 800 and int(parts.held_out[0]) == 900
    # 25 bytes: cuts at int(25 x 0.8) = 20 and int(25 x 0.9) = 22.
    parts = split_bytes(torch.arange(25))
    assert (len(parts.training), len(parts.validation), len(parts.held_out)) == (20, 2, 3)


def test_corpus_splits_file_by_file(tmp_path):
    # Two files of 10 and 20 bytes: 8 + 16 train, 1 + 2 validate, 1 + 2 held out, in file order.
    (tmp_path / "a").write_bytes(bytes(range(10)))
    (tmp_path / "b").write_bytes(bytes(range(100, 120)))
    parts = split_corpus(tmp_path)
    assert parts.training.tolist() == list(range(8)) + list(range(100, 116))
    assert parts.validation.tolist() == [8, 116, 117]
    assert parts.held_out.tolist() == [9, 118, 119]


def test_corpus_folder_is_its_files_in_sorted_order_without_links(tmp_path):
    (tmp_path / "b").write_bytes(b"BB")
    (tmp_path / "a").write_bytes(b"A")
    (tmp_path / "c").symlink_to(tmp_path / "a")  # a link repeats a file: left out
    assert [f.name for f in corpus_files(tmp_path)] == ["a", "b"]
    # "A" then "BB": bytes 65, 66, 66.
    assert read_corpus(tmp_path).tolist() == [65, 66, 66]
    assert corpus_files(tmp_path / "b") == [tmp_path / "b"]


def test_halfway_setting_lies_between_the_highest_precision_and_three_to_four_bits():
    # 8 bits and the mean of 3 and 4 bits, 3.5: (8 + 3.5) / 2 = 5.75, so 6 bits.
    assert lm_study.halfway_bits(lm_study.Grid(bits=[3, 4, 5, 6, 7, 8])) == 6
    # Only 4 of the two in the grid: (8 + 4) / 2 = 6.
    assert lm_study.halfway_bits(lm_study.Grid(bits=[4, 8])) == 6
    # 10 bits at the top: (10 + 3.5) / 2 = 6.75, so 7.
    assert lm_study.halfway_bits(lm_study.Grid(bits=[3, 4, 10])) == 7


def test_evaluation_windows_are_consecutive_and_bounded():
    held_out = torch.arange(100)
    windows = evaluation_windows(held_out, context=10, windows=3)
    # Window i holds bytes 10 i .. 10 i + 10 (inputs and the next byte of the last one).
    assert windows.tolist()[2] == list(range(20, 31))
    # (100 - 1) // 10 = 9 windows fit; 10 do not; None takes the 9.
    with pytest.raises(ValueError, match="at most 9"):
        evaluation_windows(held_out, context=10, windows=10)
    assert evaluation_windows(held_out, context=10).shape == (9, 11)


def test_distillation_moves_the_student_towards_the_teacher():
    torch.manual_seed(3)
    shape = ModelShape(width=8, layers=1, heads=2, context=8)
    teacher, student = TinyLM(shape).eval(), TinyLM(shape)
    data = torch.randint(0, VOCABULARY, (500,), generator=torch.Generator().manual_seed(4))
    optimiser = torch.optim.AdamW(student.parameters(), lr=1e-2, weight_decay=0.0)
    # A copy of the teacher is already there: KL(teacher || teacher) = 0.
    same = TinyLM(shape)
    same.load_state_dict(teacher.state_dict())
    zero = distil_steps(same, teacher, data, 8, 1, 4, torch.Generator().manual_seed(5),
                        torch.optim.SGD(same.parameters(), lr=0.0))
    assert zero == pytest.approx(0.0, abs=1e-6)
    first = distil_steps(student, teacher, data, 8, 1, 16, torch.Generator().manual_seed(5), optimiser)
    last = distil_steps(student, teacher, data, 8, 60, 16, torch.Generator().manual_seed(6), optimiser)
    assert last < 0.5 * first


def point(bits, laser_power_mw, perplexities, pj_per_mac, core="dot_product_engine"):
    return lm_study.Point(core, bits, laser_power_mw, perplexities, pj_per_mac)


def test_cheapest_within_two_percent_of_float():
    points = [point(8, 1000.0, [10.1, 10.1], 0.5), point(6, 1000.0, [10.19, 10.19], 0.4),
              point(4, 1000.0, [10.3, 10.3], 0.3)]
    # Float 10: the 2 % bound is 10.2; 10.19 at 0.4 pJ/MAC is in, 10.3 at 0.3 pJ/MAC is out.
    assert lm_study.cheapest_within_float(points, 10.0).bits == 6
    assert lm_study.cheapest_within_float(points, 5.0) is None


def test_criteria_on_hand_made_points():
    # Float 10. 8 bits: 10.1 (+1 %). 4 bits: mean 11, +10 %, spread pstdev(10.9, 11.1) = 0.1, 1 > 3 x 0.1.
    points = [point(8, 1e4, [10.1, 10.1], 0.5), point(4, 1e4, [10.9, 11.1], 0.3),
              point(4, 100.0, [50.0, 50.0], 0.1)]
    tuning = [lm_study.FineTuning("dot_product_engine", 6, 1e4, 5, 12.0, 10.8, 0.6, 5, 11.5, 0.25, 11.4, 0.3, 5)]
    assert lm_study.criteria(points, 10.0, tuning) == {
        "highest_precision_within_2_percent": True, "low_precision_clear_loss": True,
        "fine_tuning_recovers_half": True}
    # A spread of pstdev(10.5, 11.5) = 0.5: the 1.0 loss is not more than 3 spreads.
    points[1] = point(4, 1e4, [10.5, 11.5], 0.3)
    assert not lm_study.criteria(points, 10.0, tuning)["low_precision_clear_loss"]


def test_reduced_study_runs_end_to_end():
    torch.set_num_threads(1)
    grid = lm_study.Grid(cores=["dot_product_engine", "microring_bank"], bits=[4, 8], laser_powers_mw=[100.0, 10000.0],
                         noise_seeds=[1000, 2000], evaluation_windows=8, range_windows=8, calibration_windows=4,
                         fine_tune_steps=4, fine_tune_check_steps=2, fine_tune_batch=8, validation_windows=8)
    study = lm_study.run(ModelShape(width=16, layers=1, heads=2, context=16), Training(steps=200), grid)
    record = study.to_json()
    assert len(record["points"]) == 2 * 2 * 2
    assert record["evaluation_bytes"] == 8 * 16
    # 200 steps already beat guessing uniformly among 256 bytes.
    assert 1.0 < study.float_perplexity < 256.0
    for p in study.points:
        assert len(p.perplexities) == 2 and all(math.isfinite(v) for v in p.perplexities)
    # More light costs more energy per MAC (the laser's share grows with its power).
    by_setting = {(p.core, p.bits, p.laser_power_mw): p.pj_per_mac for p in study.points}
    assert by_setting[("microring_bank", 8, 10000.0)] > by_setting[("microring_bank", 8, 100.0)]
    assert [t["bits"] for t in record["fine_tuning"]] == [6, 6]
    # The kept weights are those of a validation check: before any step, after 2 or after 4.
    assert all(t["best_step"] in (0, 2, 4) and t["control_best_step"] in (0, 2, 4) for t in record["fine_tuning"])
    for t in record["fine_tuning"]:
        assert all(math.isfinite(t[k]) for k in ("before", "calibrated", "after", "control"))
        # Each fraction is (before - perplexity) / (before - float).
        loss = t["before"] - record["float_perplexity"]
        if loss > 0:
            assert t["control_fraction"] == pytest.approx((t["before"] - t["control"]) / loss)
    assert record["label"].startswith("small-model proxy")
    assert set(record["criteria"]) == {"highest_precision_within_2_percent", "low_precision_clear_loss",
                                       "fine_tuning_recovers_half"}


def test_committed_study_is_labelled_and_consistent():
    # data/studies/lm-perplexity.json (make lm-study): its provenance, and its summary recomputed
    # from its own points with the rules above.
    import json

    import lightwatt

    record = json.loads((lightwatt.data_dir() / "studies" / "lm-perplexity.json").read_text())
    assert record["label"].startswith("small-model proxy") and record["source"] and record["date"]
    assert record["corpus"]["path"] == "/usr/share/common-licenses"
    assert [f["name"] for f in record["corpus"]["files"]] == sorted(f["name"] for f in record["corpus"]["files"])
    points = [lm_study.Point(p["core"], p["bits"], p["laser_power_mw"], p["perplexities"], p["pj_per_mac"])
              for p in record["points"]]
    grid = record["grid"]
    assert len(points) == len(grid["cores"]) * len(grid["bits"]) * len(grid["laser_powers_mw"])
    tuning = [lm_study.FineTuning(**t) for t in record["fine_tuning"]]
    assert lm_study.criteria(points, record["float_perplexity"], tuning) == record["criteria"]
    cheapest = lm_study.cheapest_within_float(points, record["float_perplexity"])
    assert (cheapest.core, cheapest.bits, cheapest.laser_power_mw) == tuple(
        record["cheapest_within_2_percent"][k] for k in ("core", "bits", "laser_power_mw"))


def test_bad_arguments_exit_2_before_the_study_and_write_nothing(tmp_path, capsys):
    out = tmp_path / "study.json"
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = [
        (["--corpus", str(tmp_path / "absent"), str(out)], "no such file or folder"),
        (["--corpus", str(empty), str(out)], "a folder without regular files"),
        ([str(tmp_path / "absent" / "study.json")], "does not exist"),
    ]
    # 300 bytes: 240 / 30 / 30 per part; the default context of 32 needs 34 in each.
    small = tmp_path / "small.txt"
    small.write_bytes(bytes(300))
    cases.append((["--corpus", str(small), str(out)], "30 validation bytes; allowed: at least 34"))
    for argv, message in cases:
        with pytest.raises(SystemExit) as exit_:
            lm_study.main(argv)
        assert exit_.value.code == 2
        assert message in capsys.readouterr().err
        assert not out.exists()
