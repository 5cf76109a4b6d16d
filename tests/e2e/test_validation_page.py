"""The offline page of a validation run: every check the gate stored is listed with its status,
SQL edit checks as well as GX expectations, under the verdict `zonestat validate` gave.

The zone (also used by test_validation_page_browser.py): industrial units A and B and a trade unit T
(named like a script tag) in the 2024 register, filings for May and June 2024. Planted in June:
- A's export (900) above its sales output (570): the GX suite b204_1 fails export_not_above_sales_ytd;
- T's goods sales YTD falls from 2000 to 1500: the SQL check ytd_not_below_previous_month fails on
  e204_1, whose GX suite passes every expectation (GX Data Docs said "Succeeded" there);
- U, a trade unit in no register, files E204-1: the SQL check enterprise_in_register fails on e204_1.
All three are critical: the run fails (exit 1) and four rows are quarantined.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.conftest import credit_code, write_csv
from tests.e2e.test_validate_cli import B204, E204, REG, load

A, B, T, U = (credit_code(500 + i) for i in range(4))
T_NAME = "<script>alert(1)</script>商贸"
JUNE = dt.date(2024, 6, 1)
PLANTED = {("b204_1", "export_not_above_sales_ytd", "gx"), ("e204_1", "ytd_not_below_previous_month", "sql"),
           ("e204_1", "enterprise_in_register", "sql")}


def zone_files(folder: Path) -> list[Path]:
    register = [[A, "甲五金厂", 2024, "工业", "是", "3311", "张三", "1"], [B, "乙工具厂", 2024, "工业", "是", "3323", "李四", "2"],
                [T, T_NAME, 2024, "批零", "是", "5174", "钱七", "3"]]
    return [write_csv(folder / "register_2024.csv", REG, register),
            write_csv(folder / "b204_1_2024-05.csv", B204, [[c, "2024-05", 500, "", 480, 50] for c in (A, B)]),
            write_csv(folder / "b204_1_2024-06.csv", B204, [[A, "2024-06", 600, "", 570, 900],
                                                            [B, "2024-06", 600, "", 570, 60]]),
            write_csv(folder / "e204_1_2024-05.csv", E204, [[T, "2024-05", 2000, 800]]),
            write_csv(folder / "e204_1_2024-06.csv", E204, [[T, "2024-06", 1500, 900], [U, "2024-06", 3000, 1000]])]


def build_zone(home: Path, files_dir: Path) -> Path:
    """The zone's warehouse at home/warehouse.duckdb (where the CLI looks for it)."""
    db = home / "warehouse.duckdb"
    load(db, *zone_files(files_dir))
    return db


def correction_files(folder: Path) -> list[Path]:
    """A's corrected export, T's corrected sales and U in the register: every planted row passes."""
    return [write_csv(folder / "b204_1_2024-06_更正.csv", B204, [[A, "2024-06", 600, "", 570, 60]]),
            write_csv(folder / "e204_1_2024-06_更正.csv", E204, [[T, "2024-06", 2500, 1100]]),
            write_csv(folder / "register_2024_u.csv", REG, [[U, "己商贸", 2024, "批零", "是", "5174", "孙八", "4"]])]


def invoke(*args: str):
    from zonestat.cli import app

    return CliRunner().invoke(app, list(args))


class PageRows(HTMLParser):
    """The attributes of the page's check rows (tr[data-check]), its verdict and example rows."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.checks: dict[str, dict] = {}
        self.examples: dict[str, int] = {}
        self.verdict: dict = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "tr" and "data-check" in a:
            assert a["data-check"] not in self.checks, f"check listed twice: {a['data-check']}"
            self.checks[a["data-check"]] = a
        elif tag == "tr" and "data-example" in a:
            self.examples[a["data-example"]] = self.examples.get(a["data-example"], 0) + 1
        elif a.get("id") == "verdict":
            self.verdict = a


def stored(db: Path, run_id: int) -> dict[str, tuple]:
    """suite.check -> (success, severity, kind) of every result the gate stored for the run."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select suite || '.' || check_name, success, severity, expectation_type "
                           "from audit.validation_results where run_id = ?", [run_id]).fetchall()
    return {key: (success, severity, "sql" if kind.startswith("sql:") else "gx") for key, success, severity, kind in rows}


def assert_page_matches(page: Path, db: Path, run_id: int) -> PageRows:
    """Every stored result is one row of the page, with its status, severity and kind."""
    rows = PageRows(page.read_text(encoding="utf-8"))
    results = stored(db, run_id)
    assert len(rows.checks) == len(results)
    assert set(rows.checks) == set(results)
    for key, (success, severity, kind) in results.items():
        row = rows.checks[key]
        assert (row["data-status"], row["data-severity"], row["data-source"]) == \
            ("passed" if success else "failed", severity, kind), key
    return rows


@pytest.fixture
def zone(home: Path, tmp_path: Path) -> Path:
    return build_zone(home, tmp_path / "files")


def test_the_page_lists_every_check_of_the_run_with_its_status_and_the_verdict(zone, home):
    result = invoke("validate", "--period", "2024-06", "--json")
    assert result.exit_code == 1, result.output
    answer = json.loads(result.output)
    page = home / "validation" / "2024-06" / f"validation-run-{answer['run_id']}.html"
    assert answer["docs"] == str(page) and page.is_file()

    rows = assert_page_matches(page, zone, answer["run_id"])
    assert len(rows.checks) == len(answer["checks"]) > 100
    failed = {(r["data-suite"], key.split(".", 1)[1], r["data-source"]) for key, r in rows.checks.items()
              if r["data-status"] == "failed" and r["data-severity"] == "critical"}
    assert failed == PLANTED
    assert sum(r["data-source"] == "sql" for r in rows.checks.values()) >= 20   # the SQL checks are there
    # e204_1: its GX expectations all pass, the gate fails it on two SQL checks
    e204 = [r for r in rows.checks.values() if r["data-suite"] == "e204_1"]
    assert all(r["data-status"] == "passed" for r in e204 if r["data-source"] == "gx")
    assert rows.verdict["data-status"] == "failed" and rows.verdict["data-exit-code"] == str(result.exit_code)
    assert rows.examples["e204_1.enterprise_in_register"] == 1 and rows.examples["b204_1.export_not_above_sales_ytd"] == 1

    html = page.read_text(encoding="utf-8")
    assert U in html and "隔离中" in html and "报送单位不在当年名录库中" in html   # the reason, in Chinese and English
    assert "the filing unit is not in the register" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;商贸" in html and "<script" not in html
    assert "http://" not in html and "https://" not in html and "<link" not in html
    index = (home / "validation" / "index.html").read_text(encoding="utf-8")
    assert f'href="2024-06/validation-run-{answer["run_id"]}.html"' in index


def test_a_page_is_rendered_again_from_the_warehouse_for_any_past_run(zone, home, tmp_path):
    assert invoke("validate", "--period", "2024-06").exit_code == 1
    load(zone, *correction_files(tmp_path / "fixes"))
    second = invoke("validate", "--period", "2024-06", "--json")
    assert second.exit_code == 0, second.output
    pages = home / "validation" / "2024-06"
    first_page, second_page = pages / "validation-run-1.html", pages / "validation-run-2.html"
    before = PageRows(first_page.read_text(encoding="utf-8")).checks
    shutil.rmtree(home / "validation")

    again = invoke("validation-pages", "--period", "2024-06")
    assert again.exit_code == 0, again.output
    assert str(first_page) in again.output and str(second_page) in again.output
    assert PageRows(first_page.read_text(encoding="utf-8")).checks == before
    assert_page_matches(first_page, zone, 1)
    rows = assert_page_matches(second_page, zone, 2)
    assert rows.verdict == {**rows.verdict, "data-status": "passed", "data-exit-code": "0"}
    html = second_page.read_text(encoding="utf-8")
    assert html.count("data-released=") == json.loads(second.output)["released"] == 3   # A's, T's and U's rows
    assert "已解除隔离" in first_page.read_text(encoding="utf-8")   # run 1's rows, as they stand now
    assert invoke("validation-pages", "--run", "1").exit_code == 0
    assert invoke("validation-pages", "--run", "99").exit_code == 2


def test_a_run_that_could_not_answer_has_a_page_saying_so(zone, home, tmp_path, monkeypatch):
    from expectations import gate

    suites = tmp_path / "suites"
    shutil.copytree(gate.SUITE_DIR, suites, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    suite = json.loads((suites / "b203.json").read_text(encoding="utf-8"))
    suite["expectations"].append({"type": "expect_column_values_to_be_between", "severity": "warning",
                                  "kwargs": {"column": "no_such_column", "min_value": 0},
                                  "meta": {"check": "broken", "group": "values", "reason_zh": "坏", "reason_en": "x"}})
    (suites / "b203.json").write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(gate, "SUITE_DIR", suites)
    assert invoke("validate", "--period", "2024-06").exit_code == 3
    page = home / "validation" / "2024-06" / "validation-run-1.html"
    rows = assert_page_matches(page, zone, 1)
    assert rows.checks == {} and rows.verdict["data-status"] == "error" and rows.verdict["data-exit-code"] == "3"
    assert "broken" in page.read_text(encoding="utf-8")   # the error message, as stored on the run


def test_the_report_links_the_page_of_the_latest_run(zone, home, tmp_path):
    from report import build_report

    assert invoke("validate", "--period", "2024-06").exit_code == 1
    out = home / "reports" / "2024-06"
    html = build_report(zone, JUNE, out, validation_dir=home / "validation")["html"].read_text(encoding="utf-8")
    assert 'href="../../validation/2024-06/validation-run-1.html"' in html
    assert (out / "../../validation/2024-06/validation-run-1.html").resolve().is_file()
    elsewhere = build_report(zone, JUNE, tmp_path / "elsewhere", validation_dir=home / "validation")["html"]
    link = elsewhere.read_text(encoding="utf-8").split('id="validation-page"><a href="')[1].split('"')[0]
    assert (elsewhere.parent / link).resolve() == (home / "validation" / "2024-06" / "validation-run-1.html").resolve()
    plain = build_report(zone, JUNE, tmp_path / "plain")["html"].read_text(encoding="utf-8")
    assert 'id="validation-page"' not in plain
