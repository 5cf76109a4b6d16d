"""No traceback reaches a user (issue #13 §5): every command, found from the Typer app itself, meets
every broken setting with exit 2 and the setting's name; a busy warehouse waits ZONESTAT_LOCK_WAIT
and then names the process holding it; a bug prints one line and the file holding its traceback."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from tests.conftest import credit_code, write_csv
from zonestat.cli import app
from zonestat.cli.guard import GuardedGroup
from zonestat.settings import SettingsError, load_settings

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
COMMANDS = sorted(get_command(app).commands)
B204 = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计(千元)", "工业销售产值(当年价格)本年累计(千元)"]


def broken_settings(tmp_path: Path) -> list[tuple[str, str]]:
    """(variable, a value zonestat cannot use): at least one per variable settings.py reads."""
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    return [("ZONESTAT_WORKERS", "abc"), ("ZONESTAT_WORKERS", "0"), ("ZONESTAT_WORKERS", "2.5"),
            ("ZONESTAT_HOME", str(a_file)), ("ZONESTAT_HOME", str(a_file / "home")),
            ("ZONESTAT_DB", str(tmp_path)), ("ZONESTAT_DB", str(a_file / "w.duckdb")),
            ("ZONESTAT_TASK_RUNNER", "spark"), ("ZONESTAT_DASK_ADDRESS", "tcp://host:port"),
            ("ZONESTAT_DASK_ADDRESS", "no such host"), ("ZONESTAT_LOCK_WAIT", "abc"),
            ("ZONESTAT_LOCK_WAIT", "-1"), ("ZONESTAT_LOCK_WAIT", "nan"), ("ZONESTAT_TODAY", "2024-13-01"),
            ("ZONESTAT_TODAY", "yesterday"), ("ZONESTAT_CLOSE_DAY", "31"), ("ZONESTAT_CLOSE_DAY", "x")]


def test_every_setting_has_a_broken_case(tmp_path):
    read = set(re.findall(r"ZONESTAT_[A-Z_]+", (ROOT / "zonestat" / "settings.py").read_text(encoding="utf-8")))
    assert read and read <= {name for name, _ in broken_settings(tmp_path)}


def test_the_app_has_the_commands_of_the_readme():
    assert {"demo", "ingest", "loads", "query", "snapshot", "revisions", "validate", "followups", "indicators", "forecast",
            "forecast-check", "forecast-file", "report", "bulletin", "run", "evaluate"} <= set(COMMANDS)


def test_evaluate_without_its_inputs_or_with_bad_options(home, tmp_path):
    """zonestat evaluate: a year without a supplement is a data problem (1), a bad year or --out a usage
    error (2); each one line, no traceback."""
    path = write_csv(tmp_path / "B204-1_202312.csv", B204, [[credit_code(5), "2023-12", 10, 10]])
    assert runner.invoke(app, ["ingest", str(path)]).exit_code in (0, 1)
    cases = [(["evaluate", "--year", "2023"], 1, "亩均评价补充"), (["evaluate", "--year", "1800"], 2, "--year"),
             (["evaluate", "--year", "2023", "--out", str(tmp_path / "x.csv")], 2, ".xlsx")]
    for args, code, words in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == code, (args, result.output)
        assert words in result.output and "Traceback" not in result.output, (args, result.output)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_names_a_broken_setting_and_exits_2(command, home, tmp_path):
    for name, value in broken_settings(tmp_path):
        result = runner.invoke(app, [command], env={name: value})
        assert result.exit_code == 2, (command, name, value, result.output)
        assert name in result.output and "Traceback" not in result.output, (command, name, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        help_ = runner.invoke(app, [command, "--help"], env={name: value})
        assert help_.exit_code == 0, (command, name, help_.output)   # help never needs the settings


def test_every_command_in_a_real_process(home, tmp_path):
    """The issue's own case, ZONESTAT_WORKERS=abc, through the installed entry point of each command."""
    for command in COMMANDS:
        done = subprocess.run([sys.executable, "-m", "zonestat", command], capture_output=True, text=True,
                              env={**_env(), "ZONESTAT_WORKERS": "abc"}, timeout=60)
        assert done.returncode == 2, (command, done.stderr)
        assert "ZONESTAT_WORKERS" in done.stderr and "Traceback" not in done.stdout + done.stderr, command


def test_settings_read_and_refused(tmp_path):
    good = load_settings({"ZONESTAT_HOME": str(tmp_path / "h"), "ZONESTAT_WORKERS": "4", "ZONESTAT_LOCK_WAIT": "2.5",
                          "ZONESTAT_TASK_RUNNER": " Dask ", "ZONESTAT_DASK_ADDRESS": "10.0.0.5:8786"})
    assert (good.workers, good.lock_wait, good.task_runner, good.dask_address) == (4, 2.5, "dask", "10.0.0.5:8786")
    assert load_settings({"ZONESTAT_HOME": str(tmp_path / "h")}).lock_wait == 600
    for name, value in broken_settings(tmp_path):
        with pytest.raises(SettingsError, match=name):
            load_settings({"ZONESTAT_HOME": str(tmp_path / "h"), name: value})


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs a folder no one can create in (/proc)")
def test_a_home_that_cannot_be_created(tmp_path):
    """Valid when read, refused when a command makes its folders: still exit 2 naming the variable."""
    path = write_csv(tmp_path / "f.csv", B204, [[credit_code(1), "2024-06", "1", "1"]])
    for args in (["ingest", str(path)], ["demo"]):
        result = runner.invoke(app, args, env={"ZONESTAT_HOME": "/proc/zonestat-home"})
        assert result.exit_code == 2 and "ZONESTAT_HOME" in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_unknown_encoding_is_a_usage_error(home, tmp_path):
    path = write_csv(tmp_path / "f.csv", B204, [[credit_code(1), "2024-06", "1", "1"]])
    for encoding in ("foo", "base64"):
        result = runner.invoke(app, ["ingest", str(path), "--encoding", encoding])
        assert result.exit_code == 2 and "--encoding" in result.output and "Traceback" not in result.output


def test_a_file_that_is_not_a_warehouse(home):
    home.mkdir(parents=True)
    (home / "warehouse.duckdb").write_text("not a database", encoding="utf-8")
    for args in (["loads"], ["query", "select 1"], ["validate", "--period", "2024-06"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and "not a zonestat warehouse" in result.output, (args, result.output)


def test_an_unexpected_error_is_one_line_and_a_file(home):
    """A bug (here a command that divides by zero) prints its type and where the traceback went: exit 3."""
    buggy = typer.Typer(cls=GuardedGroup)
    buggy.command("boom")(lambda: 1 / 0)
    buggy.command("other")(lambda: None)
    result = runner.invoke(buggy, ["boom"])
    assert result.exit_code == 3 and "ZeroDivisionError" in result.output and "Traceback" not in result.output
    saved = list((home / "logs").glob("zonestat-error-*.txt"))
    assert len(saved) == 1 and "Traceback" in saved[0].read_text(encoding="utf-8")
    assert str(saved[0]) in "".join(result.output.split())   # the path, however the console wrapped it


# --- a busy warehouse: real second processes --------------------------------------------------------

def _env() -> dict:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _warehouse(home: Path, tmp_path: Path) -> tuple[Path, Path]:
    path = write_csv(tmp_path / "f.csv", B204, [[credit_code(1), "2024-06", "100", "90"]])
    first = runner.invoke(app, ["ingest", str(path)])
    assert first.exit_code == 0, first.output
    return home / "warehouse.duckdb", write_csv(tmp_path / "g.csv", B204, [[credit_code(2), "2024-06", "5", "4"]])


def _hold(db: Path, seconds: float) -> subprocess.Popen:
    """Another process with the warehouse open for writing, for `seconds`."""
    code = f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('held', flush=True); time.sleep({seconds})"
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_busy_warehouse_waits_then_names_the_holder(home, tmp_path):
    db, second = _warehouse(home, tmp_path)
    holder = _hold(db, 20)
    try:
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "zonestat", "ingest", str(second)], capture_output=True,
                              text=True, env={**_env(), "ZONESTAT_LOCK_WAIT": "1.5"}, timeout=60)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    message = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stderr
    assert f"in use by pid {holder.pid}" in message and "waited 1.5 s (ZONESTAT_LOCK_WAIT)" in message
    assert "Traceback" not in done.stdout + done.stderr and len(done.stderr.splitlines()) <= 8
    assert waited >= 1.5


def test_a_busy_warehouse_is_waited_for(home, tmp_path):
    db, second = _warehouse(home, tmp_path)
    holder = _hold(db, 1.5)
    done = subprocess.run([sys.executable, "-m", "zonestat", "ingest", str(second)], capture_output=True,
                          text=True, env={**_env(), "ZONESTAT_LOCK_WAIT": "30"}, timeout=90)
    holder.wait()
    assert done.returncode == 0, done.stderr
    assert "waiting up to 30 s" in done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from audit.loads where status = 'loaded'").fetchone() == (2,)


def test_an_ingest_while_a_query_runs_names_the_query(home, tmp_path):
    db, second = _warehouse(home, tmp_path)
    query = subprocess.Popen([sys.executable, "-m", "zonestat", "query", "--timeout", "8",
                              "select sum(a.range * b.range) from range(100000000) a, range(100000) b"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        time.sleep(2.5)
        done = subprocess.run([sys.executable, "-m", "zonestat", "ingest", str(second)], capture_output=True,
                              text=True, env={**_env(), "ZONESTAT_LOCK_WAIT": "1"}, timeout=60)
    finally:
        query.send_signal(signal.SIGINT)
        query.communicate(timeout=30)
    message = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stderr
    assert f"pid {query.pid}: zonestat query --timeout 8 select sum" in message, message
    assert query.returncode == 130 and "Traceback" not in done.stderr


def test_report_and_bulletin_with_a_broken_wording_file(home, tmp_path, monkeypatch):
    """An office editing bulletin.yaml and naming a field that does not exist: `report` and
    `bulletin` exit 2 naming the template, no traceback."""
    import report.wording as wording
    from tests.e2e.test_report_zone import build_zone

    home.mkdir(parents=True)
    build_zone(home)
    broken = tmp_path / "bulletin.yaml"
    broken.write_text(wording.WORDING_FILE.read_text(encoding="utf-8").replace(
        "{industrial_output_value:unit}", "{industrial_output_valeu:unit}", 1), encoding="utf-8")
    monkeypatch.setattr(wording, "WORDING_FILE", broken)
    for command in ("report", "bulletin"):
        result = runner.invoke(app, [command, "--period", "2024-06", "--out", str(tmp_path / command)])
        assert result.exit_code == 2, (command, result.output)
        assert "industrial_output_valeu" in result.output and "Traceback" not in result.output, result.output
