"""The demo report in a real browser (Debian's chromium, headless): no console errors, the key
tables and charts in the rendered DOM, sortable tables that sort, and a non-blank screenshot.

``.ci/run`` installs chromium when it is missing; without it these tests skip, loudly.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--enable-logging=stderr", "--v=0"]


def _chromium(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    if CHROMIUM is None:
        pytest.skip("BROWSER TEST NOT RUN: chromium is absent (apt-get install chromium; .ci/run does this)")
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


def _console_errors(stderr: str) -> list[str]:
    """Console messages of the page (chromium logs them as ``INFO:CONSOLE``) and uncaught errors."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def test_console_error_detection_works(tmp_path):
    """The check below can fail: a page with a script error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>notDefined();</script></body></html>")
    result = _chromium(bad, tmp_path, "--dump-dom")
    assert any("Uncaught ReferenceError" in line for line in _console_errors(result.stderr))


@pytest.fixture(scope="module")
def dom(demo, tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("dom")
    result = _chromium(demo.report, tmp, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _console_errors(result.stderr) == []
    return result.stdout


def test_rendered_dom_has_the_key_tables_and_charts(dom, card):
    for table in ("ranking-table", "heatmap-table", "coverage-table", "peer-table", "weights-table",
                  "thresholds-table", "provenance-table", "accounting-table"):
        assert f'id="{table}"' in dom, table
    ranking = re.search(r'id="ranking-table".*?<tbody>(.*?)</tbody>', dom, re.S).group(1)
    assert ranking.count("<tr") == card.scores["member"].nunique() == 22
    assert dom.count('<section class="member"') == 22
    assert len(re.findall(r'<svg[^>]*role="img"', dom)) == 44  # a radar and a trend per member
    for name in card.members["name"]:
        assert name.replace("&", "&amp;") in dom


def test_sortable_tables_sort_in_the_browser(demo, tmp_path):
    """Click the 'Member' header of the ranking table from a script and read the order back."""
    page = demo.report.read_text(encoding="utf-8")
    probe = """<script>
    var th = document.querySelectorAll("#ranking-table thead th")[1];
    th.click();
    var asc = Array.from(document.querySelectorAll("#ranking-table tbody tr")).map(r => r.cells[1].textContent.trim());
    th.click();
    var desc = Array.from(document.querySelectorAll("#ranking-table tbody tr")).map(r => r.cells[1].textContent.trim());
    document.body.setAttribute("data-asc", asc.join(","));
    document.body.setAttribute("data-desc", desc.join(","));
    </script></body>"""
    probed = tmp_path / "probe.html"
    probed.write_text(page.replace("</body>", probe), encoding="utf-8")
    result = _chromium(probed, tmp_path, "--dump-dom")
    assert _console_errors(result.stderr) == []
    asc = re.search(r'data-asc="([^"]*)"', result.stdout).group(1).split(",")
    desc = re.search(r'data-desc="([^"]*)"', result.stdout).group(1).split(",")
    assert len(asc) == 22 and asc == sorted(asc) and desc == sorted(asc, reverse=True)


def test_screenshot_is_not_blank(demo, tmp_path):
    from PIL import Image

    shot = tmp_path / "report.png"
    result = _chromium(demo.report, tmp_path, f"--screenshot={shot}", "--window-size=1280,1600",
                       "--hide-scrollbars")
    assert shot.exists(), result.stderr[-2000:]
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=float)
    assert pixels.shape == (1600, 1280, 3)
    assert pixels.std() > 20  # a blank page has a standard deviation of 0
    # the header band is the report's dark blue (#1f3a5f), not white
    assert np.allclose(pixels[10, 10], (0x1F, 0x3A, 0x5F), atol=3)
    # several distinct maturity colours are drawn in the ranking table
    colours = {tuple(c) for c in pixels[:, :, :].reshape(-1, 3).astype(int)[::97]}
    level_colours = {(0xD7, 0x30, 0x1F), (0xFC, 0x8D, 0x59), (0xFE, 0xE0, 0x8B), (0x91, 0xCF, 0x60), (0x1A, 0x98, 0x50)}
    assert len(level_colours & colours) >= 3


def _pdf_pages(html: Path, tmp_path: Path) -> int:
    pdf = html.with_suffix(".pdf")
    _chromium(html, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    return int(re.findall(rb"/Count (\d+)", data)[-1])


def _without(html: str, pattern: str) -> str:
    return re.sub(pattern, "", html, flags=re.S)


_MEMBERS = r'<section class="member".*?</section>\n'


def test_report_prints_one_page_per_administration_and_the_heatmap_whole(demo, tmp_path):
    """A4 portrait: removing the 22 member sections removes exactly 22 pages (one page each), and
    the heatmap takes exactly one page of its own (it starts a page and is not split)."""
    html = demo.report.read_text(encoding="utf-8")
    assert "@page { size: A4 portrait;" in html
    variants = {"all": html, "no members": _without(html, _MEMBERS)}
    before_members = html[: html.index('<section class="member"')]
    variants["overview"] = before_members + "</main></body></html>"
    variants["overview without heatmap"] = _without(variants["overview"], r'<section id="heatmap">.*?</section>\n')
    pages = {}
    for name, text in variants.items():
        path = tmp_path / (name.replace(" ", "-") + ".html")
        path.write_text(text, encoding="utf-8")
        pages[name] = _pdf_pages(path, tmp_path)
    assert pages["all"] - pages["no members"] == 22, pages
    assert pages["overview"] - pages["overview without heatmap"] == 1, pages


def test_report_fits_a_1280_px_window_even_with_160_members(demo, tmp_path):
    """No horizontal scrolling at 1,280 px: the member bar wraps, wide tables scroll in their own box."""
    import pandas as pd

    import pmm

    cat = pmm.load_catalog("rbm-example")
    rng = np.random.default_rng(0)
    members = [f"M{i:03d}" for i in range(160)]  # as many as the World Bank LPI
    rows = [(m, p, k.id, str(rng.choice(list(k.maturity.answers))) if k.categorical else float(rng.uniform(0, 100)))
            for m in members for p in (2023, 2024) for k in cat.kpis]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        card = pmm.score(pd.DataFrame(rows, columns=["member", "period", "kpi", "value"]), cat)
    probe = ('<script>document.body.setAttribute("data-width", document.documentElement.scrollWidth);'
             'document.body.setAttribute("data-nav", document.querySelector("nav.toc").scrollWidth);'
             # every chart label inside its SVG's viewBox: nothing cut
             'var cut = []; document.querySelectorAll("svg.chart").forEach(function (svg) {'
             '  var box = svg.viewBox.baseVal; svg.querySelectorAll("text").forEach(function (t) {'
             '    var b = t.getBBox(); if (b.x < box.x - 0.5 || b.y < box.y - 0.5 || b.x + b.width > box.x + box.width + 0.5'
             '      || b.y + b.height > box.y + box.height + 0.5) cut.push(t.textContent); }); });'
             'document.body.setAttribute("data-cut", cut.length + ":" + cut.slice(0, 5).join("|"));</script></body>')
    for page in (pmm.write_report(card, tmp_path / "lpi.html"), demo.report):
        probed = tmp_path / f"probe-{page.stem}.html"
        probed.write_text(page.read_text(encoding="utf-8").replace("</body>", probe), encoding="utf-8")
        result = _chromium(probed, tmp_path, "--window-size=1280,900", "--dump-dom")
        assert _console_errors(result.stderr) == []
        width = int(re.search(r'data-width="(\d+)"', result.stdout).group(1))
        nav = int(re.search(r'data-nav="(\d+)"', result.stdout).group(1))
        assert width <= 1280 and nav <= 1280, (page.name, width, nav)
        assert re.search(r'data-cut="([^"]*)"', result.stdout).group(1) == "0:", page.name
