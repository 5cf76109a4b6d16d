"""The report's workbook opened with openpyxl: its tables against the marts they come from."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.test_report_zone import FORMULA_NAME, JUNE, XSS_NAME, X, Y, add_forecast, build_zone
from warehouse.db import fetch_dicts, session


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, openpyxl.Workbook]:
    from report import build_report

    tmp = tmp_path_factory.mktemp("report_workbook")
    db = build_zone(tmp)
    add_forecast(db)
    paths = build_report(db, JUNE, tmp / "out")
    return db, openpyxl.load_workbook(paths["xlsx"])


def sheet_rows(wb: openpyxl.Workbook, name: str) -> list[dict]:
    """A sheet's rows keyed by the Chinese part of each heading."""
    rows = list(wb[name].iter_rows(values_only=True))
    keys = [h.split(" ")[0] for h in rows[0]]
    return [dict(zip(keys, r)) for r in rows[1:]]


def marts(db: Path, sql: str, params: list) -> list[dict]:
    with session(db, read_only=True) as con:
        return fetch_dicts(con, sql, params)


def test_sheets_in_order(made):
    _, wb = made
    assert wb.sheetnames == ["说明 About", "主要指标", "分行业", "月度走势", "全年预测", "月度预测", "目标分解", "目标进度", "报送情况",
                             "问题原因", "跟进名单", "名录外单位", "数据来源"]


def test_headline_sheet_is_the_briefing(made):
    db, wb = made
    expected = marts(db, "select label_zh, value, n_filed, n_in_scope, status from marts.briefing "
                         "where period = ? order by sort_order", [JUNE])
    got = sheet_rows(wb, "主要指标")
    assert [r["指标"] for r in got] == [e["label_zh"] for e in expected]
    for r, e in zip(got, expected):
        assert r["数值"] == pytest.approx(e["value"]) and (r["已报"], r["应报"]) == (e["n_filed"], e["n_in_scope"])
        assert r["状态"].split(" ")[1] == e["status"]


def test_industry_sheet_is_the_local_industry_breakdown(made):
    db, wb = made
    expected = marts(db, "select member, growth_pct, pull_pp, contribution_pct from marts.indicator_values "
                         "where indicator_id = 'industrial_output_growth' and period = ? and breakdown = "
                         "'local_industry' and \"window\" = 'ytd' order by growth_pct desc", [JUNE])
    got = sheet_rows(wb, "分行业")
    assert [r["英文名"] for r in got] == ["Power tools", "Doors"]
    assert [e["member"] for e in expected] == ["power_tools", "doors"]
    for r, e in zip(got, expected):
        assert (r["增速%"], r["拉动(百分点)"], r["贡献率%"]) == pytest.approx(
            (e["growth_pct"], e["pull_pp"], e["contribution_pct"]))
    assert sum(r["拉动(百分点)"] for r in got) == pytest.approx(
        marts(db, "select growth_pct from marts.indicator_values where indicator_id = 'industrial_output_growth' "
                  "and period = ? and breakdown = 'zone' and \"window\" = 'ytd'", [JUNE])[0]["growth_pct"])


def test_trend_sheet_has_both_years_month_by_month(made):
    db, wb = made
    expected = marts(db, "select replace(i.label_zh, '增速', '') as label_zh, v.period, v.current_amount "
                         "from marts.indicator_values v join "
                         "meta.indicators i using (indicator_id) where i.forecast and v.breakdown = 'zone' and "
                         "v.\"window\" = 'month' and v.period <= ?", [JUNE])
    got = {(r["指标"], r["报告期"].date()): r["本月(万元)"] for r in sheet_rows(wb, "月度走势")}
    assert len(got) == len(expected) == 6 * 16
    for e in expected:
        assert got[(e["label_zh"], e["period"])] == pytest.approx(e["current_amount"])
    # spot check by hand: industrial output 2023-03, five units x one month: (1000+800+600+300+500) / 10
    assert got[("规上工业产值", dt.date(2023, 3, 1))] == pytest.approx(320.0)   # an amount, labelled as one


def test_forecast_sheets_are_the_forecast_marts(made):
    db, wb = made
    full = sheet_rows(wb, "全年预测")
    assert len(full) == 1 and full[0]["指标"] == "规上工业产值增速"
    row = marts(db, "select * from marts.forecast_full_year", [])[0]
    assert (full[0]["全年预测(亿元)"], full[0]["下半年需增速%"], full[0]["达标概率"]) == (
        pytest.approx(row["full_year_mean"] / 1e4), row["required_rest_growth_pct"], row["prob_meet_target"])
    monthly = sheet_rows(wb, "月度预测")
    assert [r["月份"].month for r in monthly] == list(range(7, 13))
    assert [r["95%上限"] for r in monthly] == [r["hi_95"] for r in marts(
        db, "select hi_95 from marts.forecast_monthly order by period", [])]


def test_quality_sheets(made):
    _, wb = made
    filings = {r["表式"]: (r["应报"], r["已报"], r["未报"]) for r in sheet_rows(wb, "报送情况")}
    assert filings == {"B204-1": (5, 4, 1), "B203": (5, 3, 2), "E204-1": (1, 1, 0), "206-1": (1, 1, 0)}
    follow = {r["统一社会信用代码/项目代码"]: r for r in sheet_rows(wb, "跟进名单")}
    assert follow[X]["单位名称"] == XSS_NAME and follow[X]["联系人"] == "<b>赵六</b>"
    assert follow[Y]["单位名称"] == FORMULA_NAME
    cell = next(c for c in wb["跟进名单"]["B"] if c.value == FORMULA_NAME)
    assert cell.data_type == "s"   # text, never a formula


def test_sources_sheet_names_the_loads(made):
    db, wb = made
    loads = {r["file_name"]: r["load_id"] for r in marts(db, "select file_name, load_id from audit.loads", [])}
    june = {r["表式"]: r for r in sheet_rows(wb, "数据来源") if r["报告期"] == "2024-06"}
    assert june["B204-1"]["批次号"] == str(loads["B204-1_2024.csv"]) and june["B204-1"]["文件"] == "B204-1_2024.csv"
    assert june["206-1"]["批次号"] == str(loads["206-1_2024.csv"])


def test_every_table_sheet_prints_on_a4_across_the_page_width(made):
    _, wb = made
    for ws in wb.worksheets[1:]:
        setup = ws.page_setup
        assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "landscape", 1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1", ws.title
    amounts = [c.value for c in wb["全年预测"][1]]
    assert "已完成(亿元) YTD actual (100m yuan)" in amounts and "模型 Model" in amounts
    assert all(isinstance(r["年"], int) for r in sheet_rows(wb, "月度走势"))
