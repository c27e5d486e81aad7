#!/usr/bin/env python3
"""docs/images/lm-perplexity-per-pj.svg, the README's chart: the figure of
notebooks/06-lm-perplexity-per-pj.ipynb (its first two code cells, run as they are), saved as an
SVG whose root has plain pixel width and height, the form tests/python/test_plots.py renders.
Run by `make lm-study` after the study, with LIGHTWATT_DATA set to this checkout's data/."""
import re
import sys
from pathlib import Path

import matplotlib
import nbformat

matplotlib.use("Agg")
# Fixed ids in the SVG, so that redrawing the same study changes no byte.
matplotlib.rcParams["svg.hashsalt"] = "lightwatt"
ROOT = Path(__file__).resolve().parents[1]
notebook = nbformat.read(ROOT / "notebooks" / "06-lm-perplexity-per-pj.ipynb", as_version=4)
cells = [c.source for c in notebook.cells if c.cell_type == "code"][:2]
scope = {}
for source in cells:
    exec(compile(source, "06-lm-perplexity-per-pj", "exec"), scope)
out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images" / "lm-perplexity-per-pj.svg"
scope["fig"].savefig(out, metadata={"Date": None})
# matplotlib writes width="648pt" ... viewBox="0 0 648 396"; the same canvas in user units.
text = out.read_text(encoding="utf-8")
text = re.sub(r'width="([0-9.]+)pt" height="([0-9.]+)pt" viewBox="0 0 [0-9.]+ [0-9.]+"', r'width="\1" height="\2"',
              text, count=1)
out.write_text(text, encoding="utf-8")
print(f"plot-lm-study: {out}")
