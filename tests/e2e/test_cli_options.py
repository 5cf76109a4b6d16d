"""The other commands' user-given paths and values: checked before any work, exit 2, and no output
file may replace the warehouse (the CLI writes outputs itself, never DuckDB on a user's path)."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from warehouse.db import connect, init_schema
from zonestat.cli import app

runner = CliRunner()


@pytest.fixture
def db(home: Path) -> Path:
    path = home / "warehouse.duckdb"
    con = connect(path)
    try:
        init_schema(con)
    finally:
        con.close()
    return path


def test_no_output_option_replaces_the_warehouse(db, tmp_path):
    series = tmp_path / "series.parquet"
    pq.write_table(pa.table({"series_id": ["a"], "period": ["2024-01-01"], "value": [1.0]}), series)
    before = db.read_bytes()
    for args in (["followups", "--period", "2024-06", "--out", str(db)],
                 ["forecast-file", str(series), "--out", str(db)],
                 ["forecast-file", str(series), "--backtest-out", str(db) + ".wal"],
                 ["query", "select 1", "--format", "parquet", "--out", str(db)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and "would overwrite the warehouse" in result.output, (args, result.output)
    assert db.read_bytes() == before


def test_bad_values_are_usage_errors(db, tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    cases = [(["report", "--period", "2024-06", "--out", str(a_file)], "is a file"),
             (["report", "--period", "2024-06", "--out", str(a_file / "sub")], "is a file"),
             (["forecast", "--as-of", "2024-06", "--targets", str(tmp_path / "none.yaml")], "no such file"),
             (["indicators", "--period", "2024-06", "--breakdown", "x; drop table"], "--breakdown must be"),
             (["indicators", "--period", "2024-06", "--min-coverage", "2"], "min-coverage"),
             (["loads", "--limit", "-1"], "limit"),
             (["query", "select 1", "--timeout", "0"], "timeout"),
             (["query", "select 1", "--format", "xml"], "--format must be")]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and "Traceback" not in result.output, (args, result.output)
