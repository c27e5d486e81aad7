"""Tables: records, columns and DataFrames from any result."""
from __future__ import annotations

import pytest

import lightwatt
from lightwatt import tables


def test_link_comparison_as_a_dataframe():
    reports = lightwatt.compare_links()
    frame = lightwatt.to_dataframe(reports, index="name")
    assert list(frame.index) == lightwatt.link_catalog().names
    assert frame.loc["cpo_1600g", "pj_per_bit"] == lightwatt.evaluate_link("cpo_1600g").pj_per_bit
    # Parts sum to the headline in every row.
    parts = [c for c in frame.columns if c.endswith("_pj_per_bit")]
    assert (frame[parts].sum(axis=1) - frame["pj_per_bit"]).abs().max() < 1e-9
    breakdown = lightwatt.to_dataframe(reports[0].breakdown_records())
    assert list(breakdown["component"])[0] == "host_serdes"


def test_columns_without_pandas():
    columns = lightwatt.to_columns([{"a_w": 1.0}, {"a_w": 2.0, "b_db": 3.0}])
    assert columns == {"a_w": [1.0, 2.0], "b_db": [None, 3.0]}
    one = tables.records_of(lightwatt.evaluate_link("lpo_800g"))
    assert len(one) == 1 and one[0]["name"] == "lpo_800g"


def test_rows_must_be_records():
    with pytest.raises(TypeError, match="to_record"):
        lightwatt.to_columns([1, 2])
