"""Reading a worksheet of an XLSX or legacy XLS workbook (python-calamine) as text rows: the first
that holds a form's header (a 填表说明 sheet before it is passed over, with a note).

Rows keep their spreadsheet numbers; blank rows are not data rows; the header is found below any
title rows (warehouse.layout). A number in a period column with a fractional part (2024.10 typed
as a number) is read as the cell's number format shows it, which XLSX records and calamine does
not report: those few cells' formats are read with openpyxl. In General format, or in an XLS
file, such a number is written with its shortest decimals (2024.1), which the period rules
reject as ambiguous.

calamine reads a cell holding an Excel error (#DIV/0!, #N/A) as empty, and so a formula saved
without its result (a workbook written by a program that does not compute formulas): either
would load as a blank. `_unread_cells` finds both in the sheet's XML (only when the part holds an
error or a formula at all): an error cell is read as the error's text, as Excel shows it and a CSV
export writes it (the row checks reject it by field); a formula without a result rejects its row,
naming the column and the formula. (A legacy .xls is read by calamine alone: its error cells
still read as blank.)
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree
from xml.sax.saxutils import unescape

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


_CELL = re.compile(rb"<c\s([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_VALUE = re.compile(rb"<v(?:\s[^>]*)?>(.*?)</v>", re.S)
_FORMULA = re.compile(rb"<f(?:\s[^>]*)?(?:/>|>(.*?)</f>)", re.S)
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _sheet_parts(path: Path) -> dict[str, str]:
    """Each worksheet's name -> the zip member holding its cells (workbook.xml and its
    relationships), read once per workbook; empty when the package is not laid out that way."""
    try:
        with zipfile.ZipFile(path) as book:
            workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, OSError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    parts = {}
    for sheet in workbook.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        if target:
            parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _marks(data: bytes) -> list[int]:
    """Offsets of the formulas (<f>) and error types (t="e") in a sheet's XML, in order: found by
    bytes.find, many times faster than a regular expression over the whole part."""
    out = []
    for needle in (b"<f", b' t="e"'):
        at = data.find(needle)
        while at >= 0:
            if needle != b"<f" or data[at + 2:at + 3] in (b" ", b">", b"/"):
                out.append(at)
            at = data.find(needle, at + 1)
    return sorted(out)


def _unread_cells(path: Path, part: str) -> dict[tuple[int, int], tuple[str, str]]:
    """Cells of an XLSX worksheet (its zip member `part`) that calamine reads as empty though they
    are not: (row, column), 1-based -> ('error', '#DIV/0!') or ('formula', 'C3*2') for a formula
    saved without its result. A formula whose saved result is an empty text (t="str") is empty
    indeed. FileError when such a cell carries no reference to place it by: read as blank, its
    value would be lost without a word."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
    from openpyxl.utils.exceptions import CellCoordinatesException

    from warehouse.encodings import FileError

    try:
        with zipfile.ZipFile(path) as book:
            data = book.read(part)
    except (KeyError, OSError, zipfile.BadZipFile):
        return {}
    found, unplaced = {}, 0
    end = 0
    for mark in _marks(data):       # only the cells holding a formula or an error
        if mark < end:
            continue
        if data.startswith(b"<f", mark):    # a formula saved with its result (Excel's way): no more
            close = data.find(b"</c>", mark)
            result = data[mark:close]
            if close >= 0 and b"<v" in result and b"<v></v>" not in result and b"<v/>" not in result:
                continue
        start = data.rfind(b"<c ", 0, mark + 1)     # the mark may be the space after "<c"
        cell = _CELL.match(data, start) if start >= 0 else None
        if cell is None or cell.end() <= mark:
            continue
        end = cell.end()
        attrs, body = dict(_ATTR.findall(cell.group(1))), cell.group(2) or b""
        kind = attrs.get(b"t", b"n")
        value = _VALUE.search(body)
        text = value.group(1).decode("utf-8", "replace").strip() if value else ""
        unread = (kind == b"e" and text) or (b"<f" in body and not text and kind not in (b"str", b"s", b"inlineStr"))
        try:
            letters, row = coordinate_from_string(attrs.get(b"r", b"").decode("ascii", "replace").replace("$", ""))
        except (CellCoordinatesException, ValueError):
            unplaced += bool(unread)
            continue
        where = (row, column_index_from_string(letters))
        if kind == b"e" and text:
            found[where] = ("error", text)
        elif b"<f" in body and not text and kind not in (b"str", b"s", b"inlineStr"):
            formula = _FORMULA.search(body)
            shown = (formula.group(1) or b"").decode("utf-8", "replace") if formula else ""
            found[where] = ("formula", unescape(shown, {"&quot;": '"', "&apos;": "'"}) or "(shared formula)")
    if unplaced:
        raise FileError(f"{path.name}: {unplaced} error or formula cells carry no cell reference, so their place "
                        "in the table is unknown; open the workbook in Excel or WPS and save it (单元格无位置信息)")
    return found


def _patch(grid: list[list], top: int, left: int, unread: dict[tuple[int, int], tuple[str, str]]) -> dict:
    """Put the cells calamine read as empty into the grid: an error as its text, a formula without
    its result as '=formula' (so its row is not taken for blank). Returns {(row, position): formula}
    of the latter, for `sheet_rows` to reject their rows."""
    formulas = {}
    for (row, col), (kind, text) in sorted(unread.items()):
        i, j = row - 1 - top, col - 1 - left
        if i < 0 or j < 0:
            continue
        while len(grid) <= i:
            grid.append([])
        if len(grid[i]) <= j:
            grid[i].extend([""] * (j + 1 - len(grid[i])))
        grid[i][j] = text if kind == "error" else f"={text}"
        if kind == "formula":
            formulas[(row, j)] = text
    width = max((len(r) for r in grid), default=0)
    for r in grid:
        r.extend([""] * (width - len(r)))
    return formulas


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
    parts = _sheet_parts(path) if path.suffix.lower() in (".xlsx", ".xlsm") else {}
    first, found = None, []
    for index, name in enumerate(book.sheet_names):
        try:
            grid, top, left = _grid(book, index)
        except (CalamineError, ValueError):        # a chart or macro sheet: no cells
            continue
        # error cells as their text; formulas saved without a result: {(row, position): formula}
        unread = _unread_cells(path, parts[name]) if name in parts else {}
        formulas = _patch(grid, top, left, unread) if unread else {}
        rows = _rows(grid, top)
        item = (name, grid, top, left, rows, locate(rows), formulas)
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


def sheet_rows(path: Path, locate: Callable[[Rows], Layout]) -> tuple[Layout, Rows, list[tuple[int, str, str]],
                                                                   list[tuple[int, str, str, str]]]:
    """(layout, data rows numbered as in the sheet, rows skipped: (row, kind, text), rows rejected
    before typing: (row, reason, text, field)). A row is rejected when a column of a form's field holds a
    formula saved without its result: its value is not in the file."""
    (name, grid, top, left, rows, layout, formulas), skipped = _pick_sheet(path, locate)
    body, rejected, key = [], [], header_key(layout.headers)
    fields = layout.match.columns if layout.match else {}
    for n, cells in rows[layout.body_index:]:
        if kind := skip_kind(cells, key):
            skipped.append((n, kind, _shown(cells)))
            continue
        unread = [(pos, formulas[(n, pos)]) for pos in range(len(cells)) if (n, pos) in formulas] if formulas else []
        missing = [(pos, formula) for pos, formula in unread if pos in fields]
        if missing:
            from openpyxl.utils import get_column_letter

            pos, formula = missing[0]
            rejected.append((n, f"column {get_column_letter(left + pos + 1)} ({layout.headers[pos]}) holds the formula "
                                f"={formula} saved without its result, so the file has no value for it; open the "
                                "workbook in Excel or WPS and save it (公式无计算结果)", _shown(cells), fields[pos]))
            continue
        for pos, _ in unread:       # in a column of no field: nothing
            cells[pos] = None
        body.append((n, cells))
    _reformat_periods(path, name, grid, top, left, body, layout)
    return layout, body, skipped, rejected


def _shown(cells: list[str | None]) -> str:
    return " | ".join(c or "" for c in cells).rstrip(" |")


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
