"""The report opened in a real browser (Debian's headless Chromium driven by Playwright).

Checks every chart rendered (present, sized, with marks drawn), no console errors, no request
leaving the file, the Chinese headline, provisional marks, the forecast panel with and without
forecast tables, and that names and values from the filings show as text, never run as markup.
A full-page screenshot of each report is saved in the test's temporary folder.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_report_zone import IMG_VALUE, JUNE, XSS_NAME, add_forecast, build_zone

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                "(apt-get install chromium); .ci/run installs it")

MARKS = """svg => ({w: svg.getBoundingClientRect().width, h: svg.getBoundingClientRect().height,
  marks: svg.querySelectorAll('rect.bar, polyline.series, polygon.band, rect.band').length,
  texts: Array.from(svg.querySelectorAll('text')).filter(t => t.getBBox().width > 0).length,
  title: svg.getAttribute('aria-label')})"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """The June report of the literal zone before and after forecast tables exist."""
    from report import build_report

    tmp = tmp_path_factory.mktemp("report_browser")
    db = build_zone(tmp)
    plain = build_report(db, JUNE, tmp / "plain")["html"]
    add_forecast(db)
    return {"plain": plain, "forecast": build_report(db, JUNE, tmp / "forecast")["html"]}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(str(profile), executable_path=str(CHROMIUM), args=ARGS,
                                                        headless=True, viewport={"width": 1200, "height": 900})
        yield context
        context.close()


def open_report(browser, path: Path, shot: Path) -> tuple[object, dict]:
    """Open the file, record console errors, page errors, dialogs and requests; save a screenshot."""
    page = browser.new_page()
    seen = {"errors": [], "dialogs": [], "requests": []}
    page.on("console", lambda msg: seen["errors"].append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: seen["errors"].append(str(err)))
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("request", lambda req: seen["requests"].append(req.url))
    page.goto(path.as_uri(), wait_until="load")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    return page, seen


def test_every_chart_renders_with_chinese_text_and_no_errors(browser, reports, tmp_path):
    page, seen = open_report(browser, reports["forecast"], tmp_path / "report-forecast.png")
    assert seen["errors"] == [] and seen["dialogs"] == []
    assert [u for u in seen["requests"] if not u.startswith(("file:", "data:"))] == []
    assert "开发区主要经济指标简报" in page.title()
    assert "2024年1-6月 开发区主要经济指标简报" in page.locator("h1").inner_text()
    charts = page.locator("figure.chart:not(.chart-narrow) svg").evaluate_all(f"svgs => svgs.map({MARKS})")
    # industries, six monthly trend charts (the catalog's forecast indicators), one fan chart
    assert len(charts) == 8
    for chart in charts:
        assert chart["w"] > 200 and chart["h"] > 100, chart
        assert chart["marks"] > 0 and chart["texts"] > 5, chart
    fan = page.locator("#forecast .fan .chart-wide svg")
    assert fan.locator("polygon.band").count() == 2 and fan.locator("line.target").count() == 1
    assert "81%" in page.locator("#forecast dd.prob").inner_text()
    assert page.locator("#chart-industries rect.bar").count() == 4   # 电动工具 and 门业: growth and pull
    headline = page.locator("table.headline")
    assert "规上工业产值增速" in headline.inner_text()
    output = page.locator('tr[data-indicator="industrial_output_growth"]')
    assert "provisional" in output.get_attribute("class") and "初步" in output.inner_text()


def test_names_and_values_from_filings_show_as_text(browser, reports, tmp_path):
    page, seen = open_report(browser, reports["plain"], tmp_path / "report-plain.png")
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert page.evaluate("document.scripts.length") == 0
    assert page.locator("img").count() == 0 and page.locator("b").count() == 0
    followups = page.locator("#table-followups").inner_text()
    assert XSS_NAME in followups and "<b>赵六</b>" in followups
    assert IMG_VALUE in page.locator("#table-reasons").inner_text()
    assert page.locator("#forecast-missing").inner_text() == "预测尚未生成 forecast not available for this period"


def test_report_is_one_file_with_nothing_from_outside(reports):
    html = reports["plain"].read_text(encoding="utf-8")
    assert "<script" not in html.replace("&lt;script", "")
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;有限公司" in html


def test_screenshot_of_a_copy_elsewhere_still_renders(browser, reports, tmp_path):
    """Self-contained: moved away from everything it was written beside, the page is the same."""
    moved = tmp_path / "moved.html"
    shutil.copy(reports["forecast"], moved)
    page, seen = open_report(browser, moved, tmp_path / "moved.png")
    assert seen["errors"] == [] and page.locator("figure.chart:not(.chart-narrow) svg").count() == 8


def test_a_cjk_font_is_installed_so_the_screenshots_show_chinese():
    """Charts use the browser's fonts; on a server without a CJK font Chinese would draw as boxes."""
    families = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert families.strip(), "no CJK font: apt-get install fonts-wqy-microhei (or fonts-noto-cjk)"
