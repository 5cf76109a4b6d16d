"""The validation pages opened in a real browser with the network off (Debian's headless Chromium
driven by Playwright, as test_report_browser.py does): no request but the file itself, none
failed, no script, the styles applied, and every check the gate stored listed on the page.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_report_browser import ARGS, CHROMIUM
from tests.e2e.test_validation_page import JUNE, PLANTED, T_NAME, build_zone, stored

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                "(apt-get install chromium); .ci/run installs it")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """The gate run on the planted zone, its page and index written under tmp/validation."""
    from expectations.gate import run_gate

    tmp = tmp_path_factory.mktemp("validation_browser")
    db = build_zone(tmp / "home", tmp / "files")
    gate = run_gate(db, JUNE, pages_dir=tmp / "validation")
    return {"db": db, "gate": gate, "page": gate.page, "index": gate.index}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Chromium with the network switched off; any request that is not a file is also aborted."""
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile-validation")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(str(profile), executable_path=str(CHROMIUM), args=ARGS,
                                                        headless=True, offline=True,
                                                        viewport={"width": 1300, "height": 900})
        context.route(lambda url: not url.startswith("file:"), lambda route: route.abort())
        yield context
        context.close()


def open_offline(browser, path: Path, shot: Path):
    """Open the file with every request, failed request, console error and dialog recorded."""
    page = browser.new_page()
    seen = {"requests": [], "failed": [], "errors": [], "dialogs": []}
    page.on("request", lambda req: seen["requests"].append(req.url))
    page.on("requestfailed", lambda req: seen["failed"].append(req.url))
    page.on("console", lambda msg: seen["errors"].append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: seen["errors"].append(str(err)))
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    page.screenshot(path=str(shot), full_page=True)
    return page, seen


def assert_only_the_file(seen: dict, path: Path) -> None:
    assert seen["requests"] == [path.as_uri()]
    assert seen["failed"] == [] and seen["errors"] == [] and seen["dialogs"] == []


def test_the_run_page_lists_every_check_offline_with_nothing_loaded(browser, run, tmp_path):
    page, seen = open_offline(browser, run["page"], tmp_path / "validation-run.png")
    assert_only_the_file(seen, run["page"])
    assert page.evaluate("document.scripts.length") == 0 and page.locator("link, img, iframe").count() == 0
    results = stored(run["db"], run["gate"].run_id)
    rows = page.locator("tr[data-check]")
    assert rows.count() == len(results) == len(run["gate"].results)
    shown = rows.evaluate_all("rs => rs.map(r => [r.dataset.check, r.dataset.status, r.dataset.source])")
    assert {key: status for key, status, _ in shown} == \
        {key: "passed" if success else "failed" for key, (success, _, _) in results.items()}
    failed = {tuple(key.split(".", 1)) + (source,) for key, status, source in shown if status == "failed"}
    assert PLANTED <= failed
    for key, _, _ in shown:   # every check row is rendered, not just present in the markup
        box = page.locator(f'tr[data-check="{key}"]').bounding_box()
        assert box and box["height"] > 10, key
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-exit-code") == "1" and "未通过" in verdict.inner_text()
    background = verdict.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")   # the inline stylesheet applied
    examples = page.locator('tr[data-example="e204_1.ytd_not_below_previous_month"]').inner_text()
    assert T_NAME in examples and "隔离中" in examples   # a name from the filings shows as text


def test_the_index_links_the_run_page_offline(browser, run, tmp_path):
    page, seen = open_offline(browser, run["index"], tmp_path / "validation-index.png")
    assert_only_the_file(seen, run["index"])
    row = page.locator(f'tr[data-run="{run["gate"].run_id}"]')
    assert row.get_attribute("data-status") == "failed"
    row.locator("a").click()
    page.wait_for_load_state("load")
    assert page.url == run["page"].as_uri()
    assert page.locator("tr[data-check]").count() == len(run["gate"].results)
    assert seen["failed"] == [] and all(url.startswith("file:") for url in seen["requests"])
