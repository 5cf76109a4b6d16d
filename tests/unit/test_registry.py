"""The one registry of the warehouse's relations (warehouse/registry.py) against the SQL files and
against a real warehouse: nothing is made that is not declared, no SQL file of a layer belongs to
no relation, and the build order follows the declared upstream."""
from __future__ import annotations

import datetime as dt

from tests.conftest import credit_code, write_csv
from warehouse.batch import ingest_paths
from warehouse.build import BUILD_ORDER, VIEWS
from warehouse.db import SQL_DIR, session
from warehouse.indicators import evaluate
from warehouse.marts_schema import declared_columns, declared_statements, ensure_marts
from warehouse.materialize import materialize
from warehouse.registry import STEP_SQL, declared_in, relations


def test_every_sql_file_of_a_layer_belongs_to_a_relation_and_every_relation_sql_exists():
    every = relations()
    declared = {r.sql for r in every.values() if r.sql}
    files = {str(p.relative_to(SQL_DIR)) for layer in ("staging", "core", "marts") for p in (SQL_DIR / layer).iterdir()
             if p.suffix in (".sql", ".j2")}
    assert files - declared - set(STEP_SQL) == set()
    assert {s for s in declared | set(STEP_SQL) if not (SQL_DIR / s).is_file()} == set()
    assert {v for v in STEP_SQL.values() if v in every or v.split(" ")[0] in ("core", "staging")} == set(STEP_SQL.values())


def test_every_upstream_is_declared_and_the_build_order_follows_it():
    every = relations()
    assert {(r.name, u) for r in every.values() for u in r.upstream if u not in every} == set()
    for position, name in enumerate(BUILD_ORDER):
        assert every[name].made_by == "build"
        assert all(BUILD_ORDER.index(u) < position for u in every[name].upstream if u in BUILD_ORDER), name
    assert set(BUILD_ORDER) == {n for n, r in every.items() if r.made_by == "build"}
    assert VIEWS == {n for n in BUILD_ORDER if every[n].kind == "view"}


def test_a_warehouse_holds_exactly_the_declared_relations_of_the_steps_it_ran(tmp_path):
    """Loads, a build, an indicator evaluation and the publication tables: every relation the file
    holds is declared with its kind, and every declared relation of those steps is there."""
    units = [credit_code(100 + i) for i in range(3)]
    files = [write_csv(tmp_path / "名录库_2024.csv", ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码"],
                       [[u, f"单位{i}", 2024, "工业", "是", "3465"] for i, u in enumerate(units)]),
             write_csv(tmp_path / "B204-1_202403.csv", ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计"],
                       [[u, "2024-03", 100 + i] for i, u in enumerate(units)])]
    db = tmp_path / "w.duckdb"
    ingest_paths(db, files, today=dt.date(2024, 7, 1))
    with session(db) as con:
        evaluate(con, dt.date(2024, 3, 1))
        ensure_marts(con)
        held = {f"{s}.{t}": ("view" if kind == "VIEW" else "table") for s, t, kind in con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_catalog = current_database()").fetchall()}
    every = relations()
    assert {n for n in held if n not in every} == set()
    assert {n: k for n, k in held.items() if every[n].kind != k} == {}
    steps = {"init", "load", "build", "catalog", "indicators", "publication", "validation"}
    assert {n for n, r in every.items() if r.made_by in steps} - set(held) == set()


def test_every_table_a_step_writes_into_is_declared_in_a_file_of_sql_init():
    """Tables whose rows come from loads, periods, as-of months, years or the gate have their
    columns declared (the contract, sql/init/*.sql); only the build's and the configuration's
    tables are made whole from their SQL. Every table an init file declares is in the registry."""
    every = relations()
    undeclared = {n for n, r in every.items() if r.kind == "table" and r.ddl is None
                  and r.made_by not in ("build", "catalog")}
    assert undeclared == set()
    assert set(declared_in()) - set(every) == set()
    assert {n for n, r in every.items() if r.ddl == "init/marts.sql"} == set(declared_statements())


def test_materialize_makes_every_declared_relation_of_an_empty_warehouse_and_nothing_else(tmp_path):
    with session(tmp_path / "w.duckdb") as con:
        first = materialize(con)
        held = {f"{s}.{t}": ("view" if kind == "VIEW" else "table") for s, t, kind in con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_catalog = current_database()").fetchall()}
        again = materialize(con)
    assert held == {n: r.kind for n, r in relations().items()}
    assert first.kind == "full" and again.kind == "none"     # the second run finds it current


def test_a_mart_table_made_by_an_earlier_version_is_brought_to_its_declared_columns(tmp_path):
    """Earlier versions made the forecast marts from their first result: a column all NULL there
    got DuckDB's type "NULL", and a later forecast with a value in it could not be stored."""
    with session(tmp_path / "w.duckdb") as con:
        con.execute("create schema marts")
        con.execute("create table marts.forecast_models as select date '2024-06-01' as as_of, 's1' as series_id, "
                    "null as fallback_reason")
        ensure_marts(con)
        types = dict(con.execute("select column_name, data_type from information_schema.columns "
                                 "where table_name = 'forecast_models'").fetchall())
        con.execute("insert into marts.forecast_models by name select date '2024-07-01' as as_of, "
                    "'no backtest: 10 months' as fallback_reason")
        kept = con.execute("select as_of, series_id, fallback_reason from marts.forecast_models order by as_of").fetchall()
    assert types["fallback_reason"] == "VARCHAR" and set(types) == {c for c, _ in declared_columns(con)["marts.forecast_models"]}
    assert kept == [(dt.date(2024, 6, 1), "s1", None), (dt.date(2024, 7, 1), None, "no backtest: 10 months")]


def test_rows_of_other_columns_than_a_mart_declares_are_refused(tmp_path):
    """`insert by name` fills a declared column the rows lack with NULL: a step that stopped
    yielding a column would blank it silently, so the store checks the columns first."""
    import pytest

    from warehouse.marts_schema import check_columns

    with session(tmp_path / "w.duckdb") as con:
        con.execute("create schema marts")
        ensure_marts(con)
        stale = "select date '2024-06-01' as as_of, 'gio' as indicator_id, 'zone' as breakdown, '全区' as member"
        with pytest.raises(RuntimeError, match="lack .*full_year_mean"):
            check_columns(con, "marts.forecast_full_year", stale, {})
        whole = "select " + ", ".join(f"null::{t} as \"{c}\"" for c, t in declared_columns(con)["marts.forecast_full_year"])
        check_columns(con, "marts.forecast_full_year", whole, {})
        with pytest.raises(RuntimeError, match="does not declare"):
            check_columns(con, "marts.forecast_full_year", whole + ", 1 as extra", {})
