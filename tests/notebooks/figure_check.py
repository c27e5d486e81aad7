"""Readability checks for the figures the notebooks make (issue #6).

A figure passes when every axes that shows data has a title (its own or the figure's suptitle),
both axis labels, and a legend whenever it shows more than one labelled series. Colour-bar axes
are exempt from titles but need a label.
"""
from __future__ import annotations

from matplotlib.figure import Figure


def _labelled_series(ax) -> list[str]:
    labels = []
    for artist in list(ax.lines) + list(ax.collections) + list(ax.patches) + list(ax.containers):
        label = artist.get_label() if hasattr(artist, "get_label") else ""
        if label and not str(label).startswith("_"):
            labels.append(str(label))
    return sorted(set(labels))


def _shows_data(ax) -> bool:
    return bool(ax.lines or ax.collections or ax.patches or ax.images or ax.containers)


def figure_problems(fig: Figure, name: str = "figure") -> list[str]:
    """Every readability problem of `fig`, as messages naming the axes; empty when it passes."""
    problems = []
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    for i, ax in enumerate(fig.axes):
        where = f"{name}, axes {i}"
        is_colorbar = hasattr(ax, "_colorbar")
        if is_colorbar:
            if not (ax.get_ylabel() or ax.get_xlabel()):
                problems.append(f"{where}: colour bar without a label")
            continue
        if not _shows_data(ax):
            continue
        title = ax.get_title() or ax.get_title(loc="left") or ax.get_title(loc="right") or suptitle
        if not title:
            problems.append(f"{where}: no title")
        if not ax.get_xlabel():
            problems.append(f"{where}: no x-axis label")
        if not ax.get_ylabel():
            problems.append(f"{where}: no y-axis label")
        if len(_labelled_series(ax)) > 1 and ax.get_legend() is None and not fig.legends:
            problems.append(f"{where}: {len(_labelled_series(ax))} labelled series but no legend")
    return problems


def check_open_figures(notebook: str) -> int:
    """Checks every open pyplot figure; raises AssertionError listing the problems. Returns the count."""
    import matplotlib.pyplot as plt

    problems = []
    numbers = plt.get_fignums()
    for n in numbers:
        problems += figure_problems(plt.figure(n), f"{notebook}: figure {n}")
    if problems:
        raise AssertionError("unreadable figures:\n  " + "\n  ".join(problems))
    return len(numbers)
