"""Every SQL and Python example in the docs runs exactly as written, against the demo zone with
its forecast made (#14 §2): the queries of docs/warehouse.md and docs/scaling.md, and the readers
of the Parquet exports (DuckDB with and without hive partitioning, pyarrow.dataset, pandas,
polars), each returning rows. The exports are readable by the planners' group."""
from __future__ import annotations

import re
import stat
from pathlib import Path

import duckdb
import pytest

from tests.conftest import demo_forecast_copy

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "docs" / "warehouse.md", ROOT / "docs" / "scaling.md"]
BLOCK = re.compile(r"```(sql|python)\n(.*?)```", re.DOTALL)


def examples(kind: str) -> list[tuple[str, str]]:
    out = []
    for doc in DOCS:
        for n, (lang, body) in enumerate(BLOCK.findall(doc.read_text(encoding="utf-8"))):
            if lang == kind:
                out.append((f"{doc.name}#{n}", body))
    return out


@pytest.fixture(scope="module")
def zone(tmp_path_factory):
    """The demo zone with its June forecast (`zonestat demo`, `zonestat forecast --as-of 2024-06`)."""
    return demo_forecast_copy(tmp_path_factory, tmp_path_factory.mktemp("docs") / "zhome")


@pytest.mark.parametrize("name,body", examples("sql"), ids=[n for n, _ in examples("sql")])
def test_sql_examples_run_and_return_rows(zone, monkeypatch, name, body):
    monkeypatch.chdir(zone)              # the examples read exports/ relative to $ZONESTAT_HOME
    with duckdb.connect(str(zone / "warehouse.duckdb"), read_only=True) as con:
        for statement in con.extract_statements(body):
            assert con.execute(statement).fetchall(), f"{name}: no rows from\n{statement.query}"


@pytest.mark.parametrize("name,body", examples("python"), ids=[n for n, _ in examples("python")])
def test_python_examples_run_and_read_rows(zone, monkeypatch, name, body):
    monkeypatch.chdir(zone)
    scope: dict = {}
    exec(compile(body, name, "exec"), scope)
    frames = [v for k, v in scope.items() if not k.startswith("__") and (hasattr(v, "shape") or hasattr(v, "num_rows"))]
    assert frames, f"{name} produced no table"
    for frame in frames:
        rows = frame.num_rows if hasattr(frame, "num_rows") else frame.shape[0]
        assert rows > 0, name


def test_every_reader_opens_the_folders_without_options(zone, monkeypatch):
    import pandas as pd
    import polars as pl
    import pyarrow.dataset as ds

    monkeypatch.chdir(zone)
    for folder in ("exports/indicators", "exports/forecasts/monthly", "exports/forecasts/full_year"):
        with duckdb.connect() as con:
            plain = con.execute(f"select count(*) from read_parquet('{folder}/*.parquet')").fetchone()[0]
            hive = con.execute(f"select count(*) from read_parquet('{folder}/*.parquet', hive_partitioning = true)"
                               ).fetchone()[0]
            anywhere = con.execute("select count(*) from read_parquet('exports/**/*.parquet', union_by_name = true)"
                                   ).fetchone()[0]
        assert plain == hive > 0 and anywhere > plain
        assert ds.dataset(folder, format="parquet").count_rows() == plain
        assert ds.dataset(folder, format="parquet", partitioning="hive").count_rows() == plain
        assert len(pd.read_parquet(folder)) == plain
        assert pl.read_parquet(f"{folder}/*.parquet").height == plain
    with duckdb.connect() as con:   # a date literal finds the month (it did not with period=… folders)
        assert con.execute("select count(*) from read_parquet('exports/indicators/*.parquet', hive_partitioning = "
                           "true) where period = '2024-06-01'").fetchone()[0] > 0


def test_exports_are_readable_by_the_group(zone):
    files = list((zone / "exports").rglob("*.parquet"))
    assert files and all(f.stat().st_mode & stat.S_IRGRP and f.stat().st_mode & stat.S_IROTH for f in files)
