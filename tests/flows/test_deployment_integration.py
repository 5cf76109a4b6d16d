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

from tests.conftest import write_csv
from tests.sql.test_indicators_handworked import A, B, OUT, REG

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


@pytest.mark.slow
def test_deploy_trigger_and_check_through_the_api(tmp_path):
    home = tmp_path / "zhome"
    write_csv(home / "inbox" / "reg.csv", REG, [[A, "甲", 2023, "工业", "是", "3465", "否", "核心区"],
                                                [A, "甲", 2024, "工业", "是", "3465", "否", "核心区"],
                                                [B, "乙", 2024, "工业", "是", "3312", "否", "核心区"]])
    write_csv(home / "inbox" / "out.csv", OUT, [[A, "2023-03", 100, 100, ""], [A, "2024-03", 125, 120, ""],
                                                [B, "2024-03", 50, 50, 40]])
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": url,
           "ZONESTAT_HOME": str(home), "PWD": str(REPO), "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_UI_ENABLED": "false",
           "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_API_HOST": "127.0.0.1"}
    env.pop("ZONESTAT_DB", None)
    server = worker = None
    try:
        server = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        wait_healthy(url, server)
        cli(["work-pool", "create", "zonestat", "--type", "process"], env)
        cli(["--no-prompt", "deploy", "--all"], env, timeout=180)
        out = cli(["deployment", "run", "scheduled-monthly-pipeline/monthly-pipeline", "-p", "period=2024-03"], env)
        assert "Created flow run" in out
        worker = subprocess.Popen([PREFECT, "worker", "start", "--pool", "zonestat", "--run-once"], env=env,
                                  cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        deadline, state = time.time() + 240, None
        while time.time() < deadline:
            runs = api(url, "/flow_runs/filter", {"flow_runs": {"name": {"like_": "scheduled-2024-03"}}})
            state = runs[0]["state"]["type"] if runs else None
            if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                break
            time.sleep(1)
        assert state == "COMPLETED", state
        artifacts = api(url, "/artifacts/filter", {"artifacts": {"key": {"any_": ["briefing-2024-03"]}}})
        assert artifacts and "规上工业产值增速" in artifacts[0]["data"]
        deployments = {d["name"] for d in api(url, "/deployments/filter", {})}
        assert {"monthly-pipeline", "backfill", "forecast-only"} <= deployments
        with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
            value = con.execute("select value from marts.briefing where period = '2024-03-01' "
                                "and indicator_id = 'industrial_output_growth'").fetchone()[0]
        assert value == pytest.approx(round((125 + 50) / (100 + 40) * 100 - 100, 1))
    finally:
        stop(worker)
        stop(server)
