"""Rebuilding core and the mart views from staging: all or nothing, in one explicit order.

Each core table is written beside the live one (core.<table>__next), three at a time on their own
cursors; one short transaction then swaps them all in, creates the views and records the build.
A build killed before the swap leaves core as it was (the next run overwrites the __next tables).
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import yaml

from warehouse.db import read_sql
from warehouse.spec import CONFIG_DIR
from warehouse.staging import replace_view

# A folder is a layer, a file is a table: sql/<schema>/<table>.sql builds <schema>.<table>.
# Staging is typed when a file is loaded (warehouse/staging.py); the build derives core from it.
BUILD_ORDER: list[str] = [
    "core.register_year",
    "core.enterprises",
    "core.industrial_output",
    "core.finance",
    "core.investment",
    "core.trade",
    "marts.measure_facts",
    "marts.scope_units",
]
NEXT = "__next"      # suffix of a core table being written, before the swap
# Built as views: cheap to compute when read, not worth a copy (marts are filtered by period).
VIEWS: set[str] = {
    "core.enterprises",
    "marts.measure_facts",
    "marts.scope_units",
}


def load_industry_map(con: duckdb.DuckDBPyConnection, path: Path = CONFIG_DIR / "industries.yaml") -> None:
    """meta.local_industries and meta.industry_codes from the zone's mapping file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = [(i["id"], i["label_zh"], i["label_en"], bool(i.get("hardware")), n)
            for n, i in enumerate(raw["industries"], start=1)]
    codes = [(str(code).zfill(4), i["id"]) for i in raw["industries"] for code in i.get("codes", [])]
    con.execute("begin transaction")
    try:
        con.execute("create or replace table meta.local_industries (id varchar primary key, label_zh varchar, "
                    "label_en varchar, hardware boolean, sort_order integer)")
        con.executemany("insert into meta.local_industries values (?, ?, ?, ?, ?)", rows)
        con.execute("create or replace table meta.industry_codes (code varchar primary key, local_industry varchar)")
        con.executemany("insert into meta.industry_codes values (?, ?)", codes)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _write_next(con: duckdb.DuckDBPyConnection, name: str) -> None:
    schema, table = name.split(".")
    cursor = con.cursor()
    try:
        # not `preserve_insertion_order = false`, 4% faster here: that setting is global to the
        # database instance and would stay on for every later query of the process
        cursor.execute(f"create or replace table {schema}.{table}{NEXT} as {read_sql(f'{schema}/{table}.sql')}")
    finally:
        cursor.close()


def build(con: duckdb.DuckDBPyConnection, order: list[str] | None = None, workers: int = 3) -> float:
    """Rebuild core and the mart views from staging; all or nothing. Returns the seconds it took.

    Core tables read only staging and meta, never each other, so they can be written side by side:
    three at once keep both cores busy (the register and the two big forms take about as long)."""
    started = time.perf_counter()
    names = order or BUILD_ORDER
    load_industry_map(con)
    tables = [n for n in names if n not in VIEWS]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for done in [pool.submit(_write_next, con, name) for name in tables]:
            done.result()
    con.execute("begin transaction")
    try:
        for name in names:
            schema, table = name.split(".")
            if name in VIEWS:
                replace_view(con, name, read_sql(f"{schema}/{table}.sql"))
            else:
                con.execute(f"drop table if exists {schema}.{table}")
                con.execute(f"alter table {schema}.{table}{NEXT} rename to {table}")
        seconds = time.perf_counter() - started
        con.execute("insert into meta.builds select now()::timestamp, coalesce(max(load_id), 0), ? "
                    "from audit.loads where status = 'loaded'", [seconds])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return seconds


def needs_build(con: duckdb.DuckDBPyConnection) -> bool:
    """True when a load landed after the last completed build (e.g. a run killed mid-way)."""
    row = con.execute("select (select coalesce(max(load_id), 0) from audit.loads where status = 'loaded') > "
                      "(select coalesce(max(max_load_id), -1) from meta.builds)").fetchone()
    return bool(row[0])
