"""Sweeps from Python (docs/sweep-file.md, docs/python.md): every design point of a sweep file
with every option, as ``lightwatt sweep`` evaluates them, as a pandas DataFrame.

The design points are cut into chunks of ``chunk_points`` consecutive point indices, as the
command line's chunk files are; each chunk's rows come from the C++ core (``_core.Sweep.rows``,
the GIL released) as the very text of a chunk file and are typed here. With a Dask ``client`` the
chunks are evaluated by the cluster's workers, each rebuilding the sweep from its TOML text, and
gathered in point order: a row depends only on its point's index, so the frame is the same as a
local run's, and the same as the command line's rows. With ``parquet=PATH`` every chunk is
written as ``PATH/part-NNNNN.parquet`` (pyarrow) where it was evaluated, and nothing is gathered.
"""
from __future__ import annotations

import io
import json
import math
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from . import _core

PathLike = Union[str, "os.PathLike[str]"]

#: Design points per chunk: the command line's (study/sweep_run.hpp).
CHUNK_POINTS = 4096


@dataclass(frozen=True)
class _Spec:
    """What a process needs to rebuild a sweep: picklable and hashable, sent to Dask workers."""

    text: str
    name: str
    folder: str
    data: str


_sweeps: Dict[_Spec, Any] = {}


def _input_error(key: str, value: str, problem: str, allowed: str) -> Exception:
    error = _core.InputError(f"{key} = {value}: {problem}. Allowed: {allowed}")
    error.file, error.line, error.key, error.value, error.problem, error.allowed = "", 0, key, value, problem, allowed
    return error


#: Sweeps a process keeps read: a worker evaluates the chunks of a few sweeps at a time.
_KEPT_SWEEPS = 8


def _keep(spec: _Spec, sweep: Any) -> None:
    if len(_sweeps) >= _KEPT_SWEEPS:
        _sweeps.pop(next(iter(_sweeps)))  # the oldest
    _sweeps[spec] = sweep


def _sweep_of(spec: _Spec) -> Any:
    """The sweep of ``spec``, read once per process."""
    found = _sweeps.get(spec)
    if found is None:
        from . import catalogs

        found = _core.Sweep.from_string(catalogs(spec.data), spec.text, spec.name, spec.folder)
        _keep(spec, found)
    return found


def _toml_key(key: Any) -> str:
    if not isinstance(key, str):
        raise _input_error("spec", repr(key), "a key that is not a string", "string keys")
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _toml_value(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _input_error(where, repr(value), "not a finite number", "finite numbers")
        return repr(value)  # the shortest text that reads back as the same double, with its '.' or 'e'
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: JSON's escapes are TOML's
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v, where) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v, where)}" for k, v in value.items()) + " }"
    raise _input_error(where, repr(value), "not a value a sweep file can hold", "a bool, int, float, str, or a list or dict of them")


def _toml_text(spec: Mapping[str, Any], path: str = "") -> str:
    """A dict as TOML text in the dict's order (the axes' order is the product's and the columns'):
    plain values first, then each dict value as a [table]."""
    lines = []
    for key, value in spec.items():
        if not isinstance(value, Mapping):
            lines.append(f"{_toml_key(key)} = {_toml_value(value, path + str(key))}")
    for key, value in spec.items():
        if isinstance(value, Mapping):
            name = path + _toml_key(key)
            lines.append(f"\n[{name}]")
            lines.append(_toml_text(value, name + ".").rstrip("\n"))
    return "\n".join(line for line in lines if line) + "\n"


def load_sweep(spec: Union[PathLike, Mapping[str, Any]], data: Optional[PathLike] = None) -> Tuple[_Spec, Any]:
    """The sweep file ``spec`` (a path, or a dict of its keys whose ``scenario`` is relative to the
    working folder) read and checked against the catalogs: bad input raises InputError as
    ``lightwatt sweep`` exits 2."""
    from . import catalogs, data_dir

    folder_of_data = str(data_dir(data))
    c = catalogs(folder_of_data)
    if isinstance(spec, Mapping):
        folder = Path.cwd()
        sweep = _core.Sweep.from_string(c, _toml_text(spec), "<dict>", folder)
    else:
        path = Path(os.fspath(spec))
        folder = path.resolve().parent
        sweep = _core.Sweep.from_file(c, path)
    key = _Spec(sweep.text, sweep.name, str(folder), folder_of_data)
    _keep(key, sweep)
    return key, sweep


def _rows_frame(text: str, columns: List[str], types: List[str]) -> Any:
    """The rows of a CSV chunk as a DataFrame: ints as int64, figures as float64 (NaN where the
    estimate refused the point), ``feasible`` as bool, text as str (empty, not NaN, when empty).
    Floats are parsed to the nearest double: the shortest round-trip text the C++ writes reads back
    as the very double it printed (pandas 3's default parser; pandas 2 needs "round_trip")."""
    import pandas as pd

    exact = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
    dtype: Dict[str, Any] = {}
    na_values: Dict[str, List[str]] = {}
    for column, kind in zip(columns, types):
        if kind == "float":
            dtype[column] = "float64"
            na_values[column] = [""]
        else:
            dtype[column] = {"int": "int64", "bool": "bool", "str": str}[kind]
    return pd.read_csv(io.StringIO(text), dtype=dtype, keep_default_na=False, na_values=na_values,
                       true_values=["true"], false_values=["false"], **exact)


def _write_parquet(frame: Any, path: Path) -> None:
    # A temporary name beside the part, then a rename: a part is whole or absent.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    frame.to_parquet(temporary, engine="pyarrow", index=False)
    os.replace(temporary, path)


def _chunk(spec: _Spec, index: int, first: int, count: int, threads: int, parquet: Optional[str]) -> Any:
    """The rows of one chunk, or the Parquet part written with them (``parquet``: the dataset folder)."""
    sweep = _sweep_of(spec)
    frame = _rows_frame(sweep.rows(first, count, threads), sweep.columns, sweep.column_types)
    if parquet is None:
        return frame
    part = Path(parquet) / f"part-{index:05d}.parquet"
    _write_parquet(frame, part)
    return str(part)


def _chunk_ranges(points: int, chunk_points: int) -> List[Tuple[int, int, int]]:
    return [(i, first, min(chunk_points, points - first)) for i, first in enumerate(range(0, points, chunk_points))]


def _prepare_dataset(parquet: PathLike) -> str:
    folder = Path(os.fspath(parquet))
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise _input_error("parquet", str(folder), "not a new or empty folder", "a new or empty folder for the dataset")
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder.resolve())


def sweep(
    spec: Union[PathLike, Mapping[str, Any]],
    *,
    client: Any = None,
    threads: Optional[int] = None,
    chunk_points: int = CHUNK_POINTS,
    parquet: Optional[PathLike] = None,
    data: Optional[PathLike] = None,
) -> Any:
    """Every design point of the sweep ``spec`` with every option, as ``lightwatt sweep`` writes
    them: one row per point and option, in point order, the axes' columns first.

    ``spec``: a sweep file (docs/sweep-file.md), or a dict of its keys. ``client``: a
    ``dask.distributed.Client``; the chunks of ``chunk_points`` points are then evaluated on its
    workers (each loads the catalogs of ``data`` once, so the data folder must be readable there).
    ``threads``: threads per chunk, default ``$LIGHTWATT_THREADS`` then the hardware's when local,
    1 on a Dask worker (the cluster's parallelism is its workers). ``parquet``: a new or empty
    folder; each chunk is written there as ``part-NNNNN.parquet`` where it was evaluated and the
    folder's Path is returned instead of a DataFrame (``pandas.read_parquet(folder)`` reads it).
    Returns a pandas DataFrame otherwise. Bad input raises InputError.
    """
    if isinstance(chunk_points, bool) or not isinstance(chunk_points, int) or chunk_points < 1:
        raise _input_error("chunk_points", repr(chunk_points), "not a positive integer", "1 or more (default 4096)")
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise _input_error("threads", repr(threads), "not a positive integer", "1 or more, or None for the default")
    key, loaded = load_sweep(spec, data)
    dataset = None if parquet is None else _prepare_dataset(parquet)
    ranges = _chunk_ranges(loaded.point_count, chunk_points)
    if client is None:
        parts = [_chunk(key, i, first, count, threads or 0, dataset) for i, first, count in ranges]
    else:
        n = len(ranges)
        futures = client.map(_chunk, [key] * n, *zip(*ranges), [threads or 1] * n, [dataset] * n,
                             key=[f"lightwatt-sweep-{run}-{i}" for run in [uuid.uuid4().hex] for i in range(n)])
        parts = client.gather(futures)
    if dataset is not None:
        return Path(dataset)
    import pandas as pd

    return pd.concat(parts, ignore_index=True)
