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
