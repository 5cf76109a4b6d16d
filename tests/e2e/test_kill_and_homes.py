"""A load killed mid-way leaves no partial rows and the next run completes it; two homes never
share state."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import credit_code
from zonestat.settings import load_settings

HEADER = "统一社会信用代码,报告期,工业总产值(当年价格)本年累计(千元),工业销售产值(当年价格)本年累计(千元)\n"


def big_file(path: Path, rows: int) -> Path:
    codes = [credit_code(i) for i in range(2000)]
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        for i in range(rows):
            # a distinct month per block of 2000 units keeps enterprise x period unique
            year, month = 1990 + (i // 2000) // 11, 2 + (i // 2000) % 11
            fh.write(f"{codes[i % 2000]},{year}-{month:02d},{i % 997 + 1},{i % 991 + 1}\n")
    return path


def counts(db: Path) -> tuple[int, int, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()}
        if "raw.b204_1" not in tables:
            return 0, 0, 0
        raw = con.execute("select count(*) from raw.b204_1").fetchone()[0]
        loads = con.execute("select count(*) from audit.loads where status = 'loaded'").fetchone()[0]
        staged = con.execute("select count(*) from staging.b204_1").fetchone()[0] if "staging.b204_1" in tables else 0
    return raw, loads, staged


@pytest.mark.slow
def test_killed_load_leaves_nothing_partial_and_rerun_completes(tmp_path):
    rows = 600_000
    path = big_file(tmp_path / "big.csv", rows)
    env = {**os.environ, "ZONESTAT_HOME": str(tmp_path / "home")}
    env.pop("ZONESTAT_DB", None)
    db = tmp_path / "home" / "warehouse.duckdb"
    cmd = [sys.executable, "-m", "zonestat", "ingest", str(path)]
    for delay in (0.8, 1.4):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        raw, loads, _ = counts(db) if db.exists() else (0, 0, 0)
        assert (raw, loads) in ((0, 0), (rows, 1)), (delay, raw, loads)  # all or nothing
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert counts(db) == (rows, 1, rows)


def test_two_homes_never_share_state(tmp_path):
    a = load_settings({"ZONESTAT_HOME": str(tmp_path / "a")})
    b = load_settings({"ZONESTAT_HOME": str(tmp_path / "b")})
    assert a.db_path != b.db_path and a.exports != b.exports and a.inbox != b.inbox
    assert a.db_path.is_relative_to(a.home) and b.reports.is_relative_to(b.home)
    override = load_settings({"ZONESTAT_HOME": str(tmp_path / "a"), "ZONESTAT_DB": str(tmp_path / "x.duckdb")})
    assert override.db_path == tmp_path / "x.duckdb"
    assert load_settings({}).home == Path("data").resolve()
