"""Bad input: each case gets a clear message naming file, row and field, and nothing is lost."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.conftest import credit_code, write_csv
from zonestat.cli import app

runner = CliRunner()
B204_HEADERS = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计(千元)", "工业销售产值(当年价格)本年累计(千元)"]
E1, E2 = credit_code(1), credit_code(2)


def ingest(*paths: Path, extra: list[str] | None = None):
    return runner.invoke(app, ["ingest", *map(str, paths), *(extra or [])])


def loads_table(home: Path) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select file_name, status, rows_read, rows_loaded, rows_rejected, message "
                           "from audit.loads order by load_id").fetchall()


def raw_rows(home: Path, table: str = "b204_1") -> int:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(f"select count(*) from raw.{table}").fetchone()[0]


@pytest.fixture
def good(tmp_path) -> Path:
    return write_csv(tmp_path / "good.csv", B204_HEADERS, [[E1, "2024-06", "100", "90"], [E2, "202406", "50", "45"]])


def test_good_file_loads_and_counts_add_up(home, good):
    result = ingest(good)
    assert result.exit_code == 0, result.output
    assert loads_table(home) == [("good.csv", "loaded", 2, 2, 0, None)]
    assert "入库汇总" in result.output


def test_empty_file(home, tmp_path, good):
    ingest(good)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = ingest(empty)
    assert result.exit_code == 1
    assert "empty.csv" in result.output and "empty" in result.output
    assert raw_rows(home) == 2  # what was loaded before is untouched


def test_header_only(home, tmp_path):
    path = write_csv(tmp_path / "header_only.csv", B204_HEADERS, [])
    result = ingest(path)
    assert result.exit_code == 1
    assert "header_only.csv: has a header row but no data rows" in result.output


def test_unknown_form(home, tmp_path):
    path = write_csv(tmp_path / "menu.csv", ["菜名", "价格"], [["红烧肉", "38"]])
    result = ingest(path)
    assert result.exit_code == 1
    assert "menu.csv: unknown form" in result.output and "菜名" in result.output


def test_missing_required_column(home, tmp_path):
    path = write_csv(tmp_path / "missing.csv", B204_HEADERS[:3], [[E1, "2024-06", "100"]])
    result = ingest(path)
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "missing.csv: looks like form B204-1 but lacks required column(s) sales_output_value_ytd" in out


def test_text_in_numeric_field_names_file_row_and_field(home, tmp_path):
    path = write_csv(tmp_path / "text.csv", B204_HEADERS, [[E1, "2024-06", "100", "90"], [E2, "2024-06", "一百", "45"]])
    result = ingest(path)
    assert result.exit_code == 1
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rej = con.execute("select source_file, source_row, fields, reason, raw_values from audit.rejected_rows").fetchall()
        staged = con.execute("select enterprise_id from staging.b204_1").fetchall()
    assert len(rej) == 1
    file, row, fields, reason, raw = rej[0]
    assert file.endswith("text.csv") and row == 3 and fields == ["gross_output_value_ytd"]
    assert "not a number (got '一百')" in reason and json.loads(raw)["gross_output_value_ytd"] == "一百"
    assert staged == [(E1,)]
    assert loads_table(home)[0][2:5] == (2, 1, 1)  # read = loaded + rejected
    assert "text.csv row 3" in " ".join(result.output.split())


def test_wrong_encoding_declaration(home, tmp_path):
    path = write_csv(tmp_path / "gbk.csv", B204_HEADERS, [[E1, "2024年6月", "100", "90"]], encoding="gb18030")
    result = ingest(path, extra=["--encoding", "utf-8"])
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "gbk.csv: row 1:" in out and "not valid utf-8" in out
    assert ingest(path).exit_code == 0  # detected, not assumed: without the wrong declaration it loads


def test_truncated_xlsx(home, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(B204_HEADERS)
    book.active.append([E1, "2024-06", 100, 90])
    full = tmp_path / "full.xlsx"
    book.save(full)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    result = ingest(cut)
    assert result.exit_code == 1
    assert "cut.xlsx: not a readable XLSX workbook" in " ".join(result.output.split())
    assert ingest(full).exit_code == 0


def test_duplicated_rows_inside_one_file(home, tmp_path):
    path = write_csv(tmp_path / "dup.csv", B204_HEADERS,
                     [[E1, "2024-06", "100", "90"], [E2, "2024-06", "5", "5"], [E1, "2024-06", "100", "90"]])
    result = ingest(path)
    assert result.exit_code == 1
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rej = con.execute("select source_row, reason from audit.rejected_rows").fetchall()
        assert con.execute("select count(*) from staging.b204_1").fetchone()[0] == 2
    assert rej == [(4, "duplicate: same enterprise_id/period as row 2 of this file")]


def test_same_file_twice_changes_nothing(home, good):
    assert ingest(good).exit_code == 0
    result = ingest(good)
    assert result.exit_code == 0
    assert "already loaded" in result.output
    assert raw_rows(home) == 2 and len(loads_table(home)) == 1


def test_period_in_the_future(home, tmp_path):
    path = write_csv(tmp_path / "future.csv", B204_HEADERS, [[E1, "2099-01", "100", "90"]])
    result = ingest(path)
    assert result.exit_code == 1
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select reason from audit.rejected_rows").fetchone()[0] == \
            "period: period 2099-01 is in the future"


def test_negative_output_value(home, tmp_path):
    path = write_csv(tmp_path / "neg.csv", B204_HEADERS, [[E1, "2024-06", "-100", "90"]])
    result = ingest(path)
    assert result.exit_code == 1
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        fields, reason = con.execute("select fields, reason from audit.rejected_rows").fetchone()
    assert fields == ["gross_output_value_ytd"] and "negative value -100" in reason


def test_invalid_credit_code(home, tmp_path):
    bad = E1[:17] + ("0" if E1[17] != "0" else "1")
    path = write_csv(tmp_path / "code.csv", B204_HEADERS, [[bad, "2024-06", "100", "90"]])
    assert ingest(path).exit_code == 1
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select fields from audit.rejected_rows").fetchone()[0] == ["enterprise_id"]


def test_rows_with_unreadable_keys_are_not_called_duplicates(home, tmp_path):
    path = write_csv(tmp_path / "keys.csv", B204_HEADERS, [["BAD1", "2024-06", "1", "1"], ["BAD2", "2024-06", "2", "2"]])
    assert ingest(path).exit_code == 1
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        reasons = [r[0] for r in con.execute("select reason from audit.rejected_rows order by source_row").fetchall()]
    assert len(reasons) == 2 and not any("duplicate" in r for r in reasons)
