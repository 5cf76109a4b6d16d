"""The report on a desktop, on a phone and on A4 paper (Debian's headless Chromium, as in
test_report_browser.py): no sideways scrolling at 1280 and 390 px, no text drawn under 9 px (SVG
text measured after the chart is scaled to the page), the same in print layout at the A4 text
width, and a PDF print (`chromium --print-to-pdf`) on A4 with each part on its own page.
Screenshots and the PDF are saved in the test's temporary folder.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_report_browser import ARGS, CHROMIUM
from tests.e2e.test_report_zone import JUNE, add_forecast, build_zone

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                "(apt-get install chromium); .ci/run installs it")
MIN_PX = 9.0
A4_TEXT_WIDTH = 715          # 210 mm less 2 x 12 mm margins, at 96 CSS px per inch
A4_POINTS = (595, 842)       # a PDF page of 210 x 297 mm
# every visible text node: its font size in CSS px as drawn (inside an SVG: times the chart's scale)
TEXT_SIZES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || el.closest('title')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest('svg');
    if (svg) size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    out.push({size: size, text: node.textContent.trim().slice(0, 30), where: (el.closest('[id]') || {}).id});
  }
  return out;
}"""
OVERFLOW = """() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth,
  boxes: Array.from(document.querySelectorAll('.scroll, figure')).filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => (e.querySelector('[id]') || e).id || e.tagName)})"""


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    from report import build_report

    tmp = tmp_path_factory.mktemp("report_print")
    db = build_zone(tmp)
    add_forecast(db)
    return build_report(db, JUNE, tmp / "out")["html"]


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


def measure(chromium, report: Path, width: int, media: str, shot: Path) -> tuple[dict, list[dict]]:
    page = chromium.new_page(viewport={"width": width, "height": 900})
    page.emulate_media(media=media)
    page.goto(report.as_uri(), wait_until="load")
    page.screenshot(path=str(shot), full_page=True)
    overflow, sizes = page.evaluate(OVERFLOW), page.evaluate(TEXT_SIZES)
    page.close()
    return overflow, sizes


@pytest.mark.parametrize("width, media", [(1280, "screen"), (390, "screen"), (A4_TEXT_WIDTH, "print")])
def test_no_sideways_scrolling_and_no_text_under_9px(chromium, report, tmp_path, width, media):
    overflow, sizes = measure(chromium, report, width, media, tmp_path / f"report-{width}-{media}.png")
    assert overflow["page"] <= overflow["viewport"], overflow
    assert overflow["boxes"] == [], overflow            # no table or chart scrolls inside its box either
    small = [s for s in sizes if s["size"] < MIN_PX - 0.05]
    assert len(sizes) > 300 and small == [], small[:5]
    # the charts are drawn: on a phone their narrow versions, at least one text of each in view
    assert {s["where"] for s in sizes} >= {"chart-industries-narrow" if width < 640 else "chart-industries"}


@pytest.fixture(scope="module")
def printed(report, tmp_path_factory) -> Path:
    """The report printed to PDF by Chromium itself (`--print-to-pdf`, A4 from the page's @page)."""
    pdf = tmp_path_factory.mktemp("report_pdf") / "report.pdf"
    done = subprocess.run([str(CHROMIUM), *ARGS, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and pdf.is_file(), done.stderr[-2000:]
    return pdf


def test_no_heading_is_stranded_at_the_foot_of_a_page(chromium, report, printed):
    """Read back from the PDF: no page ends with a heading (or the first line of one) whose text
    follows on the next page."""
    from pypdf import PdfReader

    page = chromium.new_page()
    page.emulate_media(media="print")
    page.goto(report.as_uri(), wait_until="load")
    headings = page.evaluate("() => Array.from(document.querySelectorAll('h1, h2, h3, h4, caption'))"
                             ".map(h => h.innerText)")
    page.close()
    squeeze = lambda text: re.sub(r"\s+", "", text)  # noqa: E731
    heads = [squeeze(h) for h in headings if len(squeeze(h)) >= 4]
    assert len(heads) >= 8, headings
    pages = PdfReader(str(printed)).pages
    texts = [[line for line in p.extract_text().splitlines() if line.strip()] for p in pages]
    assert sum(len(t) for t in texts) > 200          # the text is there to read (CJK fonts with ToUnicode maps)
    for number, lines in enumerate(texts[:-1], start=1):
        last = squeeze(lines[-1]) if lines else ""
        stranded = [h for h in heads if len(last) >= 4 and h.startswith(last)]
        assert not stranded, (number, lines[-3:])


def test_the_print_is_a4_with_each_part_on_its_own_page(chromium, report, printed):
    page = chromium.new_page()
    page.emulate_media(media="print")
    page.goto(report.as_uri(), wait_until="load")
    parts = page.evaluate("""() => Array.from(document.querySelectorAll('main > section'))
        .filter(s => getComputedStyle(s).breakBefore === 'page').map(s => s.id)""")
    page.close()
    assert parts == ["industries", "forecast", "bulletin", "quality", "sources", "appendix"]
    data = printed.read_bytes()
    boxes = {tuple(round(float(v)) for v in m) for m in
             re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)}
    assert boxes == {A4_POINTS}, boxes
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    # the first page (headline and trends) and one per part; the literal zone's parts fit on one page each,
    # except the forecast part (fan chart, tables, split) which may take two
    assert len(parts) + 1 <= pages <= len(parts) + 3, pages
