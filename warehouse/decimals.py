"""A file's decimal mark, decided once per file by a rule a person can check (docs/input-format.md).

- Comma-separated CSV, XLSX, XLS and Parquet use a decimal point: there a comma in a number may
  only separate thousands (in groups of three).
- A CSV separated by `;`, tab or `|` uses a decimal comma when any number in its numeric columns
  shows one (a comma followed by other than three digits, 22607,8 or 12,34; or a comma after
  point-separated thousands, 1.234,5; or points between several groups, 1.234.567); otherwise a
  decimal point when any number shows one; otherwise (only whole numbers and values such as 1.234
  or 1,234) the mark is undecided, '?', and such values are rejected by row as ambiguous.
Under the decided mark, the other character may only separate groups of three digits; a value
breaking that is rejected by row naming the rule (macros zs_num, zs_num_problem).
"""
from __future__ import annotations

import duckdb

COMMA_SHOWN = r"[+-]?(\d+,(\d{1,2}|\d{4,})|\d{1,3}(\.\d{3})+,\d*|\d{1,3}(\.\d{3}){2,}|,\d+)"
POINT_SHOWN = r"[+-]?(\d+\.(\d{1,2}|\d{4,})|\d{1,3}(,\d{3})+\.\d*|\d{1,3}(,\d{3}){2,}|\.\d+)"
AMBIGUOUS = r"[+-]?\d{1,3}[.,]\d{3}"


def decimal_mark(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], delimiter: str | None) -> str:
    """'.', ',' or '?' for the numeric `columns` (c0..cN) of the received rows in `table`."""
    if delimiter in (None, ",") or not columns:
        return "."
    comma, point, ambiguous = con.execute(
        "select coalesce(bool_or(regexp_full_match(v, $comma)), false), "
        "coalesce(bool_or(regexp_full_match(v, $point)), false), "
        "coalesce(bool_or(regexp_full_match(v, $ambiguous)), false) "
        f"from (select zs_num_plain(unnest([{', '.join(columns)}])) as v from {table})",
        {"comma": COMMA_SHOWN, "point": POINT_SHOWN, "ambiguous": AMBIGUOUS}).fetchone()
    if comma:
        return ","
    return "." if point or not ambiguous else "?"
