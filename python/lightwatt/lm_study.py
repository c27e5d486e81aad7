"""A language model's perplexity against pJ/MAC on the photonic cores (a small-model proxy).

One tiny byte-level transformer (``lightwatt.tiny_lm``) is trained once; each point of the grid
puts a copy of it on a core preset at some precision (``bits``: input DACs, weights and ADC
together) and laser power, with every linear layer photonic and, on the dot-product engine, the
attention products too, and measures its held-out perplexity over several emulator noise seeds and
the energy per MAC of that pass (``lightwatt.torch.energy_meter``).

Hardware-aware fine-tuning: at the setting halfway between the highest precision and the 3-4 bits
that must lose, each layer's converter ranges are set on training data (learned input ranges, as
aihwkit's, and a calibrated ADC range), then the copy on the core is distilled from the float model
with the noise in the forward pass and the straight-through gradient (Joshi et al., Nat. Commun.
11, 2473 (2020)), stopped early on a validation slice of the corpus (neither trained on nor
evaluated). Reported: the fraction of the loss (perplexity above float) recovered by the
calibration alone, by the whole, and by a control (the same steps with exact products).

``python -m lightwatt.lm_study OUT.json`` writes the result (``make lm-study``).
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import datetime
import math
import json
import statistics
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

# lightwatt.torch first: without PyTorch its ImportError says how to install it.
from . import torch as lwt

import torch
from .tiny_lm import (DEFAULT_CORPUS, HOLDOUT_FRACTION, VALIDATION_FRACTION, ModelShape, TinyLM, Training,
                      CorpusSplit, corpus_files, distil_steps, evaluation_windows, perplexity, random_windows,
                      split_corpus, train)

#: The criterion of the issue: within 2 % of the float model's perplexity.
WITHIN_FLOAT_FRACTION = 0.02
#: A clear loss: at least 5 % above float ...
CLEAR_LOSS_FRACTION = 0.05
#: ... and more than this many seed-to-seed spreads.
CLEAR_LOSS_SPREADS = 3.0
#: The precisions that must show that loss.
LOW_PRECISION_BITS = (3, 4)


@dataclass
class Grid:
    """The settings studied and how the model is evaluated."""

    cores: List[str] = field(default_factory=lambda: ["dot_product_engine", "microring_bank", "coherent_mesh"])
    bits: List[int] = field(default_factory=lambda: [3, 4, 5, 6, 7, 8])
    # The presets' 100 mW and above: this model needs watts of light per core to approach float.
    laser_powers_mw: List[float] = field(default_factory=lambda: [100.0, 1000.0, 10000.0])
    # Far apart: to_photonic gives layer j the seed seed + j.
    noise_seeds: List[int] = field(default_factory=lambda: [1000, 2000, 3000])
    # Windows of the held-out bytes evaluated; None: every one that fits.
    evaluation_windows: Optional[int] = None
    # Fine-tuning (hardware_aware_tune): input ranges set on range_windows training windows, ADC
    # ranges calibrated on the first calibration_windows of them; then at most fine_tune_steps
    # steps of fine_tune_batch windows, weights at fine_tune_learning_rate and input ranges at
    # input_range_learning_rate, the validation perplexity measured every fine_tune_check_steps on
    # validation_windows windows (None: all) and the best state kept.
    range_windows: int = 256
    calibration_windows: int = 64
    fine_tune_steps: int = 1000
    fine_tune_learning_rate: float = 3e-4
    input_range_learning_rate: float = 1e-2
    fine_tune_batch: int = 64
    fine_tune_check_steps: int = 50
    validation_windows: Optional[int] = None


@dataclass
class Point:
    """One setting: its perplexity per noise seed, their mean and spread (population standard
    deviation), and the energy per MAC of the pass."""

    core: str
    bits: int
    laser_power_mw: float
    perplexities: List[float]
    pj_per_mac: float

    @property
    def mean(self) -> float:
        return statistics.fmean(self.perplexities)

    @property
    def spread(self) -> float:
        return statistics.pstdev(self.perplexities)


def photonic_perplexity(model: torch.nn.Module, windows: torch.Tensor, core: str, bits: int,
                        laser_power_mw: float, seed: int) -> tuple[float, float]:
    """(perplexity, pJ/MAC) of a copy of ``model`` on the core at this setting, noise seed ``seed``."""
    photonic = on_core(model, core, bits, laser_power_mw, seed)
    with lwt.energy_meter() as energy:
        value = perplexity(photonic, windows)
    return value, energy.pj_per_mac


def measure_point(model: torch.nn.Module, windows: torch.Tensor, core: str, bits: int, laser_power_mw: float,
                  seeds: Sequence[int]) -> Point:
    runs = [photonic_perplexity(model, windows, core, bits, laser_power_mw, s) for s in seeds]
    return Point(core, bits, laser_power_mw, [p for p, _ in runs], runs[0][1])


@dataclass
class FineTuning:
    """Hardware-aware fine-tuning at one setting, each perplexity the mean over the grid's noise
    seeds: ``before`` (the model as trained, the preset's converter ranges), ``calibrated`` (input
    ranges set from training data and ADC ranges calibrated, no training), ``after`` (then fine-tuned
    with the core in the forward pass) and ``control`` (the same steps with exact products: what
    training alone gives); each ``*_fraction`` the share of the loss above float (``before`` minus
    float) it recovers. ``best_step`` and ``control_best_step``: the steps whose weights were kept
    (the validation slice's best; 0: none beat the start)."""

    core: str
    bits: int
    laser_power_mw: float
    steps: int
    before: float
    after: float
    recovered_fraction: float
    best_step: int = 0
    calibrated: float = math.nan
    calibrated_fraction: float = math.nan
    control: float = math.nan
    control_fraction: float = math.nan
    control_best_step: int = 0


@dataclass
class Tuned:
    """A fine-tuned copy's kept state: its weights and input ranges (a state dict of a copy converted
    with ``learn_input_range=True``), its ADC calibration, and the step they come from."""

    state: Dict[str, torch.Tensor]
    adc: Dict[str, lwt.AdcCalibration]
    best_step: int


def on_core(model: torch.nn.Module, core: str, bits: int, laser_power_mw: float, seed: int,
            tuned: Optional[Tuned] = None) -> torch.nn.Module:
    """A copy of ``model`` on the core with noise seed ``seed``; with ``tuned``, with its weights,
    learned input ranges and ADC calibration."""
    photonic = copy.deepcopy(model)
    lwt.to_photonic(photonic, core=core, bits=bits, laser_power_mw=laser_power_mw, seed=seed, threads=1,
                    learn_input_range=tuned is not None)
    if tuned is not None:
        photonic.load_state_dict(tuned.state)
        lwt.apply_adc_calibration(photonic, tuned.adc)
    return photonic


def mean_perplexity(model: torch.nn.Module, windows: torch.Tensor, core: str, bits: int, laser_power_mw: float,
                    seeds: Sequence[int], tuned: Optional[Tuned] = None) -> float:
    return statistics.fmean(perplexity(on_core(model, core, bits, laser_power_mw, s, tuned), windows) for s in seeds)


def hardware_aware_tune(model: TinyLM, training: torch.Tensor, validation: torch.Tensor, core: str, bits: int,
                        laser_power_mw: float, grid: Grid, seed: int, on_the_core: bool = True) -> tuple[Tuned, Tuned]:
    """Fine-tunes a copy of ``model`` for the core; returns (calibrated start, kept state).

    1. Every photonic layer gets a learned input range (``learn_input_range``), set to the largest
       magnitude its input takes on ``grid.range_windows`` training windows (``init_input_ranges``).
    2. Each layer's ADC range is calibrated on the first ``grid.calibration_windows`` of them
       (``calibrate_adc_ranges``): a converter setting, chosen on training data, not learned.
    3. Distillation from the float model (``distil_steps``), weights at ``grid.fine_tune_learning_rate``
       and input ranges at ``grid.input_range_learning_rate`` (kept above 1e-3), with the core in
       the forward pass and the straight-through gradient (``on_the_core``) or, for the control,
       with exact products; every ``grid.fine_tune_check_steps`` the validation perplexity is
       measured (on the core with other noise seeds, or exact for the control) and the best kept.

    Noise seeds: training ``seed + 100``, validation ``seed + 200``; the evaluations use others."""
    tuned = copy.deepcopy(model)
    lwt.to_photonic(tuned, core=core, bits=bits, laser_power_mw=laser_power_mw, seed=seed + 100, threads=1,
                    learn_input_range=True)
    windows = random_windows(training, model.shape.context, grid.range_windows, torch.Generator().manual_seed(seed))
    lwt.init_input_ranges(tuned, [windows[:, :-1]])
    adc = lwt.calibrate_adc_ranges(tuned, [windows[:grid.calibration_windows, :-1]])
    judge = on_core(model, core, bits, laser_power_mw, seed + 200, Tuned(tuned.state_dict(), adc, 0))
    mode = contextlib.nullcontext if on_the_core else lwt.exact_products

    def validation_perplexity() -> float:
        judge.load_state_dict(tuned.state_dict())
        lwt.reset_noise(judge)
        with mode():
            return perplexity(judge, validation)

    start = Tuned(copy.deepcopy(tuned.state_dict()), adc, 0)
    best, best_ppl = start, validation_perplexity()
    ranges = [p for n, p in tuned.named_parameters() if n.endswith("input_range.alpha")]
    weights = [p for n, p in tuned.named_parameters() if not n.endswith("input_range.alpha")]
    optimiser = torch.optim.AdamW([{"params": weights, "lr": grid.fine_tune_learning_rate, "weight_decay": 0.01},
                                   {"params": ranges, "lr": grid.input_range_learning_rate, "weight_decay": 0.0}])

    def keep_ranges_positive() -> None:
        with torch.no_grad():
            for alpha in ranges:
                alpha.clamp_(min=1e-3)

    generator = torch.Generator().manual_seed(seed + 1)
    for step in range(grid.fine_tune_check_steps, grid.fine_tune_steps + 1, grid.fine_tune_check_steps):
        with mode():
            distil_steps(tuned, model, training, model.shape.context, grid.fine_tune_check_steps, grid.fine_tune_batch,
                         generator, optimiser, keep_ranges_positive)
        ppl = validation_perplexity()
        if ppl < best_ppl:
            best, best_ppl = Tuned(copy.deepcopy(tuned.state_dict()), adc, step), ppl
    return start, best


def fine_tune(model: TinyLM, training: torch.Tensor, validation: torch.Tensor, windows: torch.Tensor,
              float_ppl: float, core: str, bits: int, laser_power_mw: float, grid: Grid, seed: int) -> FineTuning:
    """``hardware_aware_tune`` on the core and its control, each evaluated over the grid's noise
    seeds on ``windows`` beside the model as trained and the calibrated start."""
    def evaluate(tuned: Optional[Tuned] = None) -> float:
        return mean_perplexity(model, windows, core, bits, laser_power_mw, grid.noise_seeds, tuned)

    before = evaluate()
    start, kept = hardware_aware_tune(model, training, validation, core, bits, laser_power_mw, grid, seed)
    _, control = hardware_aware_tune(model, training, validation, core, bits, laser_power_mw, grid, seed,
                                     on_the_core=False)
    calibrated, after, control_after = evaluate(start), evaluate(kept), evaluate(control)
    loss = before - float_ppl

    def recovered(value: float) -> float:
        return (before - value) / loss if loss > 0 else 0.0

    return FineTuning(core, bits, laser_power_mw, grid.fine_tune_steps, before, after, recovered(after), kept.best_step,
                      calibrated, recovered(calibrated), control_after, recovered(control_after), control.best_step)


def cheapest_within_float(points: Sequence[Point], float_ppl: float) -> Optional[Point]:
    """The setting of least pJ/MAC whose mean perplexity is within 2 % of float; None if none is."""
    within = [p for p in points if p.mean <= float_ppl * (1.0 + WITHIN_FLOAT_FRACTION)]
    return min(within, key=lambda p: p.pj_per_mac, default=None)


def halfway_bits(grid: Grid) -> int:
    """The setting halfway between the grid's highest precision and the 3-4 bits that must lose
    (their mean, of those in the grid; the grid's lowest if it has none), to the nearest bit: 8 and
    3.5 give 5.75, so 6 bits."""
    low = [b for b in grid.bits if b in LOW_PRECISION_BITS] or [min(grid.bits)]
    return round((max(grid.bits) + statistics.fmean(low)) / 2)


def criteria(points: Sequence[Point], float_ppl: float, tuning: Sequence[FineTuning]) -> Dict[str, bool]:
    """The issue's requirements, each as measured at the grid's highest laser power (where the
    precision, not the light, limits): at every core's highest precision within 2 % of float; at
    3-4 bits, on every core, a loss of at least 5 % and more than 3 seed spreads; fine-tuning
    recovers at least half the loss on every core."""
    brightest = [p for p in points if p.laser_power_mw == max(q.laser_power_mw for q in points)]
    top = max(p.bits for p in brightest)
    low = [p for p in brightest if p.bits <= max(LOW_PRECISION_BITS)]
    return {
        "highest_precision_within_2_percent": all(p.mean <= float_ppl * (1.0 + WITHIN_FLOAT_FRACTION)
                                                  for p in brightest if p.bits == top),
        "low_precision_clear_loss": bool(low) and all(
            p.mean - float_ppl >= CLEAR_LOSS_FRACTION * float_ppl and
            p.mean - float_ppl > CLEAR_LOSS_SPREADS * p.spread for p in low),
        "fine_tuning_recovers_half": bool(tuning) and all(t.recovered_fraction >= 0.5 for t in tuning),
    }


@dataclass
class Study:
    """Everything the study measured, with the model and the settings that produced it."""

    shape: ModelShape
    training: Training
    grid: Grid
    corpus: str
    corpus_files: List[Dict[str, object]]  # name and bytes, in the order read
    parameters: int
    evaluation_bytes: int
    float_perplexity: float
    points: List[Point]
    fine_tuning: List[FineTuning]

    def to_json(self) -> dict:
        cheapest = cheapest_within_float(self.points, self.float_perplexity)
        return {
            "label": "small-model proxy: a tiny byte-level transformer, not a production language model",
            "source": "lightwatt lm_study (python -m lightwatt.lm_study, make lm-study): measured with the "
                      "lightwatt emulator through lightwatt.torch",
            "date": datetime.date.today().isoformat(),
            "corpus": {"path": self.corpus, "package": "Debian base-files (the plain-text licences it ships)",
                       "files": self.corpus_files,
                       "held_out": f"the last {HOLDOUT_FRACTION:.0%} of each file's bytes",
                       "validation": f"the {VALIDATION_FRACTION:.0%} of each file's bytes before its held-out part "
                                     "(early stopping of the fine-tuning; not trained on)"},
            "model": {**asdict(self.shape), "tokenizer": "bytes (vocabulary 256)", "parameters": self.parameters},
            "training": asdict(self.training),
            "grid": asdict(self.grid),
            "evaluation_bytes": self.evaluation_bytes,
            "float_perplexity": self.float_perplexity,
            "points": [{**asdict(p), "mean": p.mean, "spread": p.spread} for p in self.points],
            "fine_tuning": [asdict(t) for t in self.fine_tuning],
            "cheapest_within_2_percent": None if cheapest is None else {
                "core": cheapest.core, "bits": cheapest.bits, "laser_power_mw": cheapest.laser_power_mw,
                "pj_per_mac": cheapest.pj_per_mac, "perplexity": cheapest.mean},
            "criteria": criteria(self.points, self.float_perplexity, self.fine_tuning),
        }


def check_corpus(corpus: CorpusSplit, path: Path, context: int) -> None:
    """A ValueError naming the corpus, the part and its size unless each part holds at least one
    window of ``context + 1`` bytes and training a window to draw from (``context + 2``)."""
    least = context + 2
    for part in ("training", "validation", "held_out"):
        size = len(getattr(corpus, part))
        if size < least:
            raise ValueError(f"corpus {path}: {size} {part.replace('_', '-')} bytes; allowed: at least {least} in each "
                             f"part (each file's first 80 % trains, the next 10 % validates, the last 10 % is held out, "
                             f"so at least {10 * least} bytes in all)")


def _check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Errors the study would meet only after minutes, found before it starts (exit 2)."""
    if not args.corpus.exists():
        parser.error(f"--corpus {args.corpus}: no such file or folder; allowed: a text file or a folder of them "
                     f"(default {DEFAULT_CORPUS})")
    if not corpus_files(args.corpus):
        parser.error(f"--corpus {args.corpus}: a folder without regular files; allowed: a text file or a folder of them")
    if not args.output.parent.is_dir():
        parser.error(f"output {args.output}: its folder {args.output.parent} does not exist")


def progress(message: str) -> None:
    """A line on standard error: the study takes minutes."""
    print(f"lm_study: {message}", file=sys.stderr, flush=True)


def run(shape: Optional[ModelShape] = None, training: Optional[Training] = None, grid: Optional[Grid] = None,
        corpus_path: Optional[Path] = None) -> Study:
    """Trains the model once and measures every point of the grid, then fine-tunes at the halfway
    precision on each core (highest laser power of the grid). None: the defaults above."""
    shape, training, grid = shape or ModelShape(), training or Training(), grid or Grid()
    corpus_path = Path(corpus_path or DEFAULT_CORPUS)
    corpus = split_corpus(corpus_path)
    check_corpus(corpus, corpus_path, shape.context)
    model = train(shape, training, corpus.training)
    windows = evaluation_windows(corpus.held_out, shape.context, grid.evaluation_windows)
    validation = evaluation_windows(corpus.validation, shape.context, grid.validation_windows)
    float_ppl = perplexity(model, windows)
    progress(f"trained; float perplexity {float_ppl:.3f} on {windows.shape[0]} held-out windows")
    settings = [(core, bits, power) for core in grid.cores for bits in grid.bits for power in grid.laser_powers_mw]
    points = []
    for i, (core, bits, power) in enumerate(settings, 1):
        points.append(measure_point(model, windows, core, bits, power, grid.noise_seeds))
        progress(f"point {i}/{len(settings)}: {core}, {bits} bits, {power:g} mW: perplexity {points[-1].mean:.3f}")
    tuning = []
    for core in grid.cores:
        tuning.append(fine_tune(model, corpus.training, validation, windows, float_ppl, core, halfway_bits(grid),
                                max(grid.laser_powers_mw), grid, training.seed))
        t = tuning[-1]
        progress(f"fine-tuned on {core}: {t.before:.3f} -> {t.after:.3f} ({t.recovered_fraction:.0%} of the loss; "
                 f"calibration alone {t.calibrated_fraction:.0%}, control {t.control_fraction:.0%})")
    files = [{"name": f.name, "bytes": f.stat().st_size} for f in corpus_files(corpus_path)]
    return Study(shape, training, grid, str(corpus_path), files, sum(p.numel() for p in model.parameters()),
                 windows.shape[0] * shape.context, float_ppl, points, tuning)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the JSON file to write")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help=f"a text file or a folder of them (default {DEFAULT_CORPUS})")
    args = parser.parse_args(argv)
    _check_arguments(parser, args)
    # One thread: the machine's other cores are shared, and under load PyTorch's OpenMP threads
    # made element-wise operations about 100 times slower (measured on the 2-core build machine).
    torch.set_num_threads(1)
    try:
        check_corpus(split_corpus(args.corpus), args.corpus, ModelShape().context)
    except ValueError as error:
        parser.error(str(error))
    study = run(corpus_path=args.corpus)
    args.output.write_text(json.dumps(study.to_json(), indent=2) + "\n")
    print(f"lm_study: {len(study.points)} points, float perplexity {study.float_perplexity:.3f}; {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
