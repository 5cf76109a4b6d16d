"""Opening the warehouse file and creating its fixed structure."""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Collection, Iterator

import duckdb

from warehouse.errors import NotAWarehouse, WarehouseBusy, WarehouseError  # noqa: F401 - re-exported
from warehouse.holders import describe_process, holder_pid
from warehouse.spec import Contract, FormSpec, load_contract

SQL_DIR = Path(__file__).resolve().parent / "sql"
# No checkpoint vacuum: it merged the partial row groups that each month's appends leave, a few
# months' worth at a time, so one month in three or four paid 0.3-0.9 s more at its commit (the
# months benchmark's 40-50% spread). Off on every connection, nobody pays it later either: the
# file grows 66.1 MiB a month against 64.6 and the indicator catalog is as fast (docs/scaling.md,
# "The vacuum off"). Deleted rows fared the same with and without it in a delete-and-rewrite test.
_CONFIG = {"autoinstall_known_extensions": False, "max_vacuum_tasks": 0}
RAW_TEXT_COMPRESSION = " using compression zstd"
# typing macros (staging's fingerprint includes them) and the core layer's month derivation
MACRO_FILES = ("init/macros.sql", "init/core_macros.sql")
log = logging.getLogger(__name__)


def connect(path: Path | str, read_only: bool = False, wait_seconds: float | None = None,
            config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """A connection with extension auto-install off (no network) and the macros defined.

    When another process holds the file, waits up to `wait_seconds` (default: the setting
    ZONESTAT_LOCK_WAIT) and then raises WarehouseBusy naming that process. `config` adds DuckDB
    settings to the connection (the query sandbox)."""
    target = str(path)
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = _open(target, read_only, {**_CONFIG, **(config or {})}, wait_seconds)
    text = "".join(read_sql(name) for name in MACRO_FILES)
    con.execute("begin transaction")      # one commit for every macro, not one each
    con.execute(text if not read_only else text.replace("create or replace macro", "create or replace temp macro"))
    con.execute("commit")
    return con


def _open(target: str, read_only: bool, config: dict, wait_seconds: float | None) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, retried while another process holds the file's lock."""
    if wait_seconds is None:
        from zonestat.settings import lock_wait_seconds

        wait_seconds = lock_wait_seconds()
    deadline, warned = time.monotonic() + wait_seconds, False
    while True:
        try:
            return duckdb.connect(target, read_only=read_only, config=dict(config))
        except duckdb.IOException as err:
            message = str(err)
            if "not a valid DuckDB database" in message or "Is a directory" in message:
                raise NotAWarehouse(f"{target} is not a zonestat warehouse (不是 DuckDB 仓库文件); check "
                                    "ZONESTAT_DB / ZONESTAT_HOME") from None
            if "lock" not in message.lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(busy_message(target, message, wait_seconds)) from None
            if not warned:
                log.warning("仓库正被占用, 等待中 the warehouse %s is in use; waiting up to %g s "
                            "(ZONESTAT_LOCK_WAIT)", target, wait_seconds)
                warned = True
            time.sleep(min(0.25, max(0.0, deadline - time.monotonic())))


def busy_message(target: str, duckdb_message: str, waited: float) -> str:
    pid = holder_pid(duckdb_message)
    who = describe_process(pid) if pid else "another process (另一进程)"
    return (f"仓库正被占用 the warehouse {target} is in use by {who}; waited {waited:g} s "
            f"(ZONESTAT_LOCK_WAIT). Try again when it has finished (请待其结束后重试).")


@contextmanager
def session(path: Path | str, read_only: bool = False, **options) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection, closed on exit (DuckDB allows one writer per file); `options` go
    to connect()."""
    con = connect(path, read_only=read_only, **options)
    try:
        yield con
    finally:
        con.close()


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: dict | list | None = None) -> list[dict]:
    """Run a query and return its rows as dicts keyed by column name."""
    cur = con.execute(sql, params if params is not None else [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def read_sql(relative: str, root: Path = SQL_DIR) -> str:
    """A SQL file of the warehouse (sql/<layer>/<name>.sql), or of another part's `root`
    (expectations/sql, report/sql): each part keeps its own queries."""
    return (root / relative).read_text(encoding="utf-8")


def render_sql(relative: str, root: Path = SQL_DIR, **context: object) -> str:
    """A SQL template (`<layer>/<name>.sql.j2`: one file that builds a table per form) rendered
    with `context`; a name the template uses and `context` lacks is an error, not an empty string.
    Only names checked by the contract (warehouse/spec.py) and quoted literals reach the text."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = _JINJA.get(root)
    if env is None:
        env = _JINJA[root] = Environment(loader=FileSystemLoader(root), undefined=StrictUndefined,
                                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                         autoescape=False)
    return env.get_template(relative).render(**context)


_JINJA: dict[Path, object] = {}


def sql_literal(value: object) -> str:
    """A Python value as a SQL literal (contract defaults and codes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def create_table_as(con: duckdb.DuckDBPyConnection, name: str, sql: str, params: dict | list | None = None,
                    zstd: Collection[str] = ()) -> None:
    """`create or replace table name as sql`, with the VARCHAR columns named in `zstd` stored with
    zstd. Those are identifiers, a different string on almost every row: DuckDB's default analysis
    (dictionary, FSST) finds nothing to share in them and costs a quarter of the table's write;
    zstd stores them as small, a quarter faster (docs/scaling.md, "Storage")."""
    if not zstd:
        con.execute(f"create or replace table {name} as {sql}", params)
        return
    columns = con.execute(f"select column_name, column_type from (describe {sql})", params).fetchall()
    con.execute(f"create or replace table {name} ({columns_ddl(columns, zstd)})")
    con.execute(f"insert into {name} {sql}", params)


def columns_ddl(columns: Collection[tuple[str, str]], zstd: Collection[str] = ()) -> str:
    """The column list of a create table: (name, type) pairs, the VARCHAR columns named in `zstd`
    stored with zstd (see create_table_as)."""
    return ", ".join(f'"{c}" {t}' + (" using compression zstd" if c in zstd and t.upper() == "VARCHAR" else "")
                     for c, t in columns)


def raw_zstd(form: FormSpec) -> set[str]:
    """The raw columns stored with zstd: a form's fields whose text differs on most rows (codes,
    the unit of its key, amounts, dates, fields marked `varied`). Those of a few values a file (a
    period, a year, a yes/no, a code list, a padded or other short text) keep DuckDB's dictionary,
    which writes them faster: 22-34 ms against 31-49 ms a column of 230,000 rows, where zstd
    writes a name column in 68 ms against 142 (docs/scaling.md, "Storage")."""
    return {f.name for f in form.fields.values()
            if f.type in ("id", "money", "number", "int", "date") or f.varied
            or (f.name in form.key and f.type not in ("period", "year"))}


def raw_columns(form: FormSpec) -> list[tuple[str, str]]:
    """Raw keeps every received value as text, plus the lineage columns."""
    lineage = [("_load_id", "bigint"), ("_source_file", "varchar"), ("_source_row", "integer"),
               ("_loaded_at", "timestamp"), ("_extra", "map(varchar, varchar)")]
    return lineage + [(name, "varchar") for name in form.fields]


def _move_units(con: duckdb.DuckDBPyConnection, form: FormSpec) -> None:
    """Warehouses made by earlier versions kept each row's unit factors in raw.<form>._units; they live
    once per load in audit.load_columns.factor. Move them there and drop the column."""
    con.execute(f"""update audit.load_columns as c set factor = u.factor
                    from (select distinct _load_id as load_id, unnest(map_keys(_units)) as field,
                                 unnest(map_values(_units)) as factor from raw.{form.table}) as u
                    where c.load_id = u.load_id and c.field = u.field and c.factor is null""")
    con.execute(f"alter table raw.{form.table} drop column _units")


def init_schema(con: duckdb.DuckDBPyConnection, contract: Contract | None = None) -> None:
    """Create every declared table, in one transaction; safe to rerun: schemas, audit and meta
    (sql/init/*.sql), raw and typed staging per form with the staging views (from the contract),
    and the mart tables (sql/init/marts.sql). What derives from them is warehouse.materialize's."""
    contract = contract or load_contract()
    con.execute("begin transaction")
    try:
        con.execute(read_sql("init/schema.sql"))
        con.execute(read_sql("init/validation.sql"))
        existing: dict[str, set[str]] = {}
        for table, column in con.execute("select table_name, column_name from information_schema.columns "
                                         "where table_schema = 'raw'").fetchall():
            existing.setdefault(table, set()).add(column)
        for form in contract.forms.values():
            # received text is written once, by the load, and read rarely (re-typing, audits): zstd
            # writes it about 1.6x faster than DuckDB's default dictionary/FSST, for a file about
            # 1.7x larger (raw: 32.8 MiB a month at 200k enterprises against 18.9; docs/scaling.md,
            # "Storage"), where the text differs on most rows (raw_zstd); tables made by earlier
            # versions keep their compression.
            zstd = raw_zstd(form)
            cols = ", ".join(f"{name} {sqltype}{RAW_TEXT_COMPRESSION if name in zstd else ''}"
                             for name, sqltype in raw_columns(form))
            con.execute(f"create table if not exists raw.{form.table} ({cols})")
            for name, sqltype in raw_columns(form):    # a field added to the contract since
                if form.table in existing and name not in existing[form.table]:
                    con.execute(f"alter table raw.{form.table} add column {name} {sqltype}")
            if "_units" in existing.get(form.table, ()):
                _move_units(con, form)
        from warehouse.marts_schema import ensure_marts
        from warehouse.revisions import backfill_precedence
        from warehouse.staging import ensure_staging   # here: these modules import this one
        ensure_staging(con, contract)
        ensure_marts(con)
        backfill_precedence(con, {f.code: (f.table, "period" not in f.fields) for f in contract.forms.values()})
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
