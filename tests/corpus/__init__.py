"""A generated corpus of bad (and awkward but good) input files, each with its intended outcome.

Nothing here is checked in as a binary: every file is written by code from a seed-free model of
its rows, so the test knows the intended value of every cell independently of the readers.
`python -m tests.corpus.generate OUT` writes the corpus to a folder (with `cases.json`);
tests/e2e/test_input_corpus.py loads each case through the CLI and compares cell by cell.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tests.conftest import credit_code

# B204-1 in the order its files list the columns: the 9 columns of the example
FIELDS = ("enterprise_id", "period", "gross_output_value", "gross_output_value_ytd", "gross_output_value_ytd_prior",
          "sales_output_value", "sales_output_value_ytd", "export_delivery_value", "export_delivery_value_ytd")
HEADERS = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本月(千元)", "工业总产值(当年价格)本年累计(千元)",
           "工业总产值(当年价格)上年同期累计(千元)", "工业销售产值(当年价格)本月(千元)",
           "工业销售产值(当年价格)本年累计(千元)", "出口交货值本月(千元)", "出口交货值本年累计(千元)"]
BARE = [h.replace("(千元)", "") for h in HEADERS]        # headers that carry no unit
JUNE = dt.date(2024, 6, 1)
TODAY = "2024-07-15"      # every case runs with ZONESTAT_TODAY pinned: June 2024 has ended, July has not


@dataclass
class Case:
    """One file (or folder) and what loading it must do."""

    name: str                                   # file or folder name under the corpus folder
    section: str                                # issue #13 section: 2, 3 or 4
    what: str                                   # the defect or shape, in a line
    write: Callable[[Path], Path]               # writes it under a folder; returns what to ingest
    exit_code: int = 0
    loads: list[tuple] = field(default_factory=list)      # (file, status, rows_read, loaded, rejected)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)   # (line, field, reason part)
    warnings: list[tuple[int, str, str]] = field(default_factory=list)   # (line, field, message part)
    staged: list[tuple] | None = None           # staging rows, in the order of `columns`, by source row
    table: str = "b204_1"
    columns: tuple[str, ...] = FIELDS
    header_line: int | None = None
    skipped: list[tuple[int, str]] | None = None   # (line, kind) recorded in audit.loads.skipped_lines
    decimal: str | None = None                  # audit.loads.decimal_mark
    message: str | None = None                  # part of the message of a failed file
    output: list[str] = field(default_factory=list)       # parts of the CLI's output
    extra: dict[int, dict] | None = None        # raw._extra of some rows, by source row
    today: str = TODAY


def values(i: int) -> list[str]:
    """The seven money values of unit i, as written: exact decimals, so float(text) is the intent."""
    return [f"{i}.{k}" for k in range(1, 8)]


def row(i: int, period: str = "2024-06") -> list[str]:
    return [credit_code(i), period, *values(i)]


def staged(i: int, period: dt.date = JUNE, factor: float = 1.0) -> tuple:
    return (credit_code(i), period, *[float(v) * factor for v in values(i)])


def csv_text(rows: list[list[str]], delim: str = ",", newline: str = "\n", headers: list[str] | None = None) -> str:
    """Lines joined as they are (no quoting: a case writes the quotes it means)."""
    lines = [delim.join(headers or HEADERS)] + [delim.join(r) for r in rows]
    return newline.join(lines) + newline


def write_text(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        return path
    return write


def all_cases() -> list[Case]:
    from tests.corpus.csv_cases import csv_cases
    from tests.corpus.number_cases import number_cases
    from tests.corpus.shape_cases import shape_cases

    return csv_cases() + number_cases() + shape_cases()
