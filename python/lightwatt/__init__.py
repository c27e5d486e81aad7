"""lightwatt: optical-interconnect and photonic-compute energy, from device physics to J/token.

The compiled module ``lightwatt._core`` holds the C++ models; this package re-exports them and
adds what a Python user needs around them: the data folder the package carries (``data_dir``),
cached catalogs, NumPy conversion for the emulator, tables as pandas DataFrames
(``lightwatt.tables``), and sweeps as DataFrames, locally or on a Dask cluster
(``lightwatt.sweep``, ``lightwatt.sweeps``). Quantities carry their unit in their names: ``j_per_token``,
``laser_power_w``, ``margin_db``, ``pj_per_bit``, ``energy_pj_per_mac``...

Errors: bad input raises :class:`InputError` (a ``ValueError``) with the C++ message, the one the
command line prints with exit code 2; a missing resource raises :class:`ResourceMissing` (a
``RuntimeError``, exit code 3). See docs/python.md.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Sequence, Union

from . import _core
from ._core import (
    BudgetStudy,
    CalibrationRecord,
    Catalogs,
    CollectiveFit,
    CollectiveRecord,
    EmulationResult,
    Estimate,
    HeldOutPrediction,
    InputError,
    LinkArchetype,
    LinkBudget,
    LinkCatalog,
    LinkReport,
    NcclTestsCheck,
    NcclTestsRun,
    OpticalBudget,
    OptionEstimate,
    Photodetector,
    PhotonicCoreCatalog,
    ResourceMissing,
    Scenario,
    Sensitivity,
    Sweep,
    Tia,
    ber_from_eye_q,
    bit_error_ratio,
    bus_bandwidth_factor,
    calibrate_nccl_tests,
    collective_names,
    energy_part_names,
    extinction_ratio_penalty_db,
    eye_q_for_ber,
    gaussian_tail,
    load_calibration,
    max_channel_loss_db,
    nccl_ring_latency_us,
    oma_dbm_from_average_power,
    parse_nccl_tests,
    read_calibration,
    read_nccl_tests,
    receiver_sensitivity,
    required_tx_oma_dbm,
)
from ._core import output_key, output_keys
from .results import frontier, read_sweep
from .sweeps import load_sweep, sweep
from .tables import records_of, to_columns, to_dataframe

__version__: str = _core.__version__

PathLike = Union[str, "os.PathLike[str]"]

#: The copy of data/ this package carries (installed as lightwatt/data).
PACKAGE_DATA = Path(__file__).resolve().parent / "data"


def data_dir(explicit: Optional[PathLike] = None) -> Path:
    """The catalog folder the models read: ``explicit`` when given, else ``$LIGHTWATT_DATA`` when
    set, else the package's own copy of data/. The C++ lookup (core/data_dir.hpp) checks it: a
    folder without links.toml is an InputError."""
    if explicit is None:
        explicit = os.environ.get("LIGHTWATT_DATA") or PACKAGE_DATA
    return Path(_core.find_data_dir(explicit))


@lru_cache(maxsize=None)
def _link_catalog(folder: str) -> LinkCatalog:
    return LinkCatalog.load(folder)


@lru_cache(maxsize=None)
def _core_catalog(folder: str) -> PhotonicCoreCatalog:
    return PhotonicCoreCatalog.load(folder)


@lru_cache(maxsize=None)
def _catalogs(folder: str) -> Catalogs:
    return Catalogs.load(folder)


def link_catalog(data: Optional[PathLike] = None) -> LinkCatalog:
    """The link catalog (devices.toml, electronics.toml, links.toml) of the data folder; loaded
    once per folder."""
    return _link_catalog(str(data_dir(data)))


def photonic_cores(data: Optional[PathLike] = None) -> PhotonicCoreCatalog:
    """The photonic core catalog (photonic_cores.toml, converters.toml, devices.toml)."""
    return _core_catalog(str(data_dir(data)))


def catalogs(data: Optional[PathLike] = None) -> Catalogs:
    """All catalogs a scenario refers to (LLMs, GPUs, systems, options, links, cores)."""
    return _catalogs(str(data_dir(data)))


def clear_caches() -> None:
    """Forget the loaded catalogs (after editing a data folder)."""
    for f in (_link_catalog, _core_catalog, _catalogs):
        f.cache_clear()


# --- links -------------------------------------------------------------------------------------

def evaluate_link(name: str, data: Optional[PathLike] = None) -> LinkReport:
    """Power by component, pJ/bit and optical budget of the archetype ``name`` (``lightwatt link show``)."""
    return link_catalog(data).evaluate(name)


def compare_links(names: Optional[Sequence[str]] = None, data: Optional[PathLike] = None) -> list:
    """Reports of the named links, all when None (``lightwatt link compare``); ``to_dataframe()``
    of the result gives one row per link."""
    return link_catalog(data).compare(None if names is None else list(names))


# --- the photonic MAC emulator ------------------------------------------------------------------

def _as_matrix(name: str, value: Any) -> Any:
    import numpy as np

    array = np.asarray(value)
    if array.ndim != 2:
        raise ValueError(f"{name}: a 2-D array expected, got shape {array.shape}")
    if array.dtype.kind not in "fiu":
        raise TypeError(f"{name}: dtype {array.dtype} is not a real number type (float64 expected)")
    # No copy when it is already float64 in Fortran order (what the core reads in place).
    return np.asfortranarray(array, dtype=np.float64)


def _overrides(overrides: dict) -> dict:
    out = dict(overrides)
    tile = out.pop("tile", None)
    if tile is not None:
        out.setdefault("tile_rows", tile)
        out.setdefault("tile_cols", tile)
    return out


def emulate(
    weights: Any,
    inputs: Any,
    *,
    core: Optional[str] = None,
    architecture: Optional[str] = None,
    seed: Optional[int] = None,
    target_enob: Optional[float] = None,
    threads: int = 0,
    full_reference: Optional[bool] = None,
    device: str = "cpu",
    data: Optional[PathLike] = None,
    **overrides: Any,
) -> EmulationResult:
    """Multiplies ``weights`` (m x k) by ``inputs`` (k x n) through a photonic core.

    Arrays of real numbers of any layout are accepted; float64 arrays in Fortran order
    (``np.asfortranarray``) are read in place, anything else is converted once. Keyword
    ``overrides`` are the [overrides] keys of an emulation file (``adc_bits=6``,
    ``laser_power_mw=50``, ``tile=32`` for both tile sizes...). The GIL is released while the
    emulator runs; do not write into the arrays from another thread meanwhile. ``device="cuda"``
    runs the tiled GEMM on an NVIDIA GPU where the build has the CUDA backend and the machine a
    GPU, else raises ResourceMissing; ``result.backend`` names where it ran.
    """
    w = _as_matrix("weights", weights)
    x = _as_matrix("inputs", inputs)
    return photonic_cores(data).emulate(
        w, x, core=core, architecture=architecture, seed=seed, target_enob=target_enob,
        overrides=_overrides(overrides), threads=threads, full_reference=full_reference, device=device)


def emulate_random(
    m: int,
    n: int,
    k: int,
    *,
    core: Optional[str] = None,
    architecture: Optional[str] = None,
    seed: Optional[int] = None,
    target_enob: Optional[float] = None,
    threads: int = 0,
    full_reference: Optional[bool] = None,
    device: str = "cpu",
    data: Optional[PathLike] = None,
    **overrides: Any,
) -> EmulationResult:
    """Random matrices uniform in [-1, 1] through a photonic core, drawn from ``seed`` as
    ``lightwatt emulate --m M --n N --k K --seed S`` draws them (same numbers); ``device`` as for
    ``emulate``."""
    return photonic_cores(data).emulate_random(
        m, n, k, core=core, architecture=architecture, seed=seed, target_enob=target_enob,
        overrides=_overrides(overrides), threads=threads, full_reference=full_reference, device=device)


# --- scenarios and the J/token estimate ---------------------------------------------------------

def load_scenario(path: Optional[PathLike] = None, data: Optional[PathLike] = None) -> Scenario:
    """A scenario file (docs/scenario-file.md); None gives the default scenario of
    ``lightwatt estimate`` (data/scenarios/default.toml)."""
    c = catalogs(data)
    if path is None:
        path = Path(c.data_dir) / "scenarios" / "default.toml"
    return Scenario.from_file(c, path)


def scenario_from_string(text: str, name: str = "<string>", data: Optional[PathLike] = None) -> Scenario:
    """A scenario from TOML text; ``name`` is the file name error messages use."""
    return Scenario.from_string(catalogs(data), text, name)


def estimate(
    scenario: Union[Scenario, PathLike, None] = None,
    *,
    calibration: Optional[PathLike] = None,
    data: Optional[PathLike] = None,
) -> Estimate:
    """Energy per output token of each option of ``scenario`` (a Scenario, a file, or None for
    the default), as ``lightwatt estimate [SCENARIO] [--calibration FILE]``."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, data)
    return scenario.estimate(None if calibration is None else os.fspath(calibration))


# --- uncertainty and inverse questions (docs/models/uncertainty.md) -------------------------------

def _threads(threads: Optional[int]) -> int:
    if threads is not None:
        return threads
    env = os.environ.get("LIGHTWATT_THREADS")
    if env and env.isdigit() and int(env) >= 1:
        return int(env)
    return os.cpu_count() or 1


def monte_carlo(
    scenario: Union[Scenario, PathLike, None] = None,
    *,
    draws: int = 10000,
    seed: int = 20261125,
    threads: Optional[int] = None,
    data: Optional[PathLike] = None,
) -> Any:
    """``lightwatt estimate [SCENARIO] --monte-carlo DRAWS --seed SEED``: a pandas DataFrame with
    one row per draw and option (draw, option, j_per_token, saving_vs_baseline_pct, and each drawn
    catalog figure in W, by its path); ``df.attrs["summary"]`` is the document ``--json`` prints
    (medians, 5-95 % intervals, P(beats baseline), the savings' regression coefficients). The
    same on any thread count (default: $LIGHTWATT_THREADS, then the machine's)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, data)
    result = scenario.monte_carlo(draws, seed, _threads(threads))
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("lightwatt.monte_carlo returns a DataFrame: pip install 'lightwatt[notebooks]'") from e
    frame = pd.DataFrame(result["columns"])
    frame.attrs["summary"] = result["summary"]
    return frame


def solve(
    parameter: str,
    option: str,
    saving_pct: float,
    *,
    versus: str = "baseline",
    value_range: Optional[Sequence[float]] = None,
    scenario: Union[Scenario, PathLike, None] = None,
    data: Optional[PathLike] = None,
) -> dict:
    """``lightwatt solve [SCENARIO] --parameter PARAMETER --option OPTION --versus VERSUS
    --saving-pct SAVING_PCT [--range LO,HI] --json`` (``value_range``: (LO, HI)): the value of a catalog figure (its dotted
    key in its data file) at which ``option`` saves ``saving_pct`` % of J/token over ``versus``;
    ``found`` is False, with the savings at the range's ends, when no value in it does."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, data)
    bounds = None if value_range is None else (float(value_range[0]), float(value_range[1]))
    return scenario.solve(parameter, option, versus, float(saving_pct), bounds)


__all__ = [name for name in dir() if not name.startswith("_") and name not in {"annotations", "os", "lru_cache", "Path",
                                                                              "Any", "Optional", "Sequence", "Union"}]
