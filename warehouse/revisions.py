"""Which version of a filing counts: read from what the file says about itself, never from load order.

A statistics office receives originals, corrections (更正) and re-exports in any order: a month's
folder before the folder holding its correction, an original again after its correction, a
correction whose name sorts first. The precedence of a row (docs/input-format.md, "Corrections"):

1. the revision of its file: 0 for an original; a correction marker in the file name (更正, 修正,
   订正, correction, corrected, revised, rev) is revision 1, or N when numbered (更正2, 第2次更正,
   rev2);
2. the period the file was received for: the period in its name (202406, 2024-06, 2024年6月),
   else the latest period among its rows: a July file that carries a June row again is the later
   word on June;
3. on a tie, the row's content decides, so the same files in any order give the same figures; two
   versions that differ and tie are a conflict, reported as a warning.

An older version arriving after a newer one stays in raw, is not used, and is reported.
"""
from __future__ import annotations

import datetime as dt
import re

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_MARK = r"(?:更正|修正|订正)"
_NUMBERED_BEFORE = re.compile(r"第\s*([0-9]+|[一二两三四五六七八九十]+)\s*次\s*" + _MARK)
_NUMBERED_AFTER = re.compile(_MARK + r"[\s_\-]*[(（]?\s*([0-9]+)")
_PLAIN = re.compile(_MARK)
_LATIN = re.compile(r"(?<![a-z])(?:correction|corrected|revised|revision|rev)(?![a-z])[\s_\-.]*([0-9]+)?",
                    re.IGNORECASE)
_PERIOD = re.compile(r"(?<![0-9])(20[0-9]{2})\s*(?:年\s*(1[0-2]|0?[1-9])\s*月|[-_.]?(1[0-2]|0[1-9])|[-_.]([1-9]))(?![0-9])")


def _number(text: str) -> int:
    """A count written in digits or Chinese numerals (2, 二, 十二, 二十一)."""
    if text.isdigit():
        return int(text)
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return _CN_DIGITS.get(text, 1)
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + _CN_DIGITS.get(ones, 0)


def revision_of(file_name: str) -> tuple[int, str | None]:
    """(revision, the marker as written) from a file name: 0 and None for an original."""
    stem = file_name.rsplit("/", 1)[-1]
    for pattern in (_NUMBERED_BEFORE, _NUMBERED_AFTER):
        if match := pattern.search(stem):
            return max(1, _number(match.group(1))), match.group(0)
    if match := _PLAIN.search(stem):
        return 1, match.group(0)
    if match := _LATIN.search(stem):
        return (int(match.group(1)) if match.group(1) else 1), match.group(0).strip(" _-.")
    return 0, None


def received_period_of(file_name: str) -> dt.date | None:
    """The reporting period named in a file name (the last one, if several), as its first day."""
    stem = file_name.rsplit("/", 1)[-1]
    found = None
    for match in _PERIOD.finditer(stem):
        month = int(match.group(2) or match.group(3) or match.group(4))
        found = dt.date(int(match.group(1)), month, 1)
    return found


def _received_from_rows(con, table: str, load_id: int, by_year: bool) -> dt.date | None:
    expr = "make_date(max(year), 12, 1)" if by_year else "max(period)"
    return con.execute(f"select {expr} from staging.{table}_typed where _load_id = ?", [load_id]).fetchone()[0]


def record_precedence(con, load_id: int, file_name: str, table: str, by_year: bool) -> None:
    """What the file says about itself, into audit.load_precedence (inside the load's transaction,
    after its rows are typed into staging)."""
    revision, marker = revision_of(file_name)
    received, source = received_period_of(file_name), "name"
    if received is None:
        received, source = _received_from_rows(con, table, load_id, by_year), "rows"
    con.execute("insert or replace into audit.load_precedence values (?, ?, ?, ?, ?)",
                [load_id, revision, marker, received, source])


def backfill_precedence(con, tables: dict[str, tuple[str, bool]]) -> int:
    """Loads made before precedence was recorded get it from their file names (and rows).
    `tables` maps form code -> (table, keyed by year). Returns how many were filled."""
    missing = con.execute("select l.load_id, l.file_name, l.form from audit.loads as l "
                          "anti join audit.load_precedence as p using (load_id) "
                          "where l.status = 'loaded' and l.form is not null").fetchall()
    for load_id, file_name, form in missing:
        if form in tables:
            record_precedence(con, load_id, file_name, *tables[form])
    return len(missing)
