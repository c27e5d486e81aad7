"""The SVG charts the command line writes (`estimate --plot`, `frontier --plot`, `--tornado`), checked as a reader
sees them. Every text fits the canvas (at a conservative 0.6 em per character, the width the
program sizes its canvas with), option names end before the bars start, and the series' colours
differ pairwise by at least CIEDE2000 10 (Sharma, Wu and Dalal, Color Res. Appl. 30 (2005) 21: the
formula and its test pairs, three of which check this implementation). And each chart is rendered
(rsvg-convert, Debian's librsvg2-bin) on a canvas enlarged on every side: a pixel drawn in the
margin is text or a mark that falls outside the original canvas, which a viewer would cut off."""

import itertools
import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

SVG = "{http://www.w3.org/2000/svg}"


def lab_of(hex_colour: str) -> tuple[float, float, float]:
    """sRGB (D65) to CIE L*a*b*."""
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b))
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def ciede2000(lab1, lab2) -> float:
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_big_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh) / 2)
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + (360 if h1p + h2p < 360 else -360)) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(c_bar_p**7 / (c_bar_p**7 + 25**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_bar_p, 1 + 0.015 * c_bar_p * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    dl, dc, dhh = (l2 - l1) / s_l, (c2p - c1p) / s_c, d_big_h / s_h
    return math.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh)


def test_ciede2000_against_the_papers_test_pairs():
    # Sharma et al. 2005, Table 1: pairs 1, 7 and 17.
    assert ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=1e-4)
    assert ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


def text_width(element) -> float:
    font = float(element.get("font-size", "12"))
    return 0.6 * font * len(element.text or "")


@pytest.mark.parametrize("scenario", ["default.toml", "405b-tp16-two-nodes.toml", "rubin-ultra-nvl576-405b.toml"])
def test_estimate_chart_fits_its_canvas_and_its_colours_are_distinct(cli, data_dir, tmp_path, scenario):
    chart = tmp_path / "chart.svg"
    cli.run("estimate", str(data_dir / "scenarios" / scenario), "--plot", str(chart), "-o", str(tmp_path / "t.txt"))
    root = ET.parse(chart).getroot()
    canvas = float(root.get("width"))
    texts = root.findall(f"{SVG}text")
    for t in texts:
        assert float(t.get("x")) + text_width(t) <= canvas, f"{t.text!r} runs past the {canvas} px canvas"
    bars = [r for r in root.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    bars_start = min(float(r.get("x")) for r in bars)
    names = [t for t in texts if float(t.get("x")) == 10 and t.get("font-size") is None and t.get("fill") is None]
    for t in names[: len(bars) // 11]:
        assert 10 + text_width(t) <= bars_start, f"option name {t.text!r} runs into the bars"
    legend = [r.get("fill") for r in root.findall(f"{SVG}rect") if r.get("width") == "12"]
    assert len(legend) == 11
    closest = min(ciede2000(lab_of(a), lab_of(b)) for a, b in itertools.combinations(legend, 2))
    assert closest >= 10, f"two parts' colours differ by CIEDE2000 {closest:.1f}"


# --- rendered: nothing outside the canvas ----------------------------------------------------

MARGIN_PX = 200


def ink_outside_canvas(svg, tmp_path) -> int:
    """Pixels drawn outside the chart's canvas: the SVG rendered with the same content on a canvas
    MARGIN_PX larger on every side (the root's viewBox moved out by that much), background
    transparent; a pixel with any opacity in the margin counts."""
    from PIL import Image

    text = svg.read_text(encoding="utf-8")
    root = re.search(r"<svg\b[^>]*>", text).group(0)
    width = float(re.search(r'\bwidth="([0-9.]+)"', root).group(1))
    height = float(re.search(r'\bheight="([0-9.]+)"', root).group(1))
    big_w, big_h = width + 2 * MARGIN_PX, height + 2 * MARGIN_PX
    enlarged = re.sub(r'\bwidth="[0-9.]+"', f'width="{big_w}"', root, count=1)
    enlarged = re.sub(r'\bheight="[0-9.]+"', f'height="{big_h}"', enlarged, count=1)
    enlarged = enlarged[:-1] + f' viewBox="{-MARGIN_PX} {-MARGIN_PX} {big_w} {big_h}">'
    wrapped, png = tmp_path / ("enlarged-" + svg.name), tmp_path / (svg.stem + ".png")
    wrapped.write_text(text.replace(root, enlarged, 1), encoding="utf-8")
    subprocess.run([shutil.which("rsvg-convert"), str(wrapped), "-o", str(png)], check=True, timeout=60)
    alpha = np.asarray(Image.open(png).convert("RGBA"))[:, :, 3].copy()
    alpha[MARGIN_PX:MARGIN_PX + math.ceil(height), MARGIN_PX:MARGIN_PX + math.ceil(width)] = 0  # the canvas
    return int(np.count_nonzero(alpha))


@pytest.fixture(scope="module")
def rsvg():
    if shutil.which("rsvg-convert") is None:
        pytest.skip("SKIPPED: rsvg-convert not found, charts not checked as rendered "
                    "(Debian package librsvg2-bin, scripts/install-deps.sh)")


def test_the_render_check_sees_a_label_cut_at_the_edge(rsvg, tmp_path):
    # The check of the check: a chart whose label runs past the right edge (as estimate --plot's
    # value labels did, "9.993 J (-") and one whose bar starts above the top fail; the same chart
    # with a canvas wide enough passes.
    def chart(width, body):
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="100" font-family="sans-serif" '
                f'font-size="12">{body}</svg>\n')
    label = '<rect x="10" y="40" width="300" height="26" fill="#1f77b4"/><text x="316" y="58">9.993 J (-0.5 %)</text>'
    cut, fits, above = tmp_path / "cut.svg", tmp_path / "fits.svg", tmp_path / "above.svg"
    cut.write_text(chart(340, label))
    fits.write_text(chart(440, label))
    above.write_text(chart(440, '<rect x="10" y="-5" width="30" height="20" fill="#d62728"/>'))
    assert ink_outside_canvas(cut, tmp_path) > 0
    assert ink_outside_canvas(above, tmp_path) > 0
    assert ink_outside_canvas(fits, tmp_path) == 0


def cli_charts(cli, data_dir, sweeps, tmp_path):
    """Every chart the command line draws: estimate --plot on three scenarios, frontier --plot on
    both example sweeps, per option and per system, J/token against latency, and estimate
    --monte-carlo --tornado on two scenarios."""
    charts = []
    for scenario in ("default.toml", "405b-tp16-two-nodes.toml", "rubin-ultra-nvl576-405b.toml"):
        chart = tmp_path / f"estimate-{scenario}.svg"
        cli.run("estimate", str(data_dir / "scenarios" / scenario), "--plot", str(chart), "-o", str(tmp_path / "t.txt"))
        charts.append(chart)
    for name, args in {
        "frontier-options": [str(sweeps / "batch-tp")],
        "frontier-systems": [str(sweeps / "rack"), "--by", "system"],
        "frontier-latency": [str(sweeps / "batch-tp"), str(sweeps / "rack"), "--x", "inter_token_latency_ms", "--y",
                             "j_per_token"],
    }.items():
        chart = tmp_path / f"{name}.svg"
        cli.run("frontier", *args, "--plot", str(chart), "-o", str(tmp_path / "t.txt"))
        charts.append(chart)
    for scenario in ("default.toml", "gb200-nvl72-deepseek-fp4.toml"):
        chart = tmp_path / f"tornado-{scenario}.svg"
        cli.run("estimate", str(data_dir / "scenarios" / scenario), "--monte-carlo", "300", "--tornado", str(chart),
                "-o", str(tmp_path / "t.txt"))
        charts.append(chart)
    # And the charts the documentation shows, written by the same commands.
    return charts + sorted((Path(__file__).resolve().parents[2] / "docs").rglob("*.svg"))


def test_every_chart_renders_inside_its_canvas(rsvg, cli, data_dir, sweeps, tmp_path):
    for chart in cli_charts(cli, data_dir, sweeps, tmp_path):
        assert ink_outside_canvas(chart, tmp_path) == 0, f"{chart.name}: ink outside the canvas"


def test_frontier_chart_curves_are_distinct_and_labelled(cli, sweeps, tmp_path):
    chart = tmp_path / "frontier.svg"
    cli.run("frontier", str(sweeps / "batch-tp"), str(sweeps / "rack"), "--plot", str(chart), "-o", str(tmp_path / "t"))
    root = ET.parse(chart).getroot()
    curves = [p.get("stroke") for p in root.findall(f"{SVG}polyline")]
    assert len(curves) == 8  # 5 options of the default scenario and 3 more of the rack-scale one
    closest = min(ciede2000(lab_of(a), lab_of(b)) for a, b in itertools.combinations(curves, 2))
    assert closest >= 10, f"two curves' colours differ by CIEDE2000 {closest:.1f}"
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert "tokens/s per user (tokens_per_s_per_user), more is better" in texts
    assert "tokens/s per MW (tokens_per_s_per_megawatt), more is better" in texts
