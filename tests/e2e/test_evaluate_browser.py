"""The evaluation section on a desktop, on a phone and in print (headless Chromium, as
test_report_print.py measures the monthly report): no sideways scrolling, no text under 9 px; its
tables become cards and its chart has a phone drawing."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.e2e.test_evaluate_cli import _zone
from tests.e2e.test_report_print import A4_TEXT_WIDTH, CHROMIUM, MIN_PX, chromium, measure  # noqa: F401 - fixture
from zonestat.cli import app

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                "(apt-get install chromium); .ci/run installs it")
runner = CliRunner()


@pytest.fixture
def page(home, tmp_path) -> Path:
    files = _zone(tmp_path / "in")
    assert runner.invoke(app, ["ingest", *map(str, files)]).exit_code == 0
    out = tmp_path / "e.xlsx"
    assert runner.invoke(app, ["evaluate", "--year", "2023", "--out", str(out)]).exit_code == 0
    return out.with_suffix(".html")


@pytest.mark.parametrize("width, media", [(1280, "screen"), (390, "screen"), (A4_TEXT_WIDTH, "print")])
def test_the_evaluation_page_fits_and_reads(chromium, page, tmp_path, width, media):  # noqa: F811
    overflow, sizes = measure(chromium, page, width, media, tmp_path / f"evaluation-{width}-{media}.png")
    assert overflow["page"] <= overflow["viewport"] and overflow["boxes"] == [], overflow
    small = [s for s in sizes if s["size"] < MIN_PX - 0.05]
    assert small == [] and len(sizes) > 50, small[:5]
    drawn = {s["where"] for s in sizes}
    assert ("chart-eval-land-narrow" if width < 640 else "chart-eval-land") in drawn, drawn
