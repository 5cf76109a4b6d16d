"""Write tables the way the zone's units send them: GB18030 CSV, BOM CSV, UTF-8 CSV and XLSX."""
from __future__ import annotations

import calendar
import csv
import io
import math
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Callable

from openpyxl import Workbook

from demo import contract
from demo.filings import Table

FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_UNIT_DIGITS = {"千元": (10, 1), "万元": (100, 2)}  # 100-yuan units per unit, decimals written


def period_text(period: tuple[int, int], style: str) -> str:
    """'2024年6月' (zh), '202406' (compact) or '2024-06' (iso)."""
    year, month = period
    return {"zh": f"{year}年{month}月", "compact": f"{year}{month:02d}", "iso": f"{year}-{month:02d}"}[style]


def write_csv(path: Path, table: Table, *, encoding: str, unit: str | None, period_style: str,
              english: bool = False, newline: str = "\r\n") -> None:
    """One CSV file; headers canonical Chinese with unit suffix, or the field names in English."""
    types = {name: spec["type"] for name, spec in contract.forms()[table.form]["fields"].items()}
    if english:
        headers = list(table.fields)
    else:
        headers = [contract.header(table.form, name, unit) for name in table.fields]
    cells = [_formatter(types[name], unit or "千元", period_style) for name in table.fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(headers)
    writer.writerows([fmt(value) for fmt, value in zip(cells, row)] for row in table.rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))


def write_xlsx(path: Path, table: Table, *, unit: str) -> None:
    """One XLSX sheet with Chinese headers, money in `unit`, periods and start dates as date cells."""
    types = {name: spec["type"] for name, spec in contract.forms()[table.form]["fields"].items()}
    book = Workbook()
    sheet = book.active
    sheet.title = contract.forms()[table.form]["code"]
    sheet.append([contract.header(table.form, name, unit) for name in table.fields])
    for row in table.rows:
        sheet.append([_xlsx_cell(value, types[name], unit) for name, value in zip(table.fields, row)])
    buffer = io.BytesIO()
    book.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_stable_zip(buffer.getvalue()))


def _formatter(kind: str, unit: str, period_style: str) -> Callable[[object], str]:
    """How one column's values are written as text."""
    if kind == "money":
        per, digits = _UNIT_DIGITS[unit]
        pattern = f"{{:.{digits}f}}"
        return lambda v: "" if v is None else pattern.format(v / per)
    if kind == "period":
        return lambda v: period_text(v, period_style)
    if kind == "bool":
        return lambda v: "是" if v else "否"
    if kind == "date":
        return lambda v: v.isoformat()
    return _plain


def _plain(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _xlsx_cell(value, kind: str, unit: str):
    if kind == "money":
        per, digits = _UNIT_DIGITS[unit]
        return round(value / per, digits)
    if kind == "period":
        year, month = value
        return date(year, month, calendar.monthrange(year, month)[1])
    if kind == "bool":
        return "是" if value else "否"
    return value


def _stable_zip(data: bytes) -> bytes:
    """Re-pack an XLSX with fixed entry times and document dates, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()
