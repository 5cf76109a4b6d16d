"""§2 of issue #13: every line of a CSV accounted for, no value moved to another column.

Unit i of a file sits on line i + 1 (the header is line 1) unless a case says otherwise, and its
staging row is `staged(i)` with that line."""
from __future__ import annotations

from tests.conftest import credit_code
from tests.corpus import HEADERS, Case, csv_text, row, staged, values, write_text

REGISTER = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码"]


def _with(i: int, line: int | None = None) -> tuple:
    return (*staged(i), line if line is not None else i + 1)


def _long_row(name: str, n: int, bad: int, encoding: str = "utf-8") -> Case:
    """Unit `bad` writes 29,921.3 without quotes: 10 fields where the header has 9."""
    rows = [row(i) for i in range(1, n + 1)]
    rows[bad - 1][3] = "29,921.3"
    return Case(name, "2", f"row at line {bad + 1} of {n} has an unquoted 29,921.3 (10 fields)",
                write_text(name, csv_text(rows, newline="\r\n"), encoding), exit_code=1,
                loads=[(name, "loaded", n, n - 1, 1)],
                rejected=[(bad + 1, "line", "10 fields where the header has 9")],
                staged=[_with(i) for i in range(1, n + 1) if i != bad], output=[f"{name} row {bad + 1}"])


def _short_row() -> Case:
    rows = [row(i) for i in range(1, 6001)]
    rows[4999] = rows[4999][:7]
    return Case("short_row_5001.csv", "2", "line 5001 of 6001 lacks its last two fields",
                write_text("short_row_5001.csv", csv_text(rows)), exit_code=1,
                loads=[("short_row_5001.csv", "loaded", 6000, 5999, 1)],
                rejected=[(5001, "line", "7 fields where the header has 9")],
                staged=[_with(i) for i in range(1, 6001) if i != 5000])


def _stray_quote() -> Case:
    rows = [row(i) for i in range(1, 60001)]
    rows[57000 - 1][3] = '"' + rows[57000 - 1][3]            # opened, never closed
    return Case("stray_quote_57001.csv", "2", 'a stray " opens a value at line 57001 of 60001 and never closes',
                write_text("stray_quote_57001.csv", csv_text(rows)), exit_code=1,
                loads=[("stray_quote_57001.csv", "loaded", 60000, 59999, 1)],
                rejected=[(57001, "line", "does not close")],
                staged=[_with(i) for i in range(1, 60001) if i != 57000])


def _two_quotes() -> Case:
    """A quote opened on line 101 would close on line 104: the lines between are records of their
    own, so line 101 is rejected alone; line 104's stray quote is then part of a value."""
    rows = [row(i) for i in range(1, 301)]
    rows[99][3] = '"' + rows[99][3]
    rows[102][6] = rows[102][6] + '"'
    return Case("quote_pair.csv", "2", "quotes on lines 101 and 104 must not swallow lines 102-103",
                write_text("quote_pair.csv", csv_text(rows)), exit_code=1,
                loads=[("quote_pair.csv", "loaded", 300, 298, 2)],
                rejected=[(101, "line", "does not close"), (104, "sales_output_value_ytd", "not a number")],
                staged=[_with(i) for i in range(1, 301) if i not in (100, 103)])


def _blank_lines() -> Case:
    """Blank lines, a line of delimiters and a line of spaces are not data lines and shift no
    numbers: the long row at the end is named by its physical line, 55."""
    rows = [row(i) for i in range(1, 51)]
    rows[49].insert(3, "9")
    body = [",".join(r) for r in rows]
    lines = [",".join(HEADERS)] + body[:10] + ["", ""] + body[10:20] + [",,,,,,,,", "   "] + body[20:]
    numbers = list(range(2, 12)) + list(range(14, 24)) + list(range(26, 56))
    return Case("blank_lines.csv", "2", "blank lines in the body; a bad row after them",
                write_text("blank_lines.csv", "\n".join(lines) + "\n"), exit_code=1,
                loads=[("blank_lines.csv", "loaded", 50, 49, 1)],
                rejected=[(55, "line", "10 fields")],
                staged=[_with(i, numbers[i - 1]) for i in range(1, 50)], output=["blank_lines.csv row 55"])


def _quoted() -> Case:
    """Every field quoted, CRLF, a doubled quote and a quoted delimiter in an unknown column."""
    lines = [",".join(f'"{h}"' for h in HEADERS + ["备注"])]
    lines += [",".join(f'"{v}"' for v in row(i)) + f',"note ""{i}"", a, b"' for i in range(1, 41)]
    return Case("fully_quoted.csv", "2", "every field quoted (CRLF), quotes and commas inside values",
                write_text("fully_quoted.csv", "\r\n".join(lines) + "\r\n"),
                loads=[("fully_quoted.csv", "loaded", 40, 40, 0)], staged=[_with(i) for i in range(1, 41)])


def _multiline_name() -> Case:
    """A quoted enterprise name holding a line break (Alt+Enter in Excel) is one record, numbered
    by its first line."""
    names = ["永康市飞锋工贸有限公司", "浙江飞达\r\n工贸有限公司", "永康市\"金华\"五金厂"]
    lines = [",".join(REGISTER)]
    for i, name in enumerate(names, 1):
        quoted = '"' + name.replace('"', '""') + '"'
        lines.append(f"{credit_code(i)},{quoted},2024,工业,是,3311")
    return Case("register_multiline.csv", "2", "a quoted register name with a line break inside",
                write_text("register_multiline.csv", "\r\n".join(lines) + "\r\n"),
                loads=[("register_multiline.csv", "loaded", 3, 3, 0)], table="register",
                columns=("enterprise_id", "enterprise_name"),
                staged=[(credit_code(1), names[0], 2), (credit_code(2), names[1], 3), (credit_code(3), names[2], 5)])


def _trailing_columns() -> Case:
    """`,,,` after the header (Excel's empty columns) and after every row: ignored; a value in one
    of those columns is what a misplaced comma leaves: that row is rejected."""
    rows = [row(i) + ["", "", ""] for i in range(1, 21)]
    rows[9][10] = "55"
    return Case("trailing_commas.csv", "2", "blank trailing header cells; a value under one of them",
                write_text("trailing_commas.csv", csv_text(rows, headers=HEADERS + ["", "", ""])), exit_code=1,
                loads=[("trailing_commas.csv", "loaded", 20, 19, 1)],
                rejected=[(11, "line", "a value in column 11, whose header is blank")],
                staged=[_with(i) for i in range(1, 21) if i != 10])


def _odd_lines() -> Case:
    """A carriage return inside a line, a quote inside an unquoted value, a row ending in an extra
    empty field, a short 合计 row: each handled on its own line."""
    rows = [row(i) for i in range(1, 11)]
    text = csv_text(rows).splitlines()
    text[3] = text[3].replace(",", ",\r", 1)                     # line 4: lone CR
    text[5] = text[5].replace(values(5)[1], "5.\"2")            # line 6: 5."2 is not a number
    text[7] += ","                                               # line 8: one empty field too many
    text.append("合计,123")                                      # line 12: a short totals row
    return Case("odd_lines.csv", "2", "lone CR, quote inside a value, extra empty field, short 合计 row",
                write_text("odd_lines.csv", "\n".join(text) + "\n"), exit_code=1,
                loads=[("odd_lines.csv", "loaded", 10, 8, 2)],
                rejected=[(4, "line", "carriage return"), (6, "gross_output_value_ytd", "not a number")],
                warnings=[(12, "row", "totals row skipped")],
                skipped=[(12, "total")],
                staged=[_with(i) for i in range(1, 11) if i not in (3, 5)])


def csv_cases() -> list[Case]:
    return [_long_row("long_row_4001.csv", 5000, 4000), _long_row("long_row_3.csv", 2000, 2),
            _long_row("long_row_gb18030.csv", 3000, 2500, "gb18030"), _short_row(), _stray_quote(),
            _two_quotes(), _blank_lines(), _quoted(), _multiline_name(), _trailing_columns(), _odd_lines()]

