"""The SVG charts `lightwatt estimate --plot` writes, checked as a reader sees them: every text fits
the canvas (at a conservative 0.6 em per character, the width the program sizes its canvas
with), option names end before the bars start, and the parts' colours differ pairwise by at
least CIEDE2000 10 (Sharma, Wu and Dalal, Color Res. Appl. 30 (2005) 21: the formula and its
test pairs, three of which check this implementation)."""

import itertools
import math
import xml.etree.ElementTree as ET

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
