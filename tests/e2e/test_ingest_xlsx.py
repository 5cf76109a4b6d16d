"""XLSX filings: the header is the sheet's first non-empty row; rows keep their spreadsheet numbers."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from openpyxl import Workbook
from typer.testing import CliRunner

from tests.conftest import credit_code
from zonestat.cli import app

HEADERS = ["项目代码", "报告期", "项目名称", "项目法人统一社会信用代码", "行业代码", "计划总投资(万元)",
           "本年完成投资(万元)", "开工时间", "是否制造业"]


def workbook(path: Path) -> Path:
    """Data from B3 (two blank rows, one blank column), typed cells as the zone's sheets hold them."""
    book = Workbook()
    sheet = book.active
    rows = [HEADERS,
            ["2024-330784-33-03-100001", dt.datetime(2024, 6, 30), "年产10万台电动工具项目", credit_code(7), "3465",
             12000.0, 3000.5, dt.datetime(2023, 3, 1), "是"],
            ["2024-330784-33-03-100002", dt.datetime(2024, 6, 30), "门业技改项目", credit_code(8), 3312,
             -50.0, 10.0, dt.datetime(2024, 1, 8), "是"]]
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=2):
            sheet.cell(row=r, column=c, value=value)
    book.save(path)
    return path


def test_offset_sheet_loads_with_spreadsheet_row_numbers(home, tmp_path):
    result = CliRunner().invoke(app, ["ingest", str(workbook(tmp_path / "206-1_202406.xlsx"))])
    assert result.exit_code == 1, result.output          # one row rejected
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select form, rows_read, rows_loaded, rows_rejected from audit.loads").fetchall() == [
            ("206-1", 2, 1, 1)]
        assert con.execute("select source_row, fields from audit.rejected_rows").fetchall() == [
            (5, ["planned_total_investment"])]
        assert con.execute("select project_id, period, planned_total_investment, completed_investment_ytd, "
                           "start_date, industry_code from staging.f206_1").fetchall() == [
            ("2024-330784-33-03-100001", dt.date(2024, 6, 1), 12000.0, 3000.5, dt.date(2023, 3, 1), "3465")]
