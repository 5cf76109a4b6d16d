"""What a file says outside its table: the reporting period named in its title or its file name.

Many systems export a month's table without a period column, the month standing in the title
(`2024年1-6月 规模以上工业企业产值`) or in the file name (`B204-1_202406.xlsx`). When a form's table
lacks its period column and nothing else, the period is taken from there: the title first, else the
file name; both naming months, they must agree; several months in the title are ambiguous. The
column is added to the received rows as a column of its own, named after where it came from, so
audit.load_columns says how every row got its period.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from pathlib import Path

import duckdb

from warehouse.encodings import FileError
from warehouse.readers import ReadResult
from warehouse.revisions import received_period_of

# 2024年6月, 2024年1-6月, 2024年1至6月, 2024年1—6月 (the text is NFKC-folded first: －, ～ read as -, ~; not a
# date: 2024年7月10日 is when, not which month)
_TITLE_PERIOD = re.compile(r"(20\d{2})\s*年\s*(?:1\s*[-~至—–‐−〜]\s*)?(1[0-2]|0?[1-9])\s*月(?!\s*\d{1,2}\s*日)")


def title_periods(texts: list[str]) -> set[dt.date]:
    """The months the title lines name."""
    found = set()
    for text in texts:
        for m in _TITLE_PERIOD.finditer(unicodedata.normalize("NFKC", text)):
            found.add(dt.date(int(m.group(1)), int(m.group(2)), 1))
    return found


def implied_period(path: Path, read: ReadResult) -> tuple[dt.date, str] | None:
    """(period, where it was read) for a table without a period column, or None when neither the
    title nor the file name names one; FileError when they disagree or the title names several."""
    titles = [s["text"] for s in read.layout.skipped if s["kind"] in ("title", "unit")]
    in_title = title_periods(titles)
    in_name = received_period_of(path.name)
    if len(in_title) > 1:
        months = ", ".join(sorted(f"{p:%Y-%m}" for p in in_title))
        raise FileError(f"{path.name}: no 报告期 column, and the title names several months ({months}): add a "
                        "报告期 column (无报告期列, 标题中月份不唯一)")
    if in_title and in_name and in_title != {in_name}:
        title = next(iter(in_title))
        raise FileError(f"{path.name}: no 报告期 column; the title names {title:%Y-%m}, the file name "
                        f"{in_name:%Y-%m}: add a 报告期 column (标题与文件名的报告期不一致)")
    if in_title:
        return next(iter(in_title)), "标题 title"
    if in_name:
        return in_name, "文件名 file name"
    return None


def with_implied_period(con: duckdb.DuckDBPyConnection, table: str, path: Path, read: ReadResult) -> ReadResult:
    """`read` as it is, or, when its form lacks only the period column and the title or file name
    names the month: that month added as a column of `table` (the received rows), mapped to the
    period field."""
    match = read.layout.match
    if match is None or match.missing != ["period"] or match.conflicts:
        return read
    found = implied_period(path, read)
    if found is None:
        return read
    period, source = found
    position = len(read.headers)
    con.execute(f"alter table {table} add column c{position} varchar default '{period:%Y-%m}'")
    match = dataclasses.replace(match, columns={**match.columns, position: "period"}, missing=[])
    header = f"报告期 (取自{source}: {period:%Y-%m})"
    note = (0, "period", f"{period:%Y-%m} from the {source.split(' ', 1)[1]} ({source.split(' ', 1)[0]}), "
                         f"for all {read.rows} data lines")      # a warning of the load: said, and counted
    return dataclasses.replace(read, layout=dataclasses.replace(read.layout, headers=read.headers + [header],
                                                                  match=match),
                               skipped_rows=read.skipped_rows + [note])
