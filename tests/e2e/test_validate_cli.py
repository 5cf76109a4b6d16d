"""`zonestat validate` and `zonestat followups` end to end: real DuckDB file, real GX, a small zone
with planted defects, a corrected resubmission, and the exit codes 0 / 1 / 2 / 3."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.conftest import credit_code, write_csv
from warehouse.build import build
from warehouse.db import connect, init_schema
from warehouse.ingest import load_file
from zonestat.cli import validation

A, B, C, M, N, T = (credit_code(400 + i) for i in range(6))
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码", "统计负责人", "联系电话"]
B204 = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计(千元)", "工业总产值(当年价格)上年同期累计(千元)",
        "工业销售产值(当年价格)本年累计(千元)", "出口交货值本年累计(千元)"]
B203 = ["统一社会信用代码", "报告期", "营业收入本年累计(千元)", "研发费用本年累计(千元)"]
E204 = ["统一社会信用代码", "报告期", "商品销售额本年累计(千元)", "零售额本年累计(千元)"]


def app() -> typer.Typer:
    cli = typer.Typer()
    cli.command("validate")(validation.validate)
    cli.command("followups")(validation.followups)
    return cli


def invoke(*args: str):
    return CliRunner().invoke(app(), list(args))


def load(db: Path, *paths: Path) -> None:
    con = connect(db)
    try:
        init_schema(con)
        for path in paths:
            assert load_file(con, path).status == "loaded", path
        build(con)
    finally:
        con.close()


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def zone(home: Path, tmp_path: Path) -> Path:
    """A zone whose 2024-06 filings carry a critical defect (A), an unregistered filer (N), a big
    year-on-year jump (C, a warning) and a missing filing (M)."""
    register = [[A, "甲五金厂", 2024, "工业", "是", "3311", "张三", "0579-87000001"],
                [B, "乙工具厂", 2024, "工业", "是", "3323", "李四", "0579-87000002"],
                [C, "丙车业", 2024, "工业", "是", "3761", "王五", "0579-87000003"],
                [M, "丁门业", 2024, "工业", "是", "3312", "赵六", "0579-87000004"],
                [T, "戊商贸", 2024, "批零", "是", "5174", "钱七", "0579-87000005"]]
    may = [[c, "2024-05", 500, "", 480, 50] for c in (A, B, C, M)]
    june = [[A, "2024-06", 600, "", 570, 900], [B, "2024-06", 600, "", 570, 60],
            [C, "2024-06", 600, 300, 570, 60], [N, "2024-06", 600, "", 570, 60]]
    files = [write_csv(tmp_path / "register_2024.csv", REG, register),
             write_csv(tmp_path / "b204_1_2024-05.csv", B204, may),
             write_csv(tmp_path / "b204_1_2024-06.csv", B204, june),
             write_csv(tmp_path / "b203_2024-06.csv", B203, [[c, "2024-06", 6000, 120] for c in (A, B, C)]),
             write_csv(tmp_path / "e204_1_2024-06.csv", E204, [[T, "2024-06", 3000, 1200]])]
    load(home / "warehouse.duckdb", *files)
    return home / "warehouse.duckdb"


def test_validate_quarantines_lists_followups_and_releases_after_a_resubmission(zone, home, tmp_path):
    result = invoke("validate", "--period", "2024-06")
    assert result.exit_code == 1, result.output
    out = " ".join(result.output.split())
    for text in ("export_not_above_sales_ytd", "enterprise_in_register", "yoy_change_within_band",
                 "filed_for_period", "强制 critical", "核实 warning", "provisional"):
        assert text in out, text
    page = home / "validation" / "2024-06" / "validation-run-1.html"
    assert f"validation page: {page}" in out and page.is_file() and (home / "validation" / "index.html").is_file()
    assert not (home / "validation" / "docs").exists()   # no GX Data Docs any more
    held = query(zone, "select unit_id, reasons from audit.quarantine where released_at is null order by unit_id")
    assert held == sorted([(A, ["export_not_above_sales_ytd"]), (N, ["enterprise_in_register"])])
    assert query(zone, "select enterprise_id from core.industrial_output where period = '2024-06-01' "
                       "order by 1") == sorted([(B,), (C,)])

    xlsx = tmp_path / "out" / "followups.xlsx"
    assert invoke("followups", "--period", "2024-06", "--out", str(xlsx)).exit_code == 0
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("统一社会信用代码/项目代码", "单位(项目)名称", "统计负责人", "联系电话")
    by_unit = {}
    for row in rows[1:]:
        by_unit.setdefault(row[0], []).append(row)
    [a] = by_unit[A]
    assert a[1:4] == ("甲五金厂", "张三", "0579-87000001")
    assert (a[4], a[6], a[7], a[8], a[9]) == ("B204-1", "2024年6月", "出口交货值本年累计", 900, 570)
    assert a[10] == "出口交货值(本年累计)大于工业销售产值" and a[11].startswith("强制性审核")
    [c] = by_unit[C]
    assert c[10].startswith("本年累计同比增减幅度超出合理区间") and c[11].startswith("核实性审核")
    assert {r[4] for r in by_unit[M]} == {"B204-1", "B203"} and all(r[13] == "请尽快报送" for r in by_unit[M])

    fixes = [write_csv(tmp_path / "b204_1_2024-06_更正.csv", B204, [[A, "2024-06", 600, "", 570, 60]]),
             write_csv(tmp_path / "register_2024_n.csv", REG, [[N, "己电器", 2024, "工业", "是", "3856", "孙八", "1"]])]
    load(zone, *fixes)
    again = invoke("validate", "--period", "2024-06", "--json")
    assert again.exit_code == 0, again.output
    answer = json.loads(again.output)
    assert answer["status"] == "passed" and answer["released"] == 2 and answer["held"] == 0
    assert {c["check"] for c in answer["checks"] if not c["success"]} >= {"yoy_change_within_band", "filed_for_period"}
    released = query(zone, "select unit_id, released_at is not null, superseded_by_load is not null "
                           "from audit.quarantine order by unit_id")
    assert released == sorted([(A, True, True), (N, True, False)])
    assert query(zone, "select count(*) from core.industrial_output where period = '2024-06-01'") == [(4,)]


def test_validation_rebuilds_core_only_where_the_held_rows_changed(zone):
    """The gate's own rebuild covers the fact tables whose held rows it changed, and a run that
    holds and releases nothing rebuilds nothing (core stays as it is, no build is recorded)."""
    builds = "select count(*) from meta.builds"
    before = query(zone, builds)[0][0]
    assert invoke("validate", "--period", "2024-06").exit_code == 1
    kinds = query(zone, "select kind, periods from meta.builds order by built_at")[before:]
    assert len(kinds) == 1 and kinds[0][0] == "incremental" and kinds[0][1] == 1   # B204-1 only
    core = query(zone, "select * from core.industrial_output order by all")
    again = invoke("validate", "--period", "2024-06")
    assert again.exit_code == 1, again.output            # the same defects: the same verdict
    assert query(zone, builds)[0][0] == before + 1        # and no second rebuild
    assert query(zone, "select * from core.industrial_output order by all") == core


@pytest.mark.parametrize("period, message", [("2024-13", "is not a month like 2024-06"),
                                             ("2099-01", "is in the future"), ("June", "is not a month"),
                                             ("2024-01", "January is exempt")])
def test_a_bad_period_is_a_usage_error(home, period, message):
    result = invoke("validate", "--period", period)
    assert result.exit_code == 2 and message in " ".join(result.output.split())


def test_no_warehouse_and_no_validation_yet_are_usage_errors(home, zone):
    assert invoke("followups", "--period", "2024-06").exit_code == 2
    (zone).rename(zone.with_suffix(".moved"))
    assert invoke("validate", "--period", "2024-06").exit_code == 2


def test_an_expectation_that_raises_stops_the_gate_with_exit_3_and_holds_nothing(zone, tmp_path, monkeypatch):
    from expectations import gate

    suites = tmp_path / "suites"
    shutil.copytree(gate.SUITE_DIR, suites, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    suite = json.loads((suites / "b203.json").read_text(encoding="utf-8"))
    suite["expectations"].append({"type": "expect_column_values_to_be_between", "severity": "warning",
                                  "kwargs": {"column": "no_such_column", "min_value": 0},
                                  "meta": {"check": "broken", "group": "values", "reason_zh": "坏", "reason_en": "x"}})
    (suites / "b203.json").write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(gate, "SUITE_DIR", suites)
    result = invoke("validate", "--period", "2024-06")
    assert result.exit_code == 3, result.output
    assert "broken" in result.output and "could not answer" in " ".join(result.output.split())
    assert query(zone, "select status from audit.validation_runs") == [("error",)]
    assert query(zone, "select count(*) from audit.quarantine") == [(0,)]
    assert query(zone, "select count(*) from audit.validation_results") == [(0,)]
