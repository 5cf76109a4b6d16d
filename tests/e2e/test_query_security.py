"""`zonestat query` reads and writes nothing but the warehouse (issue #13 §1).

Two layers, each tested on its own: the CLI refuses anything but one read statement, with a
sentence; and DuckDB's sandbox on the connection refuses the rest even when a statement gets past
the CLI's check. Around both: no file appears, changes or is read outside the warehouse."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.conftest import credit_code, write_csv
from warehouse.build import build
from warehouse.db import connect, init_schema
from warehouse.ingest import load_file
from warehouse.sandbox import open_sandboxed
from zonestat.cli import app

runner = CliRunner()
SECRET = "top-secret-line-7f3a"
B204 = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计(千元)", "工业销售产值(当年价格)本年累计(千元)"]
OUTSIDE_ONLY = "may read nothing but the warehouse"
READ_ONLY = "only read-only queries"
SETTINGS = "may not change settings"
ONE = "one statement per call"


@pytest.fixture
def world(home: Path, tmp_path: Path) -> dict:
    """A warehouse with a loaded and a rejected row, and an 'outside' folder of things to steal or spoil."""
    db = home / "warehouse.duckdb"
    good = write_csv(tmp_path / "in" / "f.csv", B204, [[credit_code(1), "2024-06", "100", "90"],
                                                      [credit_code(2), "2024-06", "abc", "45"]])
    con = connect(db)
    try:
        init_schema(con)
        load_file(con, good)
        build(con)
    finally:
        con.close()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text(f"a,b\n{SECRET},1\n", encoding="utf-8")
    (outside / "secret.json").write_text(f'[{{"a": "{SECRET}"}}]', encoding="utf-8")
    pq.write_table(pa.table({"a": [SECRET]}), outside / "secret.parquet")
    with duckdb.connect(str(outside / "other.duckdb")) as other:
        other.execute("create table z as select 1 as a")
    return {"db": db, "outside": outside, "files": snapshot(tmp_path), "root": tmp_path}


def snapshot(root: Path) -> dict[str, tuple[int, float]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime) for p in root.rglob("*") if p.is_file()}


def attacks(o: Path) -> list[tuple[str, str]]:
    """(SQL, the refusal the user reads); `o` is the outside folder."""
    return [
        (f"select * from read_csv('{o}/secret.csv')", OUTSIDE_ONLY),
        ("select * from read_csv('/etc/passwd')", OUTSIDE_ONLY),
        (f"select * from read_csv(['{o}/secret.csv'])", OUTSIDE_ONLY),
        (f"select * from read_text('{o}/secret.csv')", OUTSIDE_ONLY),
        (f"select * from read_blob('{o}/secret.csv')", OUTSIDE_ONLY),
        ("select * from glob('/root/*')", OUTSIDE_ONLY),
        (f"select * from glob('{o}/*')", OUTSIDE_ONLY),
        (f"select * from read_parquet('{o}/secret.parquet')", OUTSIDE_ONLY),
        (f"select * from parquet_metadata('{o}/secret.parquet')", OUTSIDE_ONLY),
        (f"select * from read_json('{o}/secret.json')", OUTSIDE_ONLY),
        (f"select * from read_json_auto('{o}/secret.json')", OUTSIDE_ONLY),
        (f"select * from sniff_csv('{o}/secret.csv')", OUTSIDE_ONLY),
        (f"from read_text('{o}/secret.csv')", OUTSIDE_ONLY),
        ("select * from read_csv('https://example.com/x.csv')", OUTSIDE_ONLY),
        (f"select * from '{o}/secret.csv'", OUTSIDE_ONLY),   # a path as a table name
        (f"explain analyze copy (select 1) to '{o}/explain.csv'", OUTSIDE_ONLY),
        (f"copy (select * from audit.loads) to '{o}/x.csv'", READ_ONLY),
        (f"copy audit.loads from '{o}/secret.csv'", READ_ONLY),
        (f"export database '{o}/dump'", READ_ONLY),
        (f"attach '{o}/other.duckdb' as other", READ_ONLY),
        ("attach ':memory:' as scratch", READ_ONLY),
        (f"attach '{o}/other.duckdb' as other; update other.z set a = 2", ONE),
        ("attach ':memory:' as m; create table m.t as select 1", ONE),
        (f"select 1; copy (select 1) to '{o}/second.csv'", ONE),
        ("detach warehouse", READ_ONLY),
        ("update audit.loads set status = 'x'", READ_ONLY),
        ("create temp table t as select 1", READ_ONLY),
        ("set enable_external_access = true", READ_ONLY),
        ("reset enable_external_access", READ_ONLY),
        ("set lock_configuration = false", READ_ONLY),
        ("pragma enable_profiling", SETTINGS),
        (f"pragma profiling_output = '{o}/profile.json'", READ_ONLY),   # parsed as a SET
        ("install httpfs", READ_ONLY),
        ("load httpfs", READ_ONLY),
        ("create secret s (type s3, key_id 'k', secret 'v')", READ_ONLY),
        ("select * from query('copy (select 1) to ''x.csv''')", "single SELECT"),
        ("select 1; select 2", ONE),
        ("", "no SQL statement"),
    ]


def test_every_way_out_is_refused_and_nothing_outside_changes(world):
    outside = world["outside"]
    for sql, refusal in attacks(outside):
        result = runner.invoke(app, ["query", sql, "--format", "json"])
        assert result.exit_code == 2, (sql, result.output)
        assert refusal in " ".join(result.output.split()), (sql, result.output)
        assert SECRET not in result.output and "root:" not in result.output, sql
        assert "Traceback" not in result.output, sql
    assert snapshot(world["root"]) == world["files"]   # nothing written, nothing touched
    with duckdb.connect(str(outside / "other.duckdb"), read_only=True) as other:
        assert other.execute("select a from z").fetchall() == [(1,)]


def test_the_sandbox_holds_without_the_cli_check(world):
    """Statements the CLI would refuse, run straight on the sandboxed connection: DuckDB refuses them,
    each for the reason that proves its control is on."""
    o = world["outside"]
    denied, locked, read_only = "disabled by configuration|disabled through configuration", "has been locked", \
        "read-only mode"
    secret_frame = pa.table({"a": [SECRET]})   # noqa: F841 - a Python object a replacement scan could find
    cases = [(f"copy (select 1) to '{o}/x.csv'", denied), (f"copy audit.loads from '{o}/secret.csv'", denied),
             (f"export database '{o}/dump'", denied), (f"attach '{o}/other.duckdb' as other", denied),
             ("install httpfs", denied), ("load httpfs", denied),
             ("create secret s (type s3, key_id 'k', secret 'v')", denied),
             ("create persistent secret p (type http)", denied),
             ("attach ':memory:' as scratch", read_only), ("update audit.loads set status = 'x'", read_only),
             ("set enable_external_access = true", locked), ("reset enable_external_access", locked),
             ("set lock_configuration = false", locked), ("set allowed_directories = ['/']", locked),
             ("set disabled_filesystems = ''", locked), ("set allow_community_extensions = true", locked),
             ("set memory_limit = '100TB'", locked), ("select * from secret_frame", "does not exist")]
    con = open_sandboxed(world["db"])
    try:
        for sql, reason in cases:
            with pytest.raises(duckdb.Error, match=reason):
                con.execute(sql)
        settings = dict(con.execute("select name, value from duckdb_settings() where name in "
                                    "('enable_external_access', 'lock_configuration')").fetchall())
        assert settings == {"enable_external_access": "false", "lock_configuration": "true"}
    finally:
        con.close()
    assert snapshot(world["root"]) == world["files"]


def test_reads_of_the_warehouse_still_work(world):
    """The sandbox keeps the product's own uses: tables, views, macros, DESCRIBE/SHOW/SUMMARIZE, PRAGMA, PIVOT."""
    for sql in ["select count(*) as n from core.industrial_output", "describe audit.loads", "show tables",
                "summarize audit.loads", "pragma database_size", "explain select 1",
                "pivot audit.rejected_rows on form using count(*)", "with x as (select 1 as a) from x"]:
        result = runner.invoke(app, ["query", sql, "--format", "json"])
        assert result.exit_code == 0, (sql, result.output)


def test_out_never_replaces_the_warehouse(world):
    db = world["db"]
    for out in (db, Path(str(db) + ".wal"), db.parent):
        result = runner.invoke(app, ["query", "select 1", "--format", "csv", "--out", str(out)])
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert snapshot(world["root"]) == world["files"]
