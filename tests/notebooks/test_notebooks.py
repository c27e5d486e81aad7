"""The notebooks (issue #6): committed without outputs, and each runs top to bottom with every
figure it makes readable on its own (figure_check.py)."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
NOTEBOOKS = sorted((HERE.parent.parent / "notebooks").glob("*.ipynb"))


def test_the_four_stories_are_there():
    names = [p.stem for p in NOTEBOOKS]
    assert len(names) >= 4, names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.get("outputs", []) == [], f"{path.name}: cell {i} has outputs (strip them before committing)"
        assert cell.get("execution_count") is None, f"{path.name}: cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_top_to_bottom_with_readable_figures(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    # Figures stay open under Agg (the inline backend would close them after each cell); closing
    # one checks it first, and the last cell checks what is still open.
    setup = (
        "import matplotlib\nmatplotlib.use('Agg')\nimport sys\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "from figure_check import check_open_figures as _check\n"
        "import matplotlib.pyplot as _plt\n"
        "_checked = [0]\n"
        "_plt_close = _plt.close\n"
        "def _close_checked(*args, **kwargs):\n"
        f"    _checked[0] += _check({path.stem!r})\n"
        "    return _plt_close(*args, **kwargs)\n"
        "_plt.close = _close_checked\n"
    )
    final = f"_checked[0] += _check({path.stem!r})\nassert _checked[0] >= 1, 'the notebook made no figure'\n"
    nb.cells.insert(0, nbformat.v4.new_code_cell(setup))
    nb.cells.append(nbformat.v4.new_code_cell(final))
    env_dir = path.parent
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(env_dir)}})
    os.environ.setdefault("MPLBACKEND", "Agg")
    client.execute()
