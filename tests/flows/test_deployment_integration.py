"""Scheduled runs for real: a Prefect server and a process worker on 127.0.0.1, deployments from
prefect.yaml, the monthly pipeline triggered and checked through the API; everything is shut
down afterwards, also when the test fails."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest


REPO = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).with_name("prefect"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("prefect server did not become healthy")


def api(url: str, path: str, body: dict) -> list | dict:
    req = urllib.request.Request(f"{url}{path}", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def cli(args: list[str], env: dict, timeout: float = 120) -> str:
    done = subprocess.run([PREFECT, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def run_deployment(url: str, env: dict, params: list[str], name: str, seconds: float = 420) -> dict:
    """Trigger the monthly deployment, let a worker take it once, return the finished flow run."""
    args = ["deployment", "run", "scheduled-monthly-pipeline/monthly-pipeline"]
    for p in params:
        args += ["-p", p]
    assert "Created flow run" in cli(args, env)
    worker = subprocess.Popen([PREFECT, "worker", "start", "--pool", "zonestat", "--run-once"], env=env,
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + seconds
        while time.time() < deadline:
            runs = api(url, "/flow_runs/filter", {"flow_runs": {"name": {"like_": name}}})
            if runs and runs[0]["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                return runs[0]
            time.sleep(1)
        raise TimeoutError(f"flow run {name} did not finish")
    finally:
        stop(worker)


def full_year(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return {r[:3]: r[3:] for r in con.execute(
            "select indicator_id, breakdown, member, full_year_mean, growth_lo_80_pct, growth_hi_80_pct, "
            "prob_meet_target, model from marts.forecast_full_year where as_of = '2024-06-01'").fetchall()}


@pytest.mark.slow
def test_scheduled_run_on_the_demo_resolves_its_period_and_an_empty_month_publishes_nothing(tmp_path):
    from zonestat.cli.demo import DEMO_SEED, demo_files, ensure_demo_data

    home = tmp_path / "zhome"
    ensure_demo_data(home / "demo", DEMO_SEED)
    (home / "inbox").mkdir(parents=True)
    for f in demo_files(home / "demo", "2024-06"):          # what the office put in the inbox
        (home / "inbox" / f.parent.name / f.name).parent.mkdir(exist_ok=True)
        (home / "inbox" / f.parent.name / f.name).symlink_to(f)
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": url,
           "ZONESTAT_HOME": str(home), "PWD": str(REPO), "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_UI_ENABLED": "false",
           "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_API_HOST": "127.0.0.1",
           "ZONESTAT_TODAY": "2024-07-12"}                    # the schedule's day: it reports June
    for var in ("ZONESTAT_DB", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(var, None)                                    # the deployment must pin the threads itself
    server = None
    try:
        server = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        wait_healthy(url, server)
        cli(["work-pool", "create", "zonestat", "--type", "process"], env)
        cli(["--no-prompt", "deploy", "--all"], env, timeout=180)
        deployments = {d["name"]: d for d in api(url, "/deployments/filter", {})}
        assert {"monthly-pipeline", "backfill", "forecast-only"} <= set(deployments)
        assert deployments["monthly-pipeline"]["job_variables"]["env"]["OMP_NUM_THREADS"] == "1"

        # no parameters, as the schedule: June, whose planted filer outside the register fails the gate
        stopped = run_deployment(url, env, [], "monthly-2024-06")
        assert stopped["state"]["type"] == "FAILED" and "enterprise_in_register" in stopped["state"]["message"]
        failed = api(url, "/artifacts/filter", {"artifacts": {"key": {"any_": ["gate-failed-2024-06"]}}})
        assert failed and "--allow-critical" in failed[0]["data"] and "followups --period 2024-06" in failed[0]["data"]
        for old in api(url, "/flow_runs/filter", {"flow_runs": {"name": {"like_": "monthly-2024-06"}}}):
            urllib.request.urlopen(urllib.request.Request(f"{url}/flow_runs/{old['id']}", method="DELETE"))
        run = run_deployment(url, env, ["allow_critical=true"], "monthly-2024-06")   # the period still resolved
        assert run["state"]["type"] == "COMPLETED", run["state"]
        artifacts = api(url, "/artifacts/filter", {"artifacts": {"key": {"any_": ["briefing-2024-06"]}}})
        assert artifacts and "| 规上工业产值增速 | 11.0% |" in artifacts[0]["data"]
        logs = api(url, "/logs/filter", {"logs": {"flow_run_id": {"any_": [run["id"]]}}, "limit": 200})
        assert any("indicator rows, vintage" in entry["message"] for entry in logs)

        empty = run_deployment(url, env, ["period=2024-09"], "monthly-2024-09", seconds=180)
        assert (empty["state"]["type"], empty["state"]["name"]) == ("CANCELLED", "NoData")
        assert "本期无数据" in empty["state"]["message"]
        assert not list((home / "exports").rglob("*2024-09*")) and not (home / "reports" / "2024-09").exists()
    finally:
        stop(server)

    deployed = full_year(home / "warehouse.duckdb")
    cli_env = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
    done = subprocess.run([sys.executable, "-m", "zonestat", "forecast", "--as-of", "2024-06"], cwd=REPO,
                          env=cli_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    by_cli = full_year(home / "warehouse.duckdb")
    assert deployed.keys() == by_cli.keys() and len(deployed) > 10
    for key, row in deployed.items():      # a deployed run and a CLI run give the same forecasts
        assert by_cli[key][-1] == row[-1], key
        for got, want in zip(by_cli[key][:-1], row[:-1]):
            assert got == (None if want is None else pytest.approx(want, rel=1e-9)), key
