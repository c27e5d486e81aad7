"""Sweep results as pandas DataFrames, and their Pareto frontiers.

``read_sweep`` reads what ``lightwatt sweep -o DIR`` wrote (or CSV / JSON-lines files of its rows)
through the same C++ reader as ``lightwatt frontier``: an incomplete sweep folder raises
:class:`lightwatt.InputError` naming the chunks missing (``lightwatt sweep ... --resume`` completes
it). ``frontier`` keeps, per group, the feasible rows no other row of the group beats on both
outputs, the directions taken from the C++ table of output keys (``lightwatt.output_keys()``) and
the frontier found by the same C++ function as the command line's.
"""
from __future__ import annotations

import os
from typing import Any, Union

from . import _core

PathLike = Union[str, "os.PathLike[str]"]

#: The command line's default axes: interactivity and throughput per MW of facility power.
DEFAULT_X = "tokens_per_s_per_user"
DEFAULT_Y = "tokens_per_s_per_megawatt"


def _numbers_where_all_are(values: Any) -> Any:
    """An axis column as numbers when every value reads as one (batch, tp), else as it was."""
    import pandas as pd

    converted = pd.to_numeric(values, errors="coerce")
    return converted if converted.notna().all() else values


def read_sweep(*paths: PathLike) -> Any:
    """The rows of one or more sweep folders or row files as one DataFrame: the axes (numbers where
    they are numbers), ``option``, the estimate's outputs (NaN where a row has none: an infeasible
    point, a training row's latency), ``announced``, ``feasible`` and ``reason``. ``df.attrs["axes"]``
    names the axis columns."""
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - the notebooks extra installs it
        raise ImportError("lightwatt.read_sweep needs pandas: pip install 'lightwatt[notebooks]'") from e
    if not paths:
        raise TypeError("read_sweep() needs at least one sweep folder or file of rows")
    read = _core._read_sweep_results([os.fspath(p) for p in paths])
    frame = pd.DataFrame(read["columns"])
    for axis in read["axes"]:
        frame[axis] = _numbers_where_all_are(frame[axis])
    frame.attrs["axes"] = list(read["axes"])
    frame.attrs["files"] = list(read["files"])
    return frame


def frontier(df: Any, x: str = DEFAULT_X, y: str = DEFAULT_Y, by: str = "option") -> Any:
    """The Pareto frontier of ``df`` (from ``read_sweep``) per value of column ``by`` ("option",
    "system" or any other column): the feasible rows with both outputs that no row of their group
    beats on ``x`` and ``y``, each in its own direction; groups in order of appearance, each by x
    ascending, the original index kept. The same rows as ``lightwatt frontier --x X --y Y --by BY``."""
    import pandas as pd

    x_key, y_key = _core.output_key(x, "x"), _core.output_key(y, "y")
    for name in (x, y, by):
        if name not in df.columns:
            raise _input_error(name, f"a column the rows do not have (columns: {', '.join(map(str, df.columns))})")
    rows = df[df["feasible"].astype(bool) & df[x].notna() & df[y].notna()]
    parts = []
    for _, group in rows.groupby(by, sort=False):
        on_front = _core._pareto_front(group[x].astype(float).tolist(), group[y].astype(float).tolist(),
                                       x_key["key"], y_key["key"])
        parts.append(group.iloc[on_front])
    return pd.concat(parts) if parts else rows.iloc[0:0]


def _input_error(key: str, problem: str) -> Exception:
    error = _core.InputError(f"{key}: {problem}")
    error.key, error.problem = key, problem
    return error
