"""Tables of lightwatt results as plain columns or pandas DataFrames.

Every table in lightwatt is a list of flat dicts (records) whose keys carry their unit as a
suffix (``j_per_token``, ``module_power_w``, ``pj_per_mac``...). Results offer them through
``to_records()`` (an estimate's options, an nccl-tests run's rows), ``to_record()`` (one link
report, one option) or ``*_records()`` (breakdowns). pandas is imported only when a DataFrame is
asked for.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List

Record = Dict[str, Any]


def records_of(obj: Any) -> List[Record]:
    """The records of ``obj``: a list of dicts as is, an object's ``to_records()``, or the
    ``to_record()`` of each object of an iterable (e.g. the LinkReports of ``compare_links()``)."""
    if hasattr(obj, "to_records"):
        return list(obj.to_records())
    if hasattr(obj, "to_record"):
        return [obj.to_record()]
    records: List[Record] = []
    for item in obj:
        if isinstance(item, dict):
            records.append(item)
        elif hasattr(item, "to_record"):
            records.append(item.to_record())
        else:
            raise TypeError(f"cannot make a table row of {type(item).__name__!r}: a dict or an object with to_record() expected")
    return records


def to_columns(obj: Any) -> Dict[str, List[Any]]:
    """The table as a dict of columns (no pandas needed); keys in first-seen order, missing cells None."""
    records = records_of(obj)
    keys: Dict[str, None] = {}
    for r in records:
        for k in r:
            keys.setdefault(k, None)
    return {k: [r.get(k) for r in records] for k in keys}


def to_dataframe(obj: Any, index: str | None = None) -> Any:
    """The table as a pandas DataFrame (``index``: a column to use as the index)."""
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("lightwatt tables as DataFrames need pandas: pip install 'lightwatt[notebooks]'") from e
    frame = pd.DataFrame(to_columns(obj))
    if index is not None:
        frame = frame.set_index(index)
    return frame


