"""The follow-up list (审核反馈清单): what each enterprise must fix or explain, as an XLSX in Chinese."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from expectations import read_sql
from expectations.suites import FORMS
from warehouse.spec import load_contract

# column -> heading in the workbook (Chinese, as the centre sends it)
COLUMNS = {
    "unit_id": "统一社会信用代码/项目代码",
    "unit_name": "单位(项目)名称",
    "contact_person": "统计负责人",
    "contact_phone": "联系电话",
    "form_code": "表号",
    "form_label": "表名",
    "period_label": "报告期",
    "field_label": "指标",
    "value": "填报值",
    "expected": "参考值",
    "check_reason": "审核问题",
    "severity_label": "审核类型",
    "detail": "说明",
    "action": "处理要求",
}
# batch columns that are not fields of the input contract
EXTRA_LABELS = {"period_text": "报告期", "form_code": "表号", "source_unit": "计量单位",
                "sales_ratio": "产品销售率"}


def field_labels() -> dict[str, str]:
    """Field name -> its Chinese header in the input contract (first alias)."""
    contract = load_contract()
    labels: dict[str, str] = dict(EXTRA_LABELS)
    for name in FORMS:
        for field in contract.forms[name].fields.values():
            labels.setdefault(field.name, field.header_zh)
    return labels


def validation_tables_exist(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has the gate's audit tables (a warehouse never validated may not)."""
    return con.execute("select count(*) from duckdb_tables() where schema_name = 'audit' "
                       "and table_name = 'validation_runs'").fetchone()[0] > 0


def latest_run(con: duckdb.DuckDBPyConnection, period: dt.date) -> int | None:
    """The latest completed validation run of the period (None when the period was never validated)."""
    if not validation_tables_exist(con):
        return None
    return con.execute("select max(run_id) from audit.validation_runs where period = ? "
                       "and status in ('passed', 'failed')", [period]).fetchone()[0]


def followup_rows(con: duckdb.DuckDBPyConnection, period: dt.date) -> list[dict]:
    """Every failing figure of the period's latest run, with contacts, critical first."""
    contract = load_contract()
    labels = field_labels()
    params = {"period": period, "forms": list(FORMS),
              "form_codes": [contract.forms[n].code for n in FORMS],
              "form_labels": [contract.forms[n].label_zh for n in FORMS],
              "fields": list(labels), "field_labels": list(labels.values())}
    cur = con.execute(read_sql("reports/followups.sql"), params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def write_xlsx(rows: list[dict], path: Path, period: dt.date) -> Path:
    """One sheet, headings in Chinese, filters on, the heading row frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"审核反馈{period:%Y%m}"
    sheet.append(list(COLUMNS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(key) for key in COLUMNS])
    widths = {"unit_id": 22, "unit_name": 24, "form_label": 22, "field_label": 26, "check_reason": 36,
              "detail": 40, "action": 28}
    for index, key in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = widths.get(key, 14)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
