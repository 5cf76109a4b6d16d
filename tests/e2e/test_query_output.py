"""`zonestat query` output: every column type in every format, files written whole or not at all, a
runaway query stopped by --timeout, Ctrl-C exits 130 quietly (real processes, real long queries)."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.conftest import credit_code, write_csv
from warehouse.db import connect, init_schema
from warehouse.ingest import load_file
from zonestat.cli import app

runner = CliRunner()
B204 = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计(千元)", "工业销售产值(当年价格)本年累计(千元)"]
NESTED = ("select 1 as id, [1, 2] as l, {'a': [1], 'b': 'x,y \"q\"'} as s, map {'k': 2} as m, "
          "date '2024-06-01' as d, [{'z': null}] as ls, null::int[] as empty")
RUNAWAY = "select sum(a.range * b.range) from range(100000000) a, range(100000) b"


@pytest.fixture
def warehouse(home: Path, tmp_path: Path) -> Path:
    """A warehouse with two rejected rows (their `fields` is a list column, `raw_values` JSON)."""
    db = home / "warehouse.duckdb"
    path = write_csv(tmp_path / "in" / "bad.csv", B204, [[credit_code(1), "2024-06", "100", "90"],
                                                         [credit_code(2), "2024-06", "abc", "45"],
                                                         ["BADCODE", "2024-06", "1", "1"]])
    con = connect(db)
    try:
        init_schema(con)
        assert load_file(con, path).rows_rejected == 2
    finally:
        con.close()
    return db


def zonestat(*args: str, **kw) -> subprocess.Popen:
    """The CLI in its own process, with Ctrl-C delivered as a terminal would (not ignored)."""
    return subprocess.Popen([sys.executable, "-m", "zonestat", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **kw)


def test_readme_rejected_rows_export_works(warehouse, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["query", "select * from audit.rejected_rows", "--format", "csv",
                                 "--out", "rejected.csv"])
    assert result.exit_code == 0, result.output
    with (tmp_path / "rejected.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(json.loads(r["fields"])[0] for r in rows) == ["enterprise_id", "gross_output_value_ytd"]
    assert {json.loads(r["raw_values"])["period"] for r in rows} == {"2024-06"}


def test_nested_columns_in_csv_json_and_parquet(warehouse, tmp_path):
    expected = {"id": 1, "l": [1, 2], "s": {"a": [1], "b": 'x,y "q"'}, "m": {"k": 2}, "d": "2024-06-01",
                "ls": [{"z": None}], "empty": None}
    for fmt in ("csv", "json", "parquet"):
        out = tmp_path / f"nested.{fmt}"
        result = runner.invoke(app, ["query", NESTED, "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, (fmt, result.output)
    with (tmp_path / "nested.csv").open(encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert {k: json.loads(v) if k in ("l", "s", "m", "ls") else v for k, v in row.items()} == \
        {**expected, "id": "1", "empty": ""}
    assert json.loads((tmp_path / "nested.json").read_text(encoding="utf-8")) == [expected]
    table = pq.read_table(tmp_path / "nested.parquet")
    assert str(table.schema.field("m").type).startswith("map<") and table.column("l").to_pylist() == [[1, 2]]
    on_screen = runner.invoke(app, ["query", NESTED, "--format", "json"])
    assert json.loads(on_screen.output) == [expected]


def test_a_failed_query_leaves_no_file_and_an_old_file_untouched(warehouse, tmp_path):
    old = tmp_path / "old.csv"
    old.write_text("kept\n", encoding="utf-8")
    for sql in ("select * from no_such_table", "select 1/0::int + 'x'", "select * from read_csv('/etc/passwd')"):
        for out in (old, tmp_path / "new.csv"):
            result = runner.invoke(app, ["query", sql, "--format", "csv", "--out", str(out)])
            assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert old.read_text(encoding="utf-8") == "kept\n"
    assert not (tmp_path / "new.csv").exists()
    assert not list(tmp_path.glob(".*.part"))


def test_timeout_stops_a_runaway_query_cleanly(warehouse, tmp_path):
    out = tmp_path / "runaway.csv"
    started = time.monotonic()
    proc = zonestat("query", RUNAWAY, "--timeout", "1", "--format", "csv", "--out", str(out))
    stdout, stderr = proc.communicate(timeout=60)
    elapsed = time.monotonic() - started
    assert proc.returncode == 2, stderr
    assert "ran longer than 1 s" in " ".join(stderr.split()) and "Traceback" not in stderr + stdout
    assert elapsed < 15, elapsed   # import + 1 s + the interrupt, not the minutes the query needs
    assert not out.exists() and not list(tmp_path.glob(".*.part"))


def test_ctrl_c_during_a_query_exits_130_quietly(warehouse, tmp_path):
    out = tmp_path / "interrupted.csv"
    proc = zonestat("query", RUNAWAY, "--format", "csv", "--out", str(out))
    time.sleep(2.5)   # started, connected, running
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert time.monotonic() - sent < 10
    assert "Traceback" not in stderr + stdout and "interrupted" in stderr
    assert not out.exists() and not list(tmp_path.glob(".*.part"))


def test_a_reader_that_stops_early_gets_no_traceback(warehouse):
    """`zonestat query ... --format csv | head -1`: the closed pipe ends the command quietly."""
    proc = zonestat("query", "select range as i from range(2000000)", "--format", "csv", env={**os.environ})
    assert proc.stdout.readline().strip() == '"i"'
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 0 and "Traceback" not in stderr, stderr
