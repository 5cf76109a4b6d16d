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
from warehouse.publication import ensure_tables
from warehouse.registry import STEP_SQL, relations


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
        ensure_tables(con)
        held = {f"{s}.{t}": ("view" if kind == "VIEW" else "table") for s, t, kind in con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_catalog = current_database()").fetchall()}
    every = relations()
    assert {n for n in held if n not in every} == set()
    assert {n: k for n, k in held.items() if every[n].kind != k} == {}
    steps = {"init", "load", "build", "catalog", "indicators", "publication", "validation"}
    assert {n for n, r in every.items() if r.made_by in steps} - set(held) == set()
