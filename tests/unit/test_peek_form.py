"""The form a text file's first lines name (warehouse.readers.peek_form): what a batch assumes of a
file before it loads it, to start building the tables of the other forms. A hint only: None when
it cannot be told cheaply, never a wrong form for a file whose header names one."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import credit_code
from warehouse.layout import locate
from warehouse.readers import peek_form
from warehouse.spec import load_contract

CONTRACT = load_contract()
HEADER = "统一社会信用代码,报告期,工业总产值(当年价格)本年累计,工业销售产值(当年价格)本年累计\r\n"


def _peek(path: Path, encoding: str | None = None) -> str | None:
    return peek_form(path, encoding, lambda rows: locate(rows, CONTRACT))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_a_header_below_title_lines_in_any_accepted_encoding(tmp_path, encoding):
    # long enough that the first 256 KiB end inside a line, and (GB18030) inside a character
    body = "".join(f"{credit_code(i)},2024年6月,{i}.5,{i}\r\n" for i in range(12000))
    path = tmp_path / "产值.csv"
    path.write_bytes(("规模以上工业产值月报\r\n单位：千元\r\n" + HEADER + body).encode(encoding))
    assert path.stat().st_size > 1 << 18
    assert _peek(path) == "B204-1"


def test_a_workbook_by_the_first_rows_of_the_sheet_that_holds_a_form(tmp_path, monkeypatch):
    from openpyxl import Workbook

    import warehouse.readers as readers

    book = Workbook()
    book.active.title = "填表说明"
    book.active.append(["本表按月报送"])
    sheet = book.create_sheet("数据")
    sheet.append(["规模以上工业产值月报"])
    sheet.append(HEADER.strip().split(","))
    for i in range(500):
        sheet.append([credit_code(i), "2024-06", i + 0.5, i])
    path = tmp_path / "产值.xlsx"
    book.save(path)
    assert _peek(path) == "B204-1"
    monkeypatch.setattr(readers, "PEEK_WORKBOOK_BYTES", path.stat().st_size - 1)
    assert _peek(path) is None                            # too large to open for a hint: its load tells


def test_what_cannot_be_told_cheaply_is_none(tmp_path):
    unknown = tmp_path / "other.csv"
    unknown.write_text("甲,乙,丙\n1,2,3\n", encoding="utf-8")
    workbook = tmp_path / "产值.xlsx"
    workbook.write_bytes(b"PK\x03\x04 not a workbook after all")
    assert _peek(unknown) is None
    assert _peek(workbook) is None
    assert _peek(tmp_path / "missing.csv") is None
    assert _peek(unknown, "no-such-encoding") is None     # the load names the bad setting
