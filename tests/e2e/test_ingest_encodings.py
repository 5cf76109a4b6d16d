"""Encodings are detected from the whole file, not its first MiB, and a wrong one names its row."""
from __future__ import annotations

from pathlib import Path

import duckdb
from typer.testing import CliRunner

from tests.conftest import credit_code
from zonestat.cli import app

runner = CliRunner()
ROWS = 25_000          # about 1.3 MiB of ASCII before the last row


def late_bytes_file(path: Path, last_period: bytes) -> Path:
    """English headers and ASCII rows; only the last row holds non-ASCII bytes."""
    lines = [b"credit_code,report_period,gross_output_ytd,sales_output_ytd"]
    lines += [f"{credit_code(i)},2024-06,{100 + i},{90 + i}".encode() for i in range(ROWS - 1)]
    lines.append(credit_code(ROWS).encode() + b"," + last_period + b",7,6")
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return path


def loads(home: Path) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select status, encoding, rows_read, rows_loaded, message from audit.loads").fetchall()


def test_gb18030_after_the_first_mib_is_detected(home, tmp_path):
    path = late_bytes_file(tmp_path / "late_gbk.csv", "2024年6月".encode("gb18030"))
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    assert loads(home) == [("loaded", "gb18030", ROWS, ROWS, None)]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select period from raw.b204_1 where _source_row = ?", [ROWS + 1]).fetchone() == ("2024年6月",)


def test_bytes_of_no_known_encoding_name_the_row(home, tmp_path):
    path = late_bytes_file(tmp_path / "garbled.csv", b"2024\xff\xfe")
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "garbled.csv: not UTF-8 and not GB18030/GBK" in out and f"row {ROWS + 1}" in out
    assert loads(home)[0][0] == "failed"


def test_a_wrong_declaration_names_the_row_past_the_first_mib(home, tmp_path):
    path = late_bytes_file(tmp_path / "declared.csv", "2024年6月".encode("gb18030"))
    result = runner.invoke(app, ["ingest", str(path), "--encoding", "utf-8"])
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert f"declared.csv: row {ROWS + 1}:" in out and "declared encoding 'utf-8' does not match" in out
