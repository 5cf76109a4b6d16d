"""The analysts' copy: a read-only snapshot of the warehouse that the pipeline replaces atomically.

DuckDB allows one writer per file, and a reader of the warehouse file itself can make a run wait
or fail. So after each successful run the pipeline publishes what analysts query (core, marts,
audit and meta, not raw or staging) as Parquet files in a new folder
`$ZONESTAT_HOME/published/<snapshot>/`, writes a small DuckDB file of views over them, and renames
it over `$ZONESTAT_HOME/analyst.duckdb`. A reader that has the old file open keeps seeing the old
snapshot (its folder is kept until KEEP newer ones exist); a reader that opens the file again sees
the new one; nobody ever sees half a run, and no reader blocks the pipeline.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

SCHEMAS = ("core", "marts", "audit", "meta")
SKIP = {("meta", "prior_industrial_output"), ("meta", "prior_finance"), ("meta", "prior_investment"),
        ("meta", "prior_trade"), ("marts", "measure_facts"), ("marts", "scope_units")}
KEEP = 3            # snapshot folders kept: readers of an older analyst.duckdb still find their files
ANALYST_DB = "analyst.duckdb"


@dataclass(frozen=True)
class Snapshot:
    folder: Path
    database: Path
    tables: int
    rows: int
    seconds: float


def _lit(path: Path) -> str:
    """A path as a SQL string literal (paths come from the settings, never from SQL input)."""
    return "'" + str(path).replace("'", "''") + "'"


def _relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    rows = con.execute("select table_schema, table_name from information_schema.tables "
                       "where list_contains(?, table_schema) and table_name not like '%\\_\\_next' escape '\\' "
                       "order by 1, 2", [list(SCHEMAS)]).fetchall()
    return [(s, t) for s, t in rows if (s, t) not in SKIP]


def _export(con: duckdb.DuckDBPyConnection, folder: Path) -> tuple[list[tuple[str, str, Path]], int]:
    """Every relation of SCHEMAS (views materialised) as one zstd Parquet file; (files, rows)."""
    files, rows = [], 0
    for schema, table in _relations(con):
        target = folder / f"{schema}.{table}.parquet"
        con.execute(f'copy (select * from "{schema}"."{table}") to {_lit(target)} (format parquet, compression zstd)')
        rows += con.execute(f"select count(*) from read_parquet({_lit(target)})").fetchone()[0]
        files.append((schema, table, target))
    return files, rows


def _views(database: Path, files: list[tuple[str, str, Path]]) -> None:
    """A DuckDB file holding only views over the snapshot's files (absolute paths)."""
    con = duckdb.connect(str(database), config={"autoinstall_known_extensions": False})
    try:
        for schema in SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
        for schema, table, target in files:
            con.execute(f'create view "{schema}"."{table}" as select * from read_parquet({_lit(target)})')
        con.execute("create schema if not exists zonestat")
        con.execute("create table zonestat.snapshot as select now()::timestamp as published_at, "
                    "? as folder", [str(database.parent)])
    finally:
        con.close()


def publish_snapshot(con: duckdb.DuckDBPyConnection, home: Path, label: str = "") -> Snapshot:
    """Export, write the views file, swap it in, prune old snapshots. `con` reads the warehouse."""
    started = time.perf_counter()
    published = Path(home) / "published"
    name = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f") + (f"-{label}" if label else "")
    folder = published / name
    folder.mkdir(parents=True)
    try:
        files, rows = _export(con, folder)
        staged = folder / ANALYST_DB
        _views(staged, files)
        os.replace(staged, Path(home) / ANALYST_DB)        # readers see the old file or the new one
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _prune(published)
    return Snapshot(folder, Path(home) / ANALYST_DB, len(files), rows, time.perf_counter() - started)


def _prune(published: Path) -> None:
    folders = sorted(p for p in published.iterdir() if p.is_dir())
    for old in folders[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
