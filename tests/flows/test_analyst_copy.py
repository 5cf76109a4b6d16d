"""Analysts beside the pipeline (#14 §3): a reader of the published copy, held open for the whole
of a real `zonestat run` in another process, never blocks it and never sees half a run: it sees
the previous publication throughout, and the new one once it opens the copy again."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import write_csv
from tests.flows.test_pipeline import inbox  # noqa: F401  (fixture: a two-unit zone in the inbox)
from tests.sql.test_indicators_handworked import A, B, OUT

ROOT = Path(__file__).resolve().parents[2]
BRIEFED = "select strftime(max(period), '%Y-%m') from marts.briefing"   # the latest month briefed


def test_a_reader_held_open_during_a_run_sees_the_previous_then_the_new_publication(home, inbox, tmp_path):  # noqa: F811
    from flows.pipeline import monthly_pipeline

    assert "analyst_copy" in monthly_pipeline(period="2024-03")["briefing"]
    copy = home / "analyst.duckdb"
    reader = duckdb.connect(str(copy), read_only=True)
    assert reader.execute(BRIEFED).fetchall() == [("2024-03",)]

    write_csv(home / "inbox" / "out04.csv", OUT, [[A, "2023-04", 220, 220, ""], [B, "2023-04", 390, 390, ""],
                                                  [A, "2024-04", 260, 260, ""], [B, "2024-04", 370, 370, ""]])
    env = {**os.environ, "ZONESTAT_HOME": str(home), "PREFECT_HOME": str(tmp_path / "prefect"),
           "ZONESTAT_LOCK_WAIT": "5"}
    env.pop("PREFECT_API_URL", None)
    run = subprocess.Popen([sys.executable, "-m", "zonestat", "run", "--period", "2024-04"], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = set()
    while run.poll() is None:                        # the analyst keeps querying during the whole run
        seen.update(r[0] for r in reader.execute(BRIEFED).fetchall())
        time.sleep(0.2)
    out, err = run.communicate()
    assert run.returncode == 0, err[-2000:]
    assert seen == {"2024-03"}                       # the previous publication, whole, all along
    assert reader.execute(BRIEFED).fetchall() == [("2024-03",)]
    reader.close()
    with duckdb.connect(str(copy), read_only=True) as again:       # opened again: the new run
        assert again.execute(BRIEFED).fetchall() == [("2024-04",)]
        snapshot = again.execute("select folder from zonestat.snapshot").fetchone()[0]
    assert Path(snapshot).parent == home / "published"


def test_query_published_reads_the_copy_inside_the_sandbox(home, inbox, monkeypatch):  # noqa: F811
    from typer.testing import CliRunner

    from flows.pipeline import monthly_pipeline
    from zonestat.cli import app

    monthly_pipeline(period="2024-03")
    runner = CliRunner()
    ok = runner.invoke(app, ["query", "--published", "select count(*) as n from marts.briefing", "--format", "csv"])
    assert ok.exit_code == 0 and ok.output.strip().splitlines()[-1] != "0", ok.output
    outside = runner.invoke(app, ["query", "--published", "select * from read_csv('/etc/passwd')"])
    assert outside.exit_code == 2 and "Traceback" not in outside.output
