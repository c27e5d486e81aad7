"""The figure checker itself must fail on what it is meant to catch."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from figure_check import figure_problems  # noqa: E402


def complete_figure():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [1, 4, 9], label="a")
    ax.plot([1, 2, 3], [1, 2, 3], label="b")
    ax.set_title("t")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (W)")
    ax.legend()
    return fig, ax


def test_complete_figure_passes():
    fig, _ = complete_figure()
    assert figure_problems(fig) == []
    plt.close(fig)


def test_missing_title_labels_and_legend_are_caught():
    fig, ax = complete_figure()
    ax.set_title("")
    ax.set_xlabel("")
    ax.get_legend().remove()
    problems = figure_problems(fig)
    assert any("no title" in p for p in problems)
    assert any("no x-axis label" in p for p in problems)
    assert any("no legend" in p for p in problems)
    plt.close(fig)


def test_suptitle_counts_as_title_and_one_series_needs_no_legend():
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4], label="only")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    fig.suptitle("shared title")
    assert figure_problems(fig) == []
    plt.close(fig)


def test_colour_bar_needs_a_label():
    fig, ax = plt.subplots()
    image = ax.imshow([[0, 1], [2, 3]])
    ax.set_title("t")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    bar = fig.colorbar(image)
    assert any("colour bar" in p for p in figure_problems(fig))
    bar.set_label("value")
    assert figure_problems(fig) == []
    plt.close(fig)
