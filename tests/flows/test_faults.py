"""Faults: two runs on one warehouse, and a run killed mid-way."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import duckdb
import pytest

from tests.conftest import write_csv
from tests.sql.test_indicators_handworked import A, B, OUT, REG
from warehouse.db import WarehouseBusy
from warehouse.lock import exclusive


def test_second_holder_waits_then_fails_with_a_clear_message(tmp_path):
    db = tmp_path / "w.duckdb"
    released = threading.Event()

    def hold():
        with exclusive(db, holder="monthly pipeline 2024-06"):
            released.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.3)
    started = time.monotonic()
    with pytest.raises(WarehouseBusy, match=r"busy: monthly pipeline 2024-06 \(pid \d+"):
        with exclusive(db, wait_seconds=0.6):
            pass
    assert time.monotonic() - started >= 0.6  # it waited before failing
    released.set()
    holder.join()
    with exclusive(db, wait_seconds=1):  # free again once the first has finished
        pass


def test_two_pipeline_runs_at_once_neither_corrupts(home, tmp_path):
    from flows.pipeline import backfill, monthly_pipeline

    write_csv(home / "inbox" / "reg.csv", REG, [[A, "甲", 2023, "工业", "是", "3465", "否", "核心区"],
                                                [A, "甲", 2024, "工业", "是", "3465", "否", "核心区"]])
    write_csv(home / "inbox" / "out.csv", OUT, [[A, "2023-03", 100, 100, ""], [A, "2024-03", 125, 120, ""]])
    errors: list[BaseException] = []

    def run_backfill():
        try:
            backfill(start="2024-02", end="2024-03")
        except BaseException as err:  # noqa: BLE001 - collected for the assertion below
            errors.append(err)

    other = threading.Thread(target=run_backfill)
    other.start()
    result = monthly_pipeline(period="2024-03")
    other.join()
    assert not errors
    assert result["indicators"]["rows"] > 0
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from audit.loads where status = 'loaded'").fetchone()[0] == 2
        assert con.execute("select count(*) from raw.b204_1").fetchone()[0] == 2
        assert con.execute("select value from marts.briefing where period = '2024-03-01' and "
                           "indicator_id = 'industrial_output_growth'").fetchone()[0] == 25.0


@pytest.mark.slow
def test_run_killed_midway_leaves_a_completed_stage_and_rerun_completes(home, tmp_path):
    write_csv(home / "inbox" / "reg.csv", REG, [[A, "甲", 2023, "工业", "是", "3465", "否", "核心区"],
                                                [A, "甲", 2024, "工业", "是", "3465", "否", "核心区"],
                                                [B, "乙", 2024, "工业", "是", "3312", "否", "核心区"]])
    write_csv(home / "inbox" / "out.csv", OUT, [[A, "2023-03", 100, 100, ""], [A, "2024-03", 125, 120, ""],
                                                [B, "2024-03", 50, 50, 40]])
    env = {**os.environ, "ZONESTAT_HOME": str(home), "PREFECT_HOME": str(tmp_path / "ph")}
    env.pop("PREFECT_API_URL", None)
    cmd = [sys.executable, "-m", "zonestat", "run", "--period", "2024-03"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    db = home / "warehouse.duckdb"
    deadline = time.time() + 120
    while time.time() < deadline and not db.exists():  # kill once the run has started writing
        time.sleep(0.05)
    time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and everything it started (its temporary server)
    proc.wait()
    if db.exists():
        with duckdb.connect(str(db), read_only=True) as con:
            tables = {r[0] for r in con.execute("select table_schema || '.' || table_name "
                                                "from information_schema.tables").fetchall()}
            loads = con.execute("select count(*) from audit.loads").fetchone()[0] if "audit.loads" in tables else 0
            raw = con.execute("select count(*) from raw.b204_1").fetchone()[0] if "raw.b204_1" in tables else 0
        assert {"audit.loads", "raw.b204_1"} <= tables or not tables  # the schema is created whole
        assert (loads, raw) in ((0, 0), (1, 0), (2, 3))  # each file loaded whole or not at all
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.b204_1").fetchone()[0] == 3
        value = con.execute("select value from marts.briefing where period = '2024-03-01' and "
                            "indicator_id = 'industrial_output_growth'").fetchone()[0]
    assert value == pytest.approx(round(175 / 140 * 100 - 100, 1))
