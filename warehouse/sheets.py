"""Reading a worksheet of an XLSX or legacy XLS workbook (python-calamine) as text rows: the first
that holds a form's header (a 填表说明 sheet before it is passed over, with a note).

Rows keep their spreadsheet numbers; blank rows are not data rows; the header is found below any
title rows (warehouse.layout). A number in a period column with a fractional part (2024.10 typed
as a number) is read as the cell's number format shows it, which XLSX records and calamine does
not report: those few cells' formats are read with openpyxl. In General format, or in an XLS
file, such a number is written with its shortest decimals (2024.1), which the period rules
reject as ambiguous.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable

from warehouse.layout import Layout, header_key, skip_kind

Rows = list[tuple[int, list[str | None]]]
_DECIMALS = re.compile(r"0\.(0+)")


def cell_text(value: object, decimals: int | None = None) -> str | None:
    """A cell as text: dates as ISO dates, whole numbers without '.0', other numbers as shown by a
    format with `decimals` places (None: their shortest form)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if decimals:
            return f"{value:.{decimals}f}"
        if value.is_integer():
            return str(int(value))
    text = str(value)
    return text if text.strip() else None


def _format_decimals(number_format: str | None) -> int | None:
    """Decimal places a number format fixes ("0.00" -> 2); None for General or none."""
    m = _DECIMALS.search((number_format or "").split(";")[0])
    return len(m.group(1)) if m else None


def _formats(path: Path, sheet_name: str, cells: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Number formats of the given (row, column) cells, 1-based, of the named sheet."""
    from openpyxl import load_workbook

    wanted = set(cells)
    rows, cols = {r for r, _ in wanted}, {c for _, c in wanted}
    book = load_workbook(path, read_only=True)
    try:
        sheet = book[sheet_name]
        return {(cell.row, cell.column): cell.number_format
                for row in sheet.iter_rows(min_row=min(rows), max_row=max(rows), min_col=min(cols), max_col=max(cols))
                for cell in row if (getattr(cell, "row", None), getattr(cell, "column", None)) in wanted}
    finally:
        book.close()


def _reformat_periods(path: Path, sheet: str, grid: list[list], top: int, left: int, body: Rows, layout: Layout) -> None:
    """Period cells holding numbers with decimals, as their XLSX number format shows them."""
    columns = [pos for pos, name in layout.match.columns.items() if layout.match.form.fields[name].type == "period"] \
        if layout.match else []
    odd = [(n, pos) for n, cells in body for pos in columns
           if isinstance(grid[n - top - 1][pos], float) and not grid[n - top - 1][pos].is_integer()]
    if not odd or path.suffix.lower() == ".xls":
        return
    formats = _formats(path, sheet, [(n, left + pos + 1) for n, pos in odd])
    by_row = dict(body)
    for n, pos in odd:
        by_row[n][pos] = cell_text(grid[n - top - 1][pos], _format_decimals(formats.get((n, left + pos + 1))))


def _open(path: Path):
    from python_calamine import CalamineError, CalamineWorkbook

    from warehouse.encodings import FileError

    kind = "XLS" if path.suffix.lower() == ".xls" else "XLSX"
    try:
        return CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError, IndexError) as err:
        raise FileError(f"{path.name}: not a readable {kind} workbook (truncated or corrupt: {err})") from err


def _grid(book, index: int) -> tuple[list[list], int, int]:
    """(cells of a sheet's used area, its top row and left column, 0-based)."""
    sheet = book.get_sheet_by_index(index)
    grid = sheet.to_python()
    top, left = sheet.start if grid and sheet.start else (0, 0)
    return grid, top, left


def _rows(grid: list[list], top: int) -> Rows:
    rows = [(top + 1 + i, [cell_text(v) for v in row]) for i, row in enumerate(grid)]
    return [(n, cells) for n, cells in rows if any(c is not None for c in cells)]


def _pick_sheet(path: Path, locate: Callable[[Rows], Layout]) -> tuple[tuple, list[tuple[int, str, str]]]:
    """The worksheet holding a form's header (a 填表说明 sheet before it is passed over, with a note:
    row 0, kind 'sheet'); FileError when several hold one."""
    from python_calamine import CalamineError

    from warehouse.encodings import FileError
    from warehouse.layout import score

    book = _open(path)
    first, found = None, []
    for index, name in enumerate(book.sheet_names):
        try:
            grid, top, left = _grid(book, index)
        except (CalamineError, ValueError):        # a chart or macro sheet: no cells
            continue
        rows = _rows(grid, top)
        item = (name, grid, top, left, rows, locate(rows))
        first = first or item
        if score(item[5]):
            found.append(item)
    if first is None:
        raise FileError(f"{path.name}: the workbook holds no worksheet")
    if len(found) > 1:      # reading one would drop the others' rows with nothing but a warning
        names = ", ".join(repr(item[0]) for item in found)
        raise FileError(f"{path.name}: {len(found)} worksheets hold a form's table ({names}); a file is read as "
                        "one table: save each worksheet as its own file, or combine them into one sheet "
                        "(多个工作表均有报表, 请每个工作表另存为一个文件)")
    chosen = found[0] if found else first
    notes = [(0, "sheet", f"read worksheet {chosen[0]!r}; the ones before it hold no form's table")] \
        if chosen is not first else []
    return chosen, notes


def sheet_rows(path: Path, locate: Callable[[Rows], Layout]) -> tuple[Layout, Rows, list[tuple[int, str, str]]]:
    """(layout, data rows numbered as in the sheet, rows skipped: (row, kind, text))."""
    (name, grid, top, left, rows, layout), skipped = _pick_sheet(path, locate)
    body, key = [], header_key(layout.headers)
    for n, cells in rows[layout.body_index:]:
        if kind := skip_kind(cells, key):
            skipped.append((n, kind, " | ".join(c or "" for c in cells).rstrip(" |")))
        else:
            body.append((n, cells))
    _reformat_periods(path, name, grid, top, left, body, layout)
    return layout, body, skipped


def peek_layout(path: Path, locate: Callable[[Rows], Layout], rows: int = 200) -> Layout | None:
    """The layout of the first worksheet whose first `rows` rows hold a form's header, or None: a
    cheap look (the workbook opened, a few rows of each sheet) for a batch's scheduling; the load
    reads the whole workbook and decides (`sheet_rows`)."""
    from python_calamine import CalamineError

    from warehouse.layout import score

    book = _open(path)
    for index in range(len(book.sheet_names)):
        try:
            sheet = book.get_sheet_by_index(index)
            grid = sheet.to_python(nrows=rows)
        except (CalamineError, ValueError):
            continue
        top = sheet.start[0] if grid and sheet.start else 0
        layout = locate(_rows(grid, top))
        if score(layout):
            return layout
    return None
