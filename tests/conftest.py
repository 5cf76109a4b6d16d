"""Shared fixtures: an isolated ZONESTAT_HOME per test, telemetry off, small file builders."""
from __future__ import annotations

import csv
import os
import random
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # as the CLI does: forecasts independent of BLAS threading
os.environ["COLUMNS"] = "250"  # wide tables: assertions read whole lines

from warehouse.codes import check_char  # noqa: E402


def credit_code(seed: int) -> str:
    """A valid unified social credit code, deterministic in `seed`."""
    rng = random.Random(seed)
    body = "91330784" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + check_char(body)


def write_csv(path: Path, headers: list[str], rows: list[list], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh ZONESTAT_HOME for the test (and no ZONESTAT_DB override)."""
    path = tmp_path / "zhome"
    monkeypatch.setenv("ZONESTAT_HOME", str(path))
    monkeypatch.delenv("ZONESTAT_DB", raising=False)
    return path


@pytest.fixture
def con(tmp_path):
    """A real DuckDB warehouse file with the schema created."""
    from warehouse.db import connect, init_schema

    connection = connect(tmp_path / "test.duckdb")
    init_schema(connection)
    yield connection
    connection.close()


def run_zonestat(home: Path, *args: str, timeout: int = 600) -> None:
    """A zonestat command in its own process with `home` as ZONESTAT_HOME (and Prefect's home in
    it), as a user runs it: Prefect's log handlers would outlive a CliRunner's captured streams."""
    import subprocess
    import sys

    env = {**os.environ, "ZONESTAT_HOME": str(home), "PREFECT_HOME": str(home / "prefect")}
    env.pop("ZONESTAT_DB", None)
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run([sys.executable, "-m", "zonestat", *args], cwd=Path(__file__).resolve().parents[1], env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (args, done.stdout[-1000:], done.stderr[-2000:])


def demo_forecast_copy(tmp_path_factory, home: Path) -> Path:
    """`home` made a home of its own holding the demo zone as `zonestat demo` then `zonestat forecast
    --as-of 2024-06` leave it. The two commands run once per test run, into a folder the pytest
    workers share (the first takes a lock and builds it, the others wait); each caller gets a copy
    (whose commands publish into its own exports folder, as a moved home does)."""
    import fcntl
    import shutil

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    cache = shared / "demo-forecast-2024-06" / "zhome"
    with open(shared / "demo-forecast-2024-06.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cache.parent / "done").exists():
            shutil.rmtree(cache, ignore_errors=True)
            run_zonestat(cache, "demo")
            run_zonestat(cache, "forecast", "--as-of", "2024-06")
            (cache.parent / "done").touch()
    shutil.copytree(cache, home, ignore=shutil.ignore_patterns("prefect"))
    return home


@pytest.fixture
def demo_forecast_home(tmp_path, tmp_path_factory) -> Path:
    """A home of its own holding the demo zone and its June forecast (demo_forecast_copy)."""
    return demo_forecast_copy(tmp_path_factory, tmp_path / "zhome")
