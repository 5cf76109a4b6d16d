"""§4 of issue #13: the shapes offices' systems export, and folders that hold more than filings."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from tests.conftest import credit_code
from tests.corpus import BARE, FIELDS, HEADERS, JUNE, Case, csv_text, row, staged, values, write_text

_MONEY = slice(2, 9)


def _totals(units: list[int]) -> list[str]:
    return [f"{sum(float(values(i)[k]) for i in units):.1f}" for k in range(7)]


def _title_unit_total() -> Case:
    """GB18030, a title, a 单位：万元 line, a 填报单位 line (a title, not a unit), headers without
    units, Excel's empty trailing columns, a blank line and a 合计 row: values come in 万元."""
    rows = [row(i) + ["", ""] for i in range(1, 11)]
    lines = ["永康经济开发区2024年6月工业产销总值表" + "," * 10, "单位：万元" + "," * 10,
             "填报单位：开发区统计科" + "," * 10, ",".join(BARE + ["", ""])]
    lines += [",".join(r) for r in rows] + [""] + ["合计,," + ",".join(_totals(list(range(1, 11)))) + ",,"]
    return Case("title_unit_total.csv", "4", "title, 单位：万元 and 填报单位 lines, 合计 row, trailing ,,",
                write_text("title_unit_total.csv", "\r\n".join(lines) + "\r\n", "gb18030"),
                loads=[("title_unit_total.csv", "loaded", 10, 10, 0)], header_line=4,
                skipped=[(1, "title"), (2, "unit"), (3, "title"), (16, "total")],
                warnings=[(16, "row", "totals row skipped")],
                staged=[(*staged(i, factor=10.0), i + 4) for i in range(1, 11)])


def _sheet_shapes() -> Case:
    """XLSX: a title row, 金额单位：万元 in a right-hand cell, one bare money header (in 万元), the
    others with their own (千元); a 小计 row inside, a blank row, a 总计 row and a footer at the end."""
    def write(folder: Path) -> Path:
        from openpyxl import Workbook

        folder.mkdir(parents=True, exist_ok=True)
        book = Workbook()
        sheet = book.active
        sheet.append(["2024年6月 工业产销总值"])
        sheet.append([None] * 8 + ["金额单位：万元"])
        sheet.append([BARE[0], BARE[1], BARE[2]] + HEADERS[3:])
        layout = [1, 2, "小计", 3, 4, None, "总计", "footer"]
        for item in layout:
            if item is None:
                sheet.append([])
            elif item == "footer":
                sheet.append(["填表人：张三", None, None, "报出日期：2024-07-10"])
            elif isinstance(item, str):
                sheet.append([item, None] + [float(v) for v in _totals([1, 2])])
            else:
                sheet.append([row(item)[0], row(item)[1]] + [float(v) for v in row(item)[_MONEY]])
        path = folder / "sheet_shapes.xlsx"
        book.save(path)
        return path
    lines = {1: 4, 2: 5, 3: 7, 4: 8}

    def unit(i: int) -> tuple:
        base = staged(i)
        return (*base[:2], base[2] * 10.0, *base[3:], lines[i])      # only the bare money column is in 万元
    return Case("sheet_shapes.xlsx", "4", "XLSX title row, unit cell, 小计/总计 rows",
                write, loads=[("sheet_shapes.xlsx", "loaded", 4, 4, 0)], header_line=3,
                skipped=[(1, "title"), (2, "unit"), (6, "total"), (10, "total"), (11, "footer")],
                warnings=[(6, "row", "totals row skipped"), (10, "row", "totals row skipped"),
                          (11, "row", "footer line skipped")],
                staged=[unit(i) for i in range(1, 5)])


def _report_export() -> Case:
    """A printed report's export: a title with quotes, header cells that wrap (Alt+Enter), the
    header again for the second page, a footer with signatures, 1-6月 periods, full-width digits."""
    wrapped = ['"' + h.replace("(当年价格)", "(当年价格)\n").replace("(千元)", "\n(千元)") + '"' for h in HEADERS]
    header = ",".join(wrapped)
    rows = [row(i, "2024年1-6月") for i in range(1, 7)]
    rows[4][3] = "５.２"                                            # unit 5: full-width digit
    body = [",".join(r) for r in rows]
    lines = ['关于"亩均论英雄"企业2024年1-6月工业产销情况', header] + body[:3] + [header] + body[3:] \
        + ["合计,," + ",".join(_totals(list(range(1, 7)))), "单位负责人：王五,,统计负责人：李四,,填表人：张三,,报出日期：2024年7月10日,,"]
    text = "\r\n".join(lines) + "\r\n"
    header_lines = 1 + header.count("\n")                          # lines the header takes
    first = 1 + header_lines + 1                                    # line of unit 1
    numbers = [first, first + 1, first + 2] + [first + 3 + header_lines + k for k in range(3)]
    return Case("report_export.csv", "4", "title with quotes, wrapped header cells, header repeated, footer",
                write_text("report_export.csv", text, "gb18030"),
                loads=[("report_export.csv", "loaded", 6, 6, 0)], header_line=2,
                skipped=[(1, "title"), (first + 3, "header"), (numbers[-1] + 1, "total"), (numbers[-1] + 2, "footer")],
                warnings=[(first + 3, "row", "repeated header"), (numbers[-1] + 1, "row", "totals row"),
                          (numbers[-1] + 2, "row", "footer line")],
                staged=[(*staged(i), numbers[i - 1]) for i in range(1, 7)])


def _unknown_unit() -> Case:
    text = "单位：美元\n" + csv_text([row(1)], headers=BARE)
    return Case("unit_dollars.csv", "4", "a 单位 line naming a unit zonestat does not know",
                write_text("unit_dollars.csv", text), exit_code=1, loads=[("unit_dollars.csv", "failed", 0, 0, 0)],
                message="names no money unit")


def _repeated_unknown() -> Case:
    """XLSX: two blank header cells over empty columns (ignored), two unknown columns of one name
    and a blank-named column holding values (kept in raw._extra under names of their own)."""
    def write(folder: Path) -> Path:
        from openpyxl import Workbook

        folder.mkdir(parents=True, exist_ok=True)
        book = Workbook()
        sheet = book.active
        sheet.append(HEADERS + [None, None, "备注", "备注", None])
        for i in range(1, 4):
            sheet.append([row(i)[0], row(i)[1]] + [float(v) for v in row(i)[_MONEY]]
                         + [None, None, f"a{i}", f"b{i}", f"c{i}"])
        path = folder / "repeated_unknown.xlsx"
        book.save(path)
        return path
    return Case("repeated_unknown.xlsx", "4", "blank header cells, unknown columns sharing a name",
                write, loads=[("repeated_unknown.xlsx", "loaded", 3, 3, 0)],
                staged=[(*staged(i), i + 1) for i in range(1, 4)],
                extra={2: {"备注": "a1", "备注 (第13列)": "b1", "(第14列)": "c1"}})


def _two_for_one(name: str, second: str, what: str) -> Case:
    headers = HEADERS + [second]
    text = csv_text([row(1) + ["9"]], headers=headers)
    return Case(name, "4", what, write_text(name, text), exit_code=1, loads=[(name, "failed", 0, 0, 0)],
                message="both map to field")


def _legacy_xls() -> Case:
    def write(folder: Path) -> Path:
        import xlwt

        folder.mkdir(parents=True, exist_ok=True)
        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("B204-1")
        sheet.write(0, 0, "2024年6月工业产销总值")
        for c, h in enumerate(HEADERS):
            sheet.write(1, c, h)
        for r in range(1, 6):
            values_ = row(r)
            for c, v in enumerate(values_):
                sheet.write(r + 1, c, float(v) if c >= 2 else v)
        path = folder / "legacy.xls"
        book.save(str(path))
        return path
    return Case("legacy.xls", "4", "a legacy .xls workbook with a title row",
                write, loads=[("legacy.xls", "loaded", 5, 5, 0)], header_line=2, skipped=[(1, "title")],
                staged=[(*staged(i), i + 2) for i in range(1, 6)])


def _workbook(name: str, sheets: list[tuple[str, range | list[str]]]) -> Callable[[Path], Path]:
    """A workbook of the given sheets: a range of units is a B204-1 table, a list is text lines."""
    def write(folder: Path) -> Path:
        from openpyxl import Workbook

        folder.mkdir(parents=True, exist_ok=True)
        book = Workbook()
        book.remove(book.active)
        for title, content in sheets:
            sheet = book.create_sheet(title)
            if isinstance(content, list):
                for line in content:
                    sheet.append([line])
                continue
            sheet.append(HEADERS)
            for i in content:
                sheet.append([row(i)[0], row(i)[1]] + [float(v) for v in row(i)[_MONEY]])
        path = folder / name
        book.save(path)
        return path
    return write


def _instructions_first() -> Case:
    """A workbook whose first sheet is 填表说明 (instructions): the table on the second is read,
    with a note naming the sheet read."""
    write = _workbook("instructions_first.xlsx", [("填表说明", ["1. 金额单位为千元", "2. 统一社会信用代码为18位"]),
                                                  ("B204-1", range(1, 4))])
    return Case("instructions_first.xlsx", "4", "a 填表说明 sheet before the table",
                write, loads=[("instructions_first.xlsx", "loaded", 3, 3, 0)],
                skipped=[(0, "sheet")], warnings=[(0, "row", "read worksheet 'B204-1'")],
                staged=[(*staged(i), i + 1) for i in range(1, 4)])


def _tables_on_two_sheets() -> Case:
    """A workbook with the table on two worksheets (one per area): reading the first would drop the
    other's units with nothing but a warning, so the file is refused naming both."""
    write = _workbook("two_table_sheets.xlsx", [("核心区", range(1, 4)), ("古山片区", range(4, 6))])
    return Case("two_table_sheets.xlsx", "4", "the table on two worksheets (one per area)",
                write, exit_code=1, loads=[("two_table_sheets.xlsx", "failed", 0, 0, 0)],
                message="2 worksheets hold a form's table ('核心区', '古山片区')")


def _disguised() -> list[Case]:
    """Systems export a tab-separated text (GB18030) or an HTML page under the name .xls."""
    text = csv_text([row(i) for i in range(1, 4)], delim="\t", newline="\r\n")
    html = "<html><body><table><tr><td>统一社会信用代码</td></tr></table></body></html>"
    return [
        Case("text_as.xls", "4", "a tab-separated GB18030 text saved as .xls: read as CSV",
             write_text("text_as.xls", text, "gb18030"), loads=[("text_as.xls", "loaded", 3, 3, 0)],
             staged=[(*staged(i), i + 1) for i in range(1, 4)]),
        Case("html_as.xls", "4", "an HTML page saved as .xls: refused naming what it is",
             write_text("html_as.xls", html), exit_code=1, loads=[("html_as.xls", "failed", 0, 0, 0)],
             message="an HTML page saved under a workbook's name"),
    ]


def _folder(name: str, files: dict[str, bytes]):
    def write(folder: Path) -> Path:
        target = folder / name
        target.mkdir(parents=True, exist_ok=True)
        for file, data in files.items():
            (target / file).write_bytes(data)
        return target
    return write


def _folders() -> list[Case]:
    good = csv_text([row(i) for i in range(1, 4)]).encode()
    return [
        Case("folder_unsupported", "4", "a folder of files that are no filings: each refused, named",
             _folder("folder_unsupported", {"B204-1_202406.doc": b"\xd0\xcf\x11\xe0", "说明.pdf": b"%PDF-1.4"}),
             exit_code=1, table="", loads=[("B204-1_202406.doc", "failed", 0, 0, 0), ("说明.pdf", "failed", 0, 0, 0)],
             message="unsupported file type", output=["B204-1_202406.doc", "说明.pdf"]),
        Case("folder_empty", "4", "an empty folder: nothing to load is not a success",
             _folder("folder_empty", {}), exit_code=1, table="", output=["no files to load"]),
        Case("folder_lock_file", "4", "an Excel lock file beside a filing: listed as not read",
             _folder("folder_lock_file", {"~$B204-1_202406.xlsx": b"\x00lock", "B204-1_202406.csv": good}),
             loads=[("B204-1_202406.csv", "loaded", 3, 3, 0)], output=["~$B204-1_202406.xlsx", "not read"],
             staged=[(*staged(i), i + 1) for i in range(1, 4)]),
    ]


def _xls_folder() -> Case:
    def write(folder: Path) -> Path:
        target = folder / "folder_xls"
        target.mkdir(parents=True, exist_ok=True)
        _legacy_xls().write(target)
        return target
    return Case("folder_xls", "4", "a folder holding only .xls files: loaded, not skipped",
                write, loads=[("legacy.xls", "loaded", 5, 5, 0)], staged=[(*staged(i), i + 2) for i in range(1, 6)])


def _two_row_header() -> Case:
    """GB18030 CSV as a statistical system exports a form: a title, the indicator over a merged cell
    with its columns named on the row below (本月 | 本年累计 | 上年同期累计, the unit with the
    indicator), then the row numbering the columns (甲 乙 1 2 ...). Every column is read by its two
    names; the two rows are recorded as the header's continuation, not rejected as data."""
    top = ["统一社会信用代码", "报告期", "工业总产值(当年价格)(千元)", "", "", "工业销售产值(当年价格)(千元)", "",
           "出口交货值(千元)", ""]
    below = ["", "", "本月", "本年累计", "上年同期累计", "本月", "本年累计", "本月", "本年累计"]
    codes = ["甲", "乙"] + [str(k) for k in range(1, 8)]
    lines = ["2024年6月 规模以上工业企业产值 (B204-1表)", ",".join(top), ",".join(below), ",".join(codes)]
    lines += [",".join(row(i)) for i in range(1, 6)]
    return Case("two_row_header.csv", "4", "header over two rows (merged indicator cells) and a 甲 乙 1 2 row",
                write_text("two_row_header.csv", "\r\n".join(lines) + "\r\n", "gb18030"),
                loads=[("two_row_header.csv", "loaded", 5, 5, 0)], header_line=2,
                skipped=[(1, "title"), (3, "subheader"), (4, "codes")],
                staged=[(*staged(i), i + 4) for i in range(1, 6)])


def _sheet_two_row_header() -> Case:
    """XLSX with merged header cells over 本年累计 | 上年同期 (B203's 营业收入 and 研发费用): the 上年同期
    columns are read as the prior-year fields, not dropped or mistaken for the current year."""
    def write(folder: Path) -> Path:
        from openpyxl import Workbook

        folder.mkdir(parents=True, exist_ok=True)
        book = Workbook()
        sheet = book.active
        sheet.append(["统一社会信用代码", "报告期", "营业收入(千元)", None, "研发费用(千元)", None])
        sheet.append([None, None, "上年同期", "本年累计", "上年同期", "本年累计"])   # prior year first
        for cells in ("C1:D1", "E1:F1"):
            sheet.merge_cells(cells)
        for i in range(1, 4):
            sheet.append([credit_code(i), "2024-06", 900.0 * i, 1000.0 * i, 40.0 * i, 50.0 * i])
        path = folder / "sheet_two_row_header.xlsx"
        book.save(path)
        return path

    return Case("sheet_two_row_header.xlsx", "4", "XLSX merged header cells over 上年同期 | 本年累计",
                write, loads=[("sheet_two_row_header.xlsx", "loaded", 3, 3, 0)], header_line=1,
                skipped=[(2, "subheader")], table="b203",
                columns=("enterprise_id", "period", "operating_revenue_ytd_prior", "operating_revenue_ytd",
                         "rd_expense_ytd_prior", "rd_expense_ytd"),
                staged=[(credit_code(i), JUNE, 900.0 * i, 1000.0 * i, 40.0 * i, 50.0 * i, i + 2)
                        for i in range(1, 4)])


def _units_row() -> Case:
    """A row of units under a header whose cells carry none (计量单位 | | 万元 ...): the money
    columns are read in 万元."""
    lines = [",".join(BARE), ",".join(["计量单位", ""] + ["万元"] * 7)] + [",".join(row(i)) for i in range(1, 4)]
    return Case("units_row.csv", "4", "a 计量单位 row of units under the header",
                write_text("units_row.csv", "\n".join(lines) + "\n"),
                loads=[("units_row.csv", "loaded", 3, 3, 0)], header_line=1, skipped=[(2, "subheader")],
                staged=[(*staged(i, factor=10.0), i + 2) for i in range(1, 4)])


def _period_in_title() -> Case:
    """No 报告期 column: the month stands in the title (2024年1-6月), as many systems export it; every
    row takes it (audit.load_columns names where it came from)."""
    lines = ["2024年1-6月 规模以上工业企业产值", ",".join(HEADERS[:1] + HEADERS[2:])]
    lines += [",".join(row(i)[:1] + row(i)[2:]) for i in range(1, 4)]
    return Case("period_in_title.csv", "4", "no period column; the title names the month",
                write_text("period_in_title.csv", "\n".join(lines) + "\n", "gb18030"),
                loads=[("period_in_title.csv", "loaded", 3, 3, 0)], header_line=2,
                skipped=[(1, "title"), (0, "period")],
                warnings=[(0, "row", "2024-06 from the title (标题), for all 3 data lines")],
                staged=[(*staged(i), i + 2) for i in range(1, 4)])


def _period_title_and_name_disagree() -> Case:
    """No 报告期 column, and the title (6月) and the file name (202405) name different months:
    refused, both named, rather than guessed."""
    lines = ["2024年6月 规模以上工业企业产值", ",".join(HEADERS[:1] + HEADERS[2:])]
    lines += [",".join(row(i)[:1] + row(i)[2:]) for i in range(1, 3)]
    return Case("B204-1_202405.csv", "4", "no period column; title and file name disagree",
                write_text("B204-1_202405.csv", "\n".join(lines) + "\n"), exit_code=1,
                loads=[("B204-1_202405.csv", "failed", 0, 0, 0)],
                message="the title names 2024-06, the file name 2024-05")


def _patched_workbook(name: str, cells: dict[tuple[int, str], str]) -> Callable[[Path], Path]:
    """A B204-1 workbook of units 1-7 (and a 核对 column of zeros) whose cells at (row, column) are
    replaced by the XML given: what openpyxl cannot write (a formula with its saved result, an error)."""
    def write(folder: Path) -> Path:
        import re
        import zipfile

        from openpyxl import Workbook

        folder.mkdir(parents=True, exist_ok=True)
        book = Workbook()
        sheet = book.active
        sheet.append(HEADERS + ["核对"])
        for i in range(1, 8):
            sheet.append([row(i)[0], row(i)[1]] + [float(v) for v in row(i)[_MONEY]] + [0.0])
        plain = folder / f"plain_{name}"
        book.save(plain)
        path = folder / name
        with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    text = data.decode("utf-8")
                    for (r, col), xml in cells.items():
                        text, n = re.subn(rf'<c r="{col}{r}"[^>]*>.*?</c>', xml, text, count=1)
                        assert n == 1, (r, col)
                    data = text.encode("utf-8")
                out.writestr(item, data)
        plain.unlink()
        return path
    return write


def _unplaced_error() -> Case:
    """An error cell written without its reference (r="..."): its place is unknown, and reading the
    sheet without it would load a blank there, so the file is refused."""
    return Case("unplaced_error.xlsx", "4", "an XLSX error cell with no cell reference",
                _patched_workbook("unplaced_error.xlsx", {(3, "E"): '<c t="e"><v>#N/A</v></c>'}), exit_code=1,
                loads=[("unplaced_error.xlsx", "failed", 0, 0, 0)], message="carry no cell reference")


def _formula_cells() -> Case:
    """XLSX cells that calamine reads as empty though they are not: an error value (#DIV/0!, a
    VLOOKUP's #N/A) and a formula saved without its result (a workbook written by a program that
    does not compute formulas) reject their rows by field; a formula with its saved result reads as
    that result, one whose result is an empty text as empty, and a result-less formula in a column
    of no field leaves its row alone."""
    # (row, column): the cell's XML in place of the number openpyxl wrote
    cells = {
        (2, "C"): '<c r="C2"><f>D2-0</f><v>1.1</v></c>',                    # a formula and its result
        (3, "E"): '<c r="E3" t="e"><f>D3/0</f><v>#DIV/0!</v></c>',          # an error, optional field
        (4, "D"): '<c r="D4" t="e"><v>#N/A</v></c>',                       # an error, required field
        (5, "H"): '<c r="H5"><f>I5-0</f><v></v></c>',                      # a formula without its result
        (6, "H"): '<c r="H6" t="str"><f>IF(I6&gt;0,"",1)</f><v></v></c>',   # its result: empty text
        (7, "J"): '<c r="J7"><f>SUM(C7:I7)</f></c>',                       # no result, column of no field
    }

    write = _patched_workbook("formula_cells.xlsx", cells)

    def unit(i: int, **changes: float | None) -> tuple:
        cells_ = dict(zip(FIELDS, staged(i)))
        cells_.update(changes)
        return (*cells_.values(), i + 1)
    return Case("formula_cells.xlsx", "4", "XLSX error cells (#DIV/0!, #N/A) and formulas saved without results",
                write, exit_code=1, loads=[("formula_cells.xlsx", "loaded", 7, 4, 3)],
                rejected=[(3, "gross_output_value_ytd_prior", "the formula that made it failed (公式错误值) (got '#DIV/0!')"),
                          (4, "gross_output_value_ytd", "the formula that made it failed (公式错误值) (got '#N/A')"),
                          (5, "export_delivery_value", "column H (出口交货值本月(千元)) holds the formula =I5-0 saved "
                                                       "without its result")],
                staged=[unit(1), unit(5, export_delivery_value=None), unit(6), unit(7)],
                extra={7: {"核对": None}, 2: {"核对": "0"}})


def shape_cases() -> list[Case]:
    return [_title_unit_total(), _sheet_shapes(), _report_export(), _unknown_unit(), _repeated_unknown(),
            _two_for_one("duplicate_header.csv", "报告期", "the header 报告期 twice"),
            _two_for_one("two_aliases.csv", "工业总产值累计", "two aliases of gross_output_value_ytd"),
            _legacy_xls(), _instructions_first(), _tables_on_two_sheets(), *_disguised(), *_folders(), _xls_folder(),
            _two_row_header(), _sheet_two_row_header(), _units_row(), _period_in_title(), _period_title_and_name_disagree(),
            _formula_cells(), _unplaced_error()]

