"""The mart tables as declared in sql/init/marts.sql, a warehouse made by an earlier version
brought to them, and the views over them.

Every mart table is declared with its columns, so a warehouse has them from its first connection
and each step that writes rows (a period's indicators, an as-of month's forecast, a year's
evaluation) inserts into the declared shape. Earlier versions created the forecast marts from
their first result: a column all NULL in it (a model choice without a fallback reason) took
DuckDB's type "NULL", and a later forecast with a reason could not be stored.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache

import duckdb

from warehouse.db import read_sql
from warehouse.registry import mart_views, relations

DDL_FILE = "init/marts.sql"
_CREATE = re.compile(r"^create table if not exists (marts\.\w+)", re.IGNORECASE | re.MULTILINE)


@cache
def declared_statements() -> dict[str, str]:
    """schema.table -> its create statement (`create table if not exists`), in file order."""
    statements = [s.strip() for s in read_sql(DDL_FILE).split(";")]
    return {m.group(1): s for s in statements if (m := _CREATE.search(s))}


def declared_columns(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[tuple[str, str], ...]]:
    """schema.table -> its declared (column, type) pairs, as DuckDB spells the types, in order:
    each statement run once per process as a temp table of `con` (inside its transaction, if
    any), read and dropped; 10 ms where a scratch database took 30."""
    if _DECLARED:
        return _DECLARED
    temp = {name: f"zs_declared_{name.split('.')[1]}" for name in declared_statements()}
    for name, statement in declared_statements().items():
        con.execute(statement.replace(f"create table if not exists {name}", f"create or replace temp table {temp[name]}"))
    rows = con.execute("select table_name, column_name, data_type from duckdb_columns() where database_name = 'temp' "
                       "and list_contains(?, table_name) order by table_name, column_index", [list(temp.values())]).fetchall()
    for name in temp.values():
        con.execute(f"drop table temp.main.{name}")
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, sqltype in rows:
        out.setdefault(table, []).append((column, sqltype))
    _DECLARED.update({name: tuple(out[temp[name]]) for name in declared_statements()})
    return _DECLARED


_DECLARED: dict[str, tuple[tuple[str, str], ...]] = {}


def ensure_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Create the declared mart tables that are missing (inside the caller's transaction, if any),
    and bring a table made by an earlier version to its declared columns: a missing column is
    added, a column of type "NULL" gets its declared type. Other differences are left to the step
    that owns the table (warehouse.evaluation replaces a mart of other columns whole). The tables
    of a warehouse file are brought to their columns once per process."""
    path = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()[0]
    if path in _CURRENT:
        con.execute(read_sql(DDL_FILE))
        return
    held: dict[str, dict[str, str]] = {}
    for table, column, sqltype in con.execute("select table_name, column_name, data_type from "
                                              "information_schema.columns where table_schema = 'marts' "
                                              "and table_catalog = current_database()").fetchall():
        held.setdefault(f"marts.{table}", {})[column] = sqltype
    con.execute(read_sql(DDL_FILE))
    for name, columns in declared_columns(con).items() if held else ():    # a new warehouse: as declared
        have = held.get(name)
        for column, sqltype in columns if have else ():
            if column not in have:
                con.execute(f'alter table {name} add column "{column}" {sqltype}')
            elif have[column].strip('"').upper() == "NULL":
                con.execute(f'alter table {name} alter column "{column}" type {sqltype}')
    if path:
        _CURRENT.add(path)


_CURRENT: set[str] = set()     # warehouse files whose mart tables this process has brought to their columns


def check_columns(con: duckdb.DuckDBPyConnection, name: str, select_sql: str, params: dict) -> None:
    """Raise if a step's rows for mart `name` have other columns than it declares: `insert by name`
    would fill a column the step no longer yields with NULL, silently."""
    got = [d[0] for d in con.execute(f"select * from ({select_sql}) limit 0", params).description]
    want = [c for c, _ in declared_columns(con)[name]]
    if sorted(got) != sorted(want):
        raise RuntimeError(f"{name}: the rows have columns {sorted(set(got) - set(want))} the table does not "
                           f"declare and lack {sorted(set(want) - set(got))} (warehouse/sql/{DDL_FILE})")


def recreate(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a mart table and create it again as declared (empty)."""
    con.execute(f"drop table if exists {name}")
    con.execute(declared_statements()[name])


def ensure_views(con: duckdb.DuckDBPyConnection, names: Collection[str] | None = None) -> list[str]:
    """(Re)create the views over the mart tables (the briefing, the split in force, the zone's
    outlook, the tracking of the target; or those of them in `names`), each after what it reads,
    from its SQL file; a view whose inputs a warehouse does not hold yet (core before its first
    build) is left for later. Returns the views made."""
    every = relations()
    held = {f"{s}.{t}" for s, t in con.execute("select table_schema, table_name from information_schema.tables "
                                               "where table_catalog = current_database()").fetchall()}
    made = []
    for name in (n for n in mart_views() if names is None or n in names):
        if all(u in held for u in every[name].upstream):
            con.execute(f"create or replace view {name} as " + read_sql(every[name].sql))
            held.add(name)
            made.append(name)
    return made
