"""The report's tables as an .xlsx workbook (openpyxl): one sheet per table, the same columns.

Text is always written as text: a name from a filing that starts with '=' stays a string and is
never read by Excel as a formula; characters a workbook cannot hold are dropped.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from report.data import ReportData
from report.labels import model_words
from report.tables import NUMBER_FORMATS, TABLES, Table

ALERT_FILLS = {"alert": "F4C7BE", "good": "C8E6C9"}
HEADER_FILL = PatternFill("solid", fgColor="E8EEF5")
EMPTY_NOTE = {"forecast": "预测尚未生成 forecast not available for this period",
              "forecast_monthly": "预测尚未生成 forecast not available for this period"}


def _put(ws: Worksheet, row: int, col: int, value, fmt: str = "text", decimals: int | None = None) -> None:
    """One cell: numbers and dates typed, lists joined, text forced to the string type."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    if fmt == "yi" and value is not None:
        value = value / 1e4            # the heading says 亿元
    if fmt == "model":
        value = model_words(value)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
        return
    cell.value = value
    if fmt in ("value", "dec") and decimals is not None:
        cell.number_format = "#,##0" + ("." + "0" * decimals if decimals else "")
    elif fmt in NUMBER_FORMATS and value is not None:
        cell.number_format = NUMBER_FORMATS[fmt]
    if isinstance(value, dt.datetime):
        cell.number_format = NUMBER_FORMATS["datetime"]
    elif isinstance(value, dt.date):
        cell.number_format = NUMBER_FORMATS["date"]


def write_table(ws: Worksheet, table: Table, rows: list[dict]) -> None:
    """Header row (中文 English) then one row per record; frozen header, filter, column widths."""
    for col, column in enumerate(table.columns, start=1):
        _put(ws, 1, col, column.heading)
        ws.cell(row=1, column=col).font = Font(bold=True)
        ws.cell(row=1, column=col).fill = HEADER_FILL
        ws.cell(row=1, column=col).alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=2):
        for col, column in enumerate(table.columns, start=1):
            _put(ws, r, col, row.get(column.key), column.fmt, row.get("decimals"))
    if not rows:
        _put(ws, 2, 1, EMPTY_NOTE.get(table.name, "无 none"))
    ws.freeze_panes = "A2"
    print_setup(ws)
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(rows) + 1}"
    for col, column in enumerate(table.columns, start=1):
        longest = max([len(str(row.get(column.key) or "")) for row in rows[:200]] + [len(column.zh) * 2, 8])
        ws.column_dimensions[get_column_letter(col)].width = min(longest + 2, 60)


def print_setup(ws: Worksheet) -> None:
    """A4 landscape, every column on the page's width, the header row repeated on each page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _colour_headline(ws: Worksheet, rows: list[dict]) -> None:
    keys = [c.key for c in TABLES["headline"].columns]
    alert_col, status_col = keys.index("alert_label") + 1, keys.index("status_label") + 1
    for r, row in enumerate(rows, start=2):
        if row.get("alert") in ALERT_FILLS:
            ws.cell(row=r, column=alert_col).fill = PatternFill("solid", fgColor=ALERT_FILLS[row["alert"]])
        if row.get("status") == "provisional":
            ws.cell(row=r, column=status_col).font = Font(bold=True, color="B7791F")


def _about(ws: Worksheet, data: ReportData) -> None:
    build = data.build
    run = data.validation_run
    items = [
        ("报告 Report", f"{data.period_label} 开发区主要经济指标简报 Development zone briefing"),
        ("报告期 Period", data.period), ("生成于 Generated at", data.generated_at),
        ("仓库构建于 Warehouse built at", build.get("built_at")), ("最大批次号 Max load id", build.get("max_load_id")),
        ("已入库文件 Files loaded", build.get("files_loaded")),
        ("数据版本 Vintage of the period's figures", build.get("vintage_id")),
        ("本报告补算的期 Periods evaluated by this report",
         ", ".join(f"{p:%Y-%m}" for p in data.evaluated) or "无 none"),
        ("审核运行 Validation run", f"#{run['run_id']} {run['status']}" if run else "本期尚无 none for this period"),
        ("审核明细 Validation page", data.validation_page["path"] if data.validation_page and data.validation_page["href"] else "—"),
        ("预测 Forecast", "已生成 available" if data.forecast else EMPTY_NOTE["forecast"]),
        ("金额单位 Money unit", "万元 10k yuan (图表为亿元 charts in 100 million yuan)"),
    ]
    for r, (key, value) in enumerate(items, start=1):
        _put(ws, r, 1, key)
        ws.cell(row=r, column=1).font = Font(bold=True)
        _put(ws, r, 2, value, "date" if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else "text")
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 70


def write_workbook(data: ReportData, path: Path) -> Path:
    """Write the workbook (说明 first, then one sheet per table) to `path`."""
    wb = Workbook()
    _about(wb.active, data)
    wb.active.title = "说明 About"
    for name, table in TABLES.items():
        ws = wb.create_sheet(table.sheet)
        rows = data.table(name)
        write_table(ws, table, rows)
        if name == "headline":
            _colour_headline(ws, rows)
    wb.save(path)
    return path
