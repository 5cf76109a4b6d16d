"""`zonestat report` on a small literal zone: what the report gathers, and the command's exits.

The zone (also used by test_report_browser.py and test_report_workbook.py): industrial units
A, B, C, X, Y above scale in 2023 and 2024, a trade unit T and an investment project P, monthly
filings 2023-02..2023-12 and 2024-02..2024-06. Output per month (千元): A 1000 -> 1100,
B 800 -> 760, C 600 -> 720, X 300 -> 300, Y 500 -> 525 (Feb = Jan-Feb, twice a month).
Defects of 2024: X is named `<script>alert(1)</script>有限公司`, its March B204-1 row carries a
negative value (rejected) and it files nothing for June; Y (named `=1+2 科技有限公司`) sends a
June B203 row whose profit is `<img src=x onerror=alert(2)>` (rejected). June therefore has
4 of 5 B204-1 and 3 of 5 B203 filings: the industrial figures are provisional.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.conftest import credit_code, write_csv

A, B, C, X, Y, T = (credit_code(700 + i) for i in range(6))
XSS_NAME = "<script>alert(1)</script>有限公司"
FORMULA_NAME = "=1+2 科技有限公司"
IMG_VALUE = "<img src=x onerror=alert(2)>"
JUNE = dt.date(2024, 6, 1)
MONTHLY = {A: (1000, 1.10), B: (800, 0.95), C: (600, 1.20), X: (300, 1.0), Y: (500, 1.05)}
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码", "是否战略性新兴产业",
       "所在片区", "统计负责人", "联系电话"]
OUT = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计(千元)", "工业销售产值(当年价格)本年累计(千元)"]
FIN = ["统一社会信用代码", "报告期", "营业收入本年累计(千元)", "研发费用本年累计(千元)", "利润总额本年累计(千元)"]
TRD = ["统一社会信用代码", "报告期", "商品销售额本年累计(千元)", "零售额本年累计(千元)"]
INV = ["项目代码", "报告期", "项目名称", "项目法人统一社会信用代码", "行业代码", "计划总投资(万元)",
       "本年完成投资(万元)", "是否制造业"]
UNITS = [(A, "甲电动工具有限公司", "3465", "张三", "13800000001"), (B, "乙门业有限公司", "3312", "李四", "13800000002"),
         (C, "丙电动工具有限公司", "3465", "王五", "13800000003"), (X, XSS_NAME, "3312", "<b>赵六</b>", "0579-1234"),
         (Y, FORMULA_NAME, "3465", "钱七", "13800000005")]


def _months(year: int) -> range:
    return range(2, 13) if year == 2023 else range(2, 7)


def _register(tmp: Path, year: int) -> Path:
    rows = [[uid, name, year, "工业", "是", code, "是" if uid == C else "否", "核心区", person, phone]
            for uid, name, code, person, phone in UNITS]
    rows.append([T, "丁商贸有限公司", year, "批零", "是", "5212", "否", "古山片区", "孙八", "13800000006"])
    return write_csv(tmp / f"register_{year}.csv", REG, rows)


def _filings(tmp: Path, year: int) -> list[Path]:
    out, fin, trd, inv = [], [], [], []
    for m in _months(year):
        label = f"{year}-{m:02d}"
        for uid, (base, growth) in MONTHLY.items():
            ytd = base * (growth if year == 2024 else 1.0) * m
            if uid == X and year == 2024 and m == 6:
                continue
            out.append([uid, label, -5 if (uid == X and year == 2024 and m == 3) else ytd, ytd])
            profit = IMG_VALUE if (uid == Y and year == 2024 and m == 6) else round(ytd * 0.06, 1)
            fin.append([uid, label, ytd * 0.9, ytd * 0.03, profit])
        trd.append([T, label, 2000 * m * (1.08 if year == 2024 else 1.0), 1500 * m * (1.08 if year == 2024 else 1.0)])
        inv.append(["P001", label, "戊智能制造项目", A, "3465", 5000, (60 if year == 2024 else 50) * m, "是"])
    return [write_csv(tmp / f"B204-1_{year}.csv", OUT, out), write_csv(tmp / f"B203_{year}.csv", FIN, fin),
            write_csv(tmp / f"E204-1_{year}.csv", TRD, trd), write_csv(tmp / f"206-1_{year}.csv", INV, inv)]


def build_zone(tmp: Path) -> Path:
    """Ingest the literal zone into tmp/warehouse.duckdb, build core, evaluate June only."""
    from warehouse.build import build
    from warehouse.db import init_schema, session
    from warehouse.indicators import evaluate
    from warehouse.ingest import load_file

    db = tmp / "warehouse.duckdb"
    files = [_register(tmp, 2023), _register(tmp, 2024), *_filings(tmp, 2023), *_filings(tmp, 2024)]
    with session(db) as con:
        init_schema(con)
        for f in files:
            assert load_file(con, f).status == "loaded", f
        build(con)
        evaluate(con, JUNE)
    return db


FORECAST_DDL = [
    """create or replace table marts.forecast_monthly (as_of date, indicator_id varchar, breakdown varchar,
       member varchar, period date, model varchar, mean double, lo_80 double, hi_80 double, lo_95 double,
       hi_95 double)""",
    """create or replace table marts.forecast_full_year (as_of date, indicator_id varchar, breakdown varchar,
       member varchar, measure varchar, ytd_actual double, rest_mean double, full_year_mean double,
       full_year_lo_80 double, full_year_hi_80 double, full_year_lo_95 double, full_year_hi_95 double,
       base_full_year double, growth_mean_pct double, growth_lo_80_pct double, growth_hi_80_pct double,
       growth_lo_95_pct double, growth_hi_95_pct double, target_growth_pct double,
       required_rest_growth_pct double, prob_meet_target double, model varchar, status varchar)"""]


def add_forecast(db: Path) -> None:
    """Literal forecast rows for industrial output (万元): 1-6月 1863 (the four June filers), then
    6 months of 330 +- a widening band; base 3480 (2900 x 12 / 10), target +8% = 3758.4."""
    from warehouse.db import session

    with session(db) as con:
        for ddl in FORECAST_DDL:
            con.execute(ddl)
        for i, month in enumerate(range(7, 13)):
            w = 20 + 4 * i
            con.execute("insert into marts.forecast_monthly values (?, 'industrial_output_growth', 'zone', '全区', "
                        "?, 'ets', 330, ?, ?, ?, ?)", [JUNE, dt.date(2024, month, 1), 330 - w, 330 + w,
                                                        330 - 1.5 * w, 330 + 1.5 * w])
        con.execute("insert into marts.forecast_full_year values (?, 'industrial_output_growth', 'zone', '全区', "
                    "'gross_output_value', 1863, 1980, 3843, 3766, 3920, 3726, 3960, 3480, 10.43, 8.22, 12.64, "
                    "7.07, 13.79, 8.0, 8.93, 0.81, 'ets', 'ok')", [JUNE])


@pytest.fixture(scope="module")
def zone(tmp_path_factory) -> Path:
    return build_zone(tmp_path_factory.mktemp("report_zone"))


@pytest.fixture(scope="module")
def report(zone, tmp_path_factory):
    """The June report of the zone (no forecast stored) and the data it was made from."""
    from report import build_report
    from report.data import gather
    from warehouse.db import session

    paths = build_report(zone, JUNE, tmp_path_factory.mktemp("report_out"))
    with session(zone) as con:
        data = gather(con, JUNE)
    return paths, data


def test_report_evaluates_every_month_of_this_and_last_year_once(zone, report):
    from warehouse.db import session

    _, again = report
    assert again.evaluated == []  # the first build_report evaluated them; a second run has nothing to do
    with session(zone, read_only=True) as con:
        periods = [r[0] for r in con.execute("select distinct period from marts.indicator_values order by 1")
                   .fetchall()]
    assert periods == [dt.date(2023, m, 1) for m in range(2, 13)] + [dt.date(2024, m, 1) for m in range(2, 7)]


def test_filings_received_against_expected(report):
    _, data = report
    got = {r["form"]: (r["expected_units"], r["filed_units"], r["missing_units"]) for r in data.filings}
    assert got == {"B204-1": (5, 4, 1), "B203": (5, 3, 2), "E204-1": (1, 1, 0), "206-1": (1, 1, 0)}


def test_headline_marks_provisional_figures_and_alerts(report):
    _, data = report
    rows = {r["indicator_id"]: r for r in data.headline}
    output = rows["industrial_output_growth"]
    # comparable growth of the four units that filed June: (1100+760+720+525)*6 / (1000+800+600+500)*6
    assert output["value"] == pytest.approx(round((3105 / 2900 - 1) * 100, 1))
    assert (output["status"], output["n_filed"], output["n_in_scope"]) == ("provisional", 4, 5)
    assert output["alert_label"] == "正常 normal" and output["warn_below"] == 0 and output["good_above"] == 10


def test_followups_name_units_problems_and_contacts(report):
    _, data = report
    rows = {r["unit_id"]: r for r in data.followups}
    assert set(rows) == {X, Y}
    x, y = rows[X], rows[Y]
    assert (x["unit_name"], x["contact_person"], x["contact_phone"]) == (XSS_NAME, "<b>赵六</b>", "0579-1234")
    assert x["issues"] == 3 and x["severity"] == "critical"
    assert "2024-03 B204-1: gross_output_value_ytd: negative value" in x["problems"]
    assert x["problems"].count("未报送 not filed") == 2
    assert y["unit_name"] == FORMULA_NAME and y["issues"] == 2
    assert IMG_VALUE in y["problems"]


def test_reasons_count_the_period_and_the_year(report):
    _, data = report
    rejected = {(r["form"], r["field"]): (r["rows_period"], r["rows_ytd"]) for r in data.reasons
                if r["outcome"] == "rejected"}
    assert rejected == {("B204-1", "gross_output_value_ytd"): (0, 1), ("B203", "total_profit_ytd"): (1, 1)}
    missing = {r["form"]: r["rows_period"] for r in data.reasons if r["outcome"] == "not_filed"}
    assert missing == {"B204-1": 1, "B203": 2}


def test_lineage_names_the_loads_behind_each_period(zone, report):
    from warehouse.db import session

    _, data = report
    june = {r["form"]: r for r in data.lineage if r["period"] == JUNE}
    with session(zone, read_only=True) as con:
        load = con.execute("select load_id from audit.loads where file_name = 'B204-1_2024.csv'").fetchone()[0]
    assert june["B204-1"]["load_ids"] == [load] and june["B204-1"]["files"] == "B204-1_2024.csv"
    assert june["B204-1"]["rows_used"] == 4
    assert {r["period_label"] for r in data.lineage if r["form"] == "名录库"} == {"2023年名录", "2024年名录"}


def test_no_forecast_tables_means_no_outlook(report):
    _, data = report
    assert data.forecast == [] and data.forecast_monthly == []


def _cli() -> typer.Typer:
    """The command as registered in the zonestat app (a local app: this test owns no registration)."""
    from zonestat.cli.report import report as report_command

    app = typer.Typer(add_completion=False)
    app.command("report")(report_command)

    @app.callback()
    def _root() -> None:
        """zonestat (test)"""

    return app


def test_cli_writes_into_the_home_reports_folder_and_refuses_bad_periods(zone, monkeypatch):
    monkeypatch.setenv("ZONESTAT_HOME", str(zone.parent))
    monkeypatch.delenv("ZONESTAT_DB", raising=False)
    runner = CliRunner()
    ok = runner.invoke(_cli(), ["report", "--period", "2024-06"])
    assert ok.exit_code == 0, ok.output
    folder = zone.parent / "reports" / "2024-06"
    assert (folder / "zonestat-report-2024-06.html").is_file() and (folder / "zonestat-report-2024-06.xlsx").is_file()
    assert runner.invoke(_cli(), ["report", "--period", "2024-01"]).exit_code == 2   # Jan is part of 1-2月
    assert runner.invoke(_cli(), ["report", "--period", "2024-13"]).exit_code == 2
    empty = runner.invoke(_cli(), ["report", "--period", "2024-09"])
    assert empty.exit_code == 2 and "no filings for 2024-09" in empty.output


def test_validation_results_join_the_quality_section_when_a_run_exists(zone, tmp_path):
    """A completed validation run: its failures and the rows still quarantined become problems."""
    import shutil

    from report.data import gather
    from report.html import render
    from warehouse.db import session

    db = tmp_path / "validated.duckdb"
    shutil.copy(zone, db)
    with session(db) as con:
        con.execute("insert into audit.validation_runs (run_id, period, status, config_version, started_at, "
                    "finished_at) values (7, ?, 'failed', 'v1', now(), now())", [JUNE])
        con.execute("insert into audit.validation_results (run_id, suite, suite_version, check_name, "
                    "expectation_type, severity, success, unexpected_count, reason_zh) values "
                    "(7, 'b204_1', 'v1', 'yoy_band', 'sql:yoy_band.sql', 'warning', false, 1, '同比增速超出合理区间')")
        con.execute("insert into audit.validation_failures (run_id, suite, check_name, severity, load_id, "
                    "source_row, unit_id, period, field, value, detail) values "
                    "(7, 'b204_1', 'yoy_band', 'warning', 1, 2, ?, ?, 'gross_output_value_ytd', 6600, '+65%')",
                    [A, JUNE])
        con.execute("insert into audit.quarantine (form, load_id, source_row, unit_id, period, reasons, "
                    "first_run_id, last_run_id, quarantined_at) values "
                    "('b204_1', 1, 3, ?, ?, ['unit_slip'], 7, 7, now())", [C, dt.date(2024, 5, 1)])
        data = gather(con, JUNE)
    assert data.validation_run["run_id"] == 7
    rows = {r["unit_id"]: r for r in data.followups}
    assert set(rows) == {A, C, X, Y}
    assert (rows[A]["severity"], rows[A]["contact_person"]) == ("warning", "张三")
    assert "2024-06 B204-1: 同比增速超出合理区间: +65%" == rows[A]["problems"]
    assert rows[C]["severity"] == "critical" and "隔离待更正 quarantined: unit_slip" in rows[C]["problems"]
    outcomes = {(r["outcome"], r["form"], r["check_name"]) for r in data.reasons}
    assert {("failed_check", "B204-1", "yoy_band"), ("quarantined", "B204-1", "unit_slip")} <= outcomes
    assert "审核运行 validation run #7 (failed" in render(data)
