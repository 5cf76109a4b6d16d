"""§3 of issue #13: numbers and periods read by rules a person can predict."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import credit_code
from tests.corpus import FIELDS, HEADERS, JUNE, Case, csv_text, row, staged, write_text


def _money_rows(written: list[list[str]], delim: str) -> str:
    """Units 1.. with the seven money values as written."""
    return csv_text([[credit_code(i), "2024-06", *vals] for i, vals in enumerate(written, 1)], delim=delim)


def _semicolon_comma() -> Case:
    written = [["22607,8", "12,34", "1.234,5", "7", "1.234.567", "0,5", "3"],
               ["22607.8", "1", "2", "3", "4", "5", "6"]]               # a point in a decimal-comma file
    want = [22607.8, 12.34, 1234.5, 7.0, 1234567.0, 0.5, 3.0]
    return Case("semicolon_decimal_comma.csv", "3", "; separator with decimal commas (22607,8 12,34 1.234,5)",
                write_text("semicolon_decimal_comma.csv", _money_rows(written, ";")), exit_code=1,
                loads=[("semicolon_decimal_comma.csv", "loaded", 2, 1, 1)], decimal=",",
                rejected=[(3, "gross_output_value", "decimal comma a point may only separate groups of three")],
                staged=[(credit_code(1), JUNE, *want, 2)])


def _semicolon_point() -> Case:
    written = [["22607.8", "1,234.5", "12", "3", "4", "5", "6"], ["1", "1,23,456", "2", "3", "4", "5", "6"]]
    return Case("semicolon_decimal_point.csv", "3", "; separator whose numbers show a decimal point; 1,23,456",
                write_text("semicolon_decimal_point.csv", _money_rows(written, ";")), exit_code=1,
                loads=[("semicolon_decimal_point.csv", "loaded", 2, 1, 1)], decimal=".",
                rejected=[(3, "gross_output_value_ytd", "comma may only separate groups of three")],
                staged=[(credit_code(1), JUNE, 22607.8, 1234.5, 12.0, 3.0, 4.0, 5.0, 6.0, 2)])


def _tab_undecided() -> Case:
    written = [["1.234", "5", "6", "7", "8", "9", "10"], ["1", "2", "3", "4", "5", "6", "7"]]
    return Case("tab_ambiguous.tsv", "3", "tab separator, no decimal shown: 1.234 is ambiguous",
                write_text("tab_ambiguous.tsv", _money_rows(written, "\t")), exit_code=1,
                loads=[("tab_ambiguous.tsv", "loaded", 2, 1, 1)], decimal="?",
                rejected=[(2, "gross_output_value", "ambiguous number")],
                staged=[(credit_code(2), JUNE, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 3)])


def _comma_file() -> Case:
    lines = [",".join(HEADERS),
             f'{credit_code(1)},2024-06,"1,234","1,234.5","1,234,567",1,2,3,4',
             f'{credit_code(2)},2024-06,"12,34",1,2,3,4,5,6']
    return Case("comma_quoted_numbers.csv", "3", 'comma file: "1,234" is thousands, "12,34" is refused',
                write_text("comma_quoted_numbers.csv", "\n".join(lines) + "\n"), exit_code=1,
                loads=[("comma_quoted_numbers.csv", "loaded", 2, 1, 1)], decimal=".",
                rejected=[(3, "gross_output_value", "comma may only separate groups of three")],
                staged=[(credit_code(1), JUNE, 1234.0, 1234.5, 1234567.0, 1.0, 2.0, 3.0, 4.0, 2)])


def _underscore() -> Case:
    rows = [row(i) for i in range(1, 4)]
    rows[1][3] = "2_000"                 # DuckDB's cast would read 2000; a digit separator is no rule here
    return Case("underscore.csv", "3", "1_000 style digit separators are not numbers",
                write_text("underscore.csv", csv_text(rows)), exit_code=1,
                loads=[("underscore.csv", "loaded", 3, 2, 1)],
                rejected=[(3, "gross_output_value_ytd", "not a number")],
                staged=[(*staged(i), i + 1) for i in (1, 3)])


def _non_finite() -> Case:
    bad = {2: ("gross_output_value_ytd", "inf"), 3: ("sales_output_value_ytd", "Infinity"),
           4: ("gross_output_value", "1e400"), 5: ("export_delivery_value_ytd", "NaN"),
           6: ("gross_output_value_ytd_prior", "-inf")}
    rows = [row(i) for i in range(1, 8)]
    for i, (name, text) in bad.items():
        rows[i - 1][FIELDS.index(name)] = text
    return Case("non_finite.csv", "3", "inf, Infinity, 1e400, NaN, -inf in money columns",
                write_text("non_finite.csv", csv_text(rows)), exit_code=1,
                loads=[("non_finite.csv", "loaded", 7, 2, 5)],
                rejected=[(i + 1, name, "not a finite number") for i, (name, _) in bad.items()],
                staged=[(*staged(i), i + 1) for i in (1, 7)])


def _periods() -> Case:
    """Before the first year, the month still running (today is pinned to 2024-07-15), the
    future, and the ambiguous 2024.1; 1990-02, 2023.10 and 2024-06 are fine."""
    periods = ["1900-06", "1989-12", "1990-02", "2024-07", "2024-08", "2024.1", "2023.10", "2024-06"]
    months = {3: dt.date(1990, 2, 1), 7: dt.date(2023, 10, 1), 8: JUNE}
    why = {1: "before 1990-01", 2: "before 1990-01", 4: "has not ended yet", 5: "is in the future",
           6: "ambiguous period"}
    return Case("period_bounds.csv", "3", "periods out of bounds and an ambiguous 2024.1",
                write_text("period_bounds.csv", csv_text([row(i, p) for i, p in enumerate(periods, 1)])),
                exit_code=1, loads=[("period_bounds.csv", "loaded", 8, 3, 5)],
                rejected=[(i + 1, "period", text) for i, text in why.items()],
                staged=[(*staged(i, months[i]), i + 1) for i in sorted(months)])


def _xlsx_periods() -> Case:
    """Period cells holding numbers: 2023.1 formatted 0.00 shows 2023.10 (October); in General
    format it is ambiguous; 2023.06 is June; a date cell is its month."""
    def write(folder: Path) -> Path:
        from openpyxl import Workbook

        folder.mkdir(parents=True, exist_ok=True)
        book = Workbook()
        sheet = book.active
        sheet.append(HEADERS)
        for i, (value, fmt) in enumerate([(2023.1, "0.00"), (2023.1, "General"), (2023.06, "General"),
                                          (dt.datetime(2023, 5, 31), "yyyy-mm-dd")], 1):
            sheet.append([credit_code(i), value, *[float(v) for v in row(i)[2:]]])
            sheet.cell(row=i + 1, column=2).number_format = fmt
        path = folder / "numeric_periods.xlsx"
        book.save(path)
        return path
    months = {1: dt.date(2023, 10, 1), 3: dt.date(2023, 6, 1), 4: dt.date(2023, 5, 1)}
    return Case("numeric_periods.xlsx", "3", "XLSX period cells as numbers: read by number format",
                write, exit_code=1, loads=[("numeric_periods.xlsx", "loaded", 4, 3, 1)],
                rejected=[(3, "period", "ambiguous period")],
                staged=[(*staged(i, months[i]), i + 1) for i in sorted(months)])


def _xls_periods() -> Case:
    def write(folder: Path) -> Path:
        import xlwt

        folder.mkdir(parents=True, exist_ok=True)
        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("B204-1")
        for c, h in enumerate(HEADERS):
            sheet.write(0, c, h)
        cells = [2023.1, dt.date(2023, 6, 30), "2023年5月"]
        date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
        for r, period in enumerate(cells, 1):
            sheet.write(r, 0, credit_code(r))
            sheet.write(r, 1, period, date_style if isinstance(period, dt.date) else xlwt.Style.default_style)
            for c, v in enumerate(row(r)[2:], 2):
                sheet.write(r, c, float(v))
        path = folder / "legacy_periods.xls"
        book.save(str(path))
        return path
    months = {2: dt.date(2023, 6, 1), 3: dt.date(2023, 5, 1)}
    return Case("legacy_periods.xls", "3", "legacy .xls: a number 2023.1 is ambiguous, a date cell is read",
                write, exit_code=1, loads=[("legacy_periods.xls", "loaded", 3, 2, 1)],
                rejected=[(2, "period", "ambiguous period")],
                staged=[(*staged(i, months[i]), i + 1) for i in sorted(months)])


def _excel_errors() -> Case:
    """A register saved from Excel as CSV: the error values of failed formulas (a VLOOKUP's #N/A, a
    #REF!) are written as text; no field takes one as its value, free text included."""
    header = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码", "用地面积(亩)"]
    lines = [",".join(header),
             f"{credit_code(1)},永康市一号五金厂,2024,工业,是,3311,12.5",
             f"{credit_code(2)},#N/A,2024,工业,是,3311,12.5",
             f"{credit_code(3)},永康市三号五金厂,2024,工业,是,#REF!,12.5",
             f"{credit_code(4)},永康市四号五金厂,2024,工业,#VALUE!,3311,12.5",
             f"{credit_code(5)},永康市五号五金厂,2024,工业,是,3311,#DIV/0!",
             f"{credit_code(6)},#无效,2024,工业,是,3311,"]
    return Case("excel_errors.csv", "3", "Excel error values (#N/A, #REF!, #VALUE!, #DIV/0!) in text, bool and number fields",
                write_text("excel_errors.csv", "\r\n".join(lines) + "\r\n"), exit_code=1,
                loads=[("excel_errors.csv", "loaded", 6, 2, 4)], table="register",
                rejected=[(3, "enterprise_name", "the formula that made it failed (公式错误值) (got '#N/A')"),
                          (4, "industry_code", "(公式错误值) (got '#REF!')"), (5, "above_scale", "(公式错误值) (got '#VALUE!')"),
                          (6, "land_area_mu", "(公式错误值) (got '#DIV/0!')")],
                columns=("enterprise_id", "enterprise_name", "industry_code", "land_area_mu"),
                staged=[(credit_code(1), "永康市一号五金厂", "3311", 12.5, 2), (credit_code(6), "#无效", "3311", None, 7)])


def _industry_codes() -> Case:
    """GB/T 4754 industry codes as registers write them: 4 digits; a section letter of the code's
    own (C3311: 33 is in section C); a leading zero lost (131 is 0131); a leading tab. A code is never cut to
    width: 33110 is not 3311, and a letter of another section, an apostrophe or ="..." is no code."""
    written = {1: "3311", 2: "C3311", 3: "c3899", 4: "131", 5: "D3311", 6: "33110", 7: "'3311", 8: '="0131"',
               9: "A0131", 10: "33-11", 11: "\t3311"}
    lines = [",".join(["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码"])]
    lines += [f"{credit_code(i)},企业{i},2024,工业,是,{code}" for i, code in written.items()]
    bad = "not a code of 4 digits (GB/T 4754 industry code such as 3311, 0131 or C3311; 行业代码格式不正确) (got "
    return Case("industry_codes.csv", "3", "industry codes with a section letter, a lost zero, too many digits",
                write_text("industry_codes.csv", "\n".join(lines) + "\n"), exit_code=1,
                loads=[("industry_codes.csv", "loaded", 11, 6, 5)], table="register",
                rejected=[(6, "industry_code", bad + "'D3311')"), (7, "industry_code", bad + "'33110')"),
                          (8, "industry_code", bad + "''3311')"), (9, "industry_code", bad + "'=\"0131\"')"),
                          (11, "industry_code", bad + "'33-11')")],
                columns=("enterprise_id", "industry_code"),
                staged=[(credit_code(1), "3311", 2), (credit_code(2), "3311", 3), (credit_code(3), "3899", 4),
                        (credit_code(4), "0131", 5), (credit_code(9), "0131", 10),
                        (credit_code(11), "3311", 12)])


def _unit_types() -> Case:
    """单位类型 as registers spell it: known spellings map to industry or trade; any other value is
    kept as written and warned by row, since no indicator's scope counts the unit then."""
    written = {1: "工业", 2: "规模以上工业", 3: "限额以上批发和零售业", 4: "住宿餐饮", 5: " Industry "}
    lines = [",".join(["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码"])]
    lines += [f"{credit_code(i)},企业{i},2024,{kind},是,3311" for i, kind in written.items()]
    return Case("unit_types.csv", "3", "单位类型 spellings; an unknown one is kept and warned",
                write_text("unit_types.csv", "\n".join(lines) + "\n"),
                loads=[("unit_types.csv", "loaded", 5, 5, 0)], table="register",
                warnings=[(5, "unit_type", "'住宿餐饮' is none of the values forms.yaml knows (industry: 工业/")],
                columns=("enterprise_id", "unit_type"),
                staged=[(credit_code(1), "industry", 2), (credit_code(2), "industry", 3), (credit_code(3), "trade", 4),
                        (credit_code(4), "住宿餐饮", 5), (credit_code(5), "industry", 6)])


def _blanks_around_codes() -> Case:
    """Credit codes as exports write them: a leading tab (it keeps Excel from showing 9.13E+17), a
    no-break or ideographic space: read without them. An apostrophe is no blank: that row is rejected."""
    rows = [row(i) for i in range(1, 6)]
    rows[0][0] = "\t" + rows[0][0]
    rows[1][0] = rows[1][0] + "\u00a0"
    rows[2][0] = "\u3000" + rows[2][0]
    rows[3][0] = "'" + rows[3][0]
    return Case("blanks_around_codes.csv", "3", "tab, no-break and ideographic spaces around credit codes",
                write_text("blanks_around_codes.csv", csv_text(rows)), exit_code=1,
                loads=[("blanks_around_codes.csv", "loaded", 5, 4, 1)],
                rejected=[(5, "enterprise_id", "not a valid unified social credit code")],
                staged=[(*staged(i), i + 1) for i in (1, 2, 3, 5)])


def number_cases() -> list[Case]:
    return [_semicolon_comma(), _semicolon_point(), _tab_undecided(), _comma_file(), _underscore(), _non_finite(), _periods(),
            _xlsx_periods(), _xls_periods(), _excel_errors(), _industry_codes(), _unit_types(), _blanks_around_codes()]
