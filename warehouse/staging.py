"""The staging layer: each accepted raw row typed once, when its file is loaded.

`staging.<form>_typed` holds every accepted revision, typed and in the form's unit; it is filled
inside the load's transaction (sql/staging/typed.sql.j2, rendered from the contract, over that
load's rows, which the row checks typed in `_checked`), so a build never re-types history. `staging.<form>` is a view,
generated from the contract (the form's key), picking the version of each key that counts by
what the filings say about themselves (warehouse/revisions.py), never by load order. When the
typing SQL changes (a new zonestat version), the typed tables are re-derived from raw.
"""
from __future__ import annotations

import hashlib

import duckdb

from warehouse.db import columns_ddl, read_sql, render_sql, sql_literal
from warehouse.spec import Contract, FieldSpec, FormSpec
from warehouse.typing import BAD_CODES, CHECKED, checked_sql, create_bad_codes

_LAST = 2**62      # "every load" as the upper bound of a load-id range
# the SQL type of a field's staging value, by the field's type in the contract (what typed_sql
# yields; tests/unit/test_staging_ddl.py checks each against DuckDB's own description of it)
STAGING_TYPES = {"id": "varchar", "period": "date", "text": "varchar", "money": "double", "number": "double",
                 "int": "bigint", "bool": "boolean", "date": "date", "year": "integer"}
LINEAGE = ("_load_id", "_source_file", "_source_row")
LINEAGE_TYPES = ("bigint", "varchar", "integer")


def _column_sql(field: FieldSpec) -> str:
    """The staging value of a field from its typed value t_<field>: money in the form unit,
    spellings mapped to their value, an empty cell's default (a code is padded by its typing)."""
    value = f"t_{field.name}"
    if field.type == "money":
        return f"{value} * f_{field.name}"
    if field.codes:
        whens = [f"when {value} is null then {sql_literal(field.default)}"] if field.default is not None else []
        whens += [f"when lower({value}) in ({', '.join(sql_literal(s) for s in spellings)}) then {sql_literal(code)}"
                  for code, spellings in field.codes]
        return "case " + " ".join(whens) + f" else lower({value}) end"
    if field.default is not None:
        return f"coalesce({value}, {sql_literal(field.default)})"
    return value


def typed_sql(form: FormSpec) -> str:
    """staging.<form>_typed's rows of the loads $first_load..$last_load (sql/staging/typed.sql.j2)."""
    return render_sql("staging/typed.sql.j2", table=form.table, factors=form.money_fields,
                      columns=[(_column_sql(f), f.staging_column) for f in form.fields.values()])


def typed_columns(form: FormSpec) -> list[tuple[str, str]]:
    """staging.<form>_typed's columns and their SQL types, declared from the contract: each field's
    staging column, then the lineage."""
    return [(f.staging_column, STAGING_TYPES[f.type]) for f in form.fields.values()] + list(zip(LINEAGE, LINEAGE_TYPES))


def typed_ddl(form: FormSpec, identifiers: set[str]) -> str:
    """The typed table, empty, declared from the contract; its identifiers (credit codes, project
    ids) stored with zstd, as warehouse.db.create_table_as stores them in core."""
    return f"create or replace table staging.{form.table}_typed ({columns_ddl(typed_columns(form), identifiers)})"


def _fingerprint(form: FormSpec) -> str:
    """What the typed rows and the view depend on: their SQL, the contract's typing and the macros
    (the declared columns follow from the same fields: tests/unit/test_staging_ddl.py)."""
    text = typed_sql(form) + checked_sql(form, "") + read_sql("init/macros.sql")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def replace_view(con: duckdb.DuckDBPyConnection, name: str, body: str, tables: set[str] | None = None) -> None:
    """create or replace view, also where an earlier version kept a table of that name (`tables`:
    the base tables of the schema, when the caller has them)."""
    schema, table = name.split(".")
    if tables is None:
        tables = base_tables(con, schema)
    if table in tables:
        con.execute(f"drop table {schema}.{table}")
    con.execute(f"create or replace view {schema}.{table} as {body}")


def base_tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    return {r[0] for r in con.execute("select table_name from information_schema.tables where table_schema = ? "
                                      "and table_type = 'BASE TABLE' and table_catalog = current_database()",
                                      [schema]).fetchall()}


def ensure_staging(con: duckdb.DuckDBPyConnection, contract: Contract) -> list[str]:
    """Create the typed tables (declared from the contract) and the views, inside the caller's
    transaction; re-type from raw any table whose typing changed. Returns the tables re-typed."""
    stored = dict(con.execute("select table_name, fingerprint from meta.staging_typing").fetchall())
    retyped = []
    for form in contract.forms.values():
        table, fingerprint = form.table, _fingerprint(form)
        if stored.get(table) == fingerprint:
            continue
        con.execute(typed_ddl(form, contract.identifiers))
        if con.execute(f"select exists (select 1 from raw.{table})").fetchone()[0]:
            _retype(con, form)
            retyped.append(table)
        con.execute("insert or replace into meta.staging_typing values (?, ?, now()::timestamp)",
                    [table, fingerprint])
    tables = base_tables(con, "staging")
    for form in contract.forms.values():
        replace_view(con, f"staging.{form.table}", latest_view_sql(form), tables)
    return retyped


def _retype(con: duckdb.DuckDBPyConnection, form: FormSpec) -> None:
    """Every row of raw.<form> typed again into the (empty) typed table."""
    every = {"first_load": 0, "last_load": _LAST}
    create_bad_codes(con)       # none: a row whose code failed at its load is left out anyway
    received = ("select r._load_id, r._source_file, r._source_row, coalesce(l.decimal_mark, '.') as _decimal, "
                + ", ".join(f"r.{f}" for f in form.fields)
                + f" from raw.{form.table} as r left join audit.loads as l on l.load_id = r._load_id "
                "where r._load_id between $first_load and $last_load")
    con.execute(f"create or replace temp table {CHECKED} as " + checked_sql(form, received), every)
    con.execute(f"insert into staging.{form.table}_typed by name {typed_sql(form)}", every)
    con.execute(f"drop table {CHECKED}")
    con.execute(f"drop table {BAD_CODES}")


def latest_view_sql(form: FormSpec) -> str:
    """The view of the version of each key that counts (docs/input-format.md, "Corrections"): the
    highest revision of its file, then the latest period the file was received for, then the
    content (so any order of loading gives the same figures), then the load (lineage only: equal
    content). Generated from the contract's key and the typed table's columns; `revisions`
    counts the versions of the key.

    The precedence is one 128-bit number (revision, received month, content hash, load id, from
    the high bits down), so picking the winner is a max; joining back on the key lets a filter on
    the key (e.g. the period a build reads) reach the typed table, not only the final rows."""
    table = form.table
    content = ", ".join(f"t.{c}" for c, _ in typed_columns(form) if c not in LINEAGE)
    key = ", ".join(f"t.{k}" for k in form.key)
    on = " and ".join(f"r.{k} = t.{k}" for k in form.key)
    return f"""
with typed as not materialized (
    select * from staging.{table}_typed
),

ranked as (
    select
        {key},
        max((least(coalesce(p.revision, 0), 255)::uhugeint << 120)
            + (coalesce(year(p.received_period) * 12 + month(p.received_period), 0)::uhugeint << 104)
            + (hash({content})::uhugeint << 40)
            + t._load_id::uhugeint) as precedence,
        count(*) as revisions
    from typed as t
    left join audit.load_precedence as p on p.load_id = t._load_id
    group by all
)

select t.*, r.revisions
from typed as t
join ranked as r
    on {on} and (r.precedence & 1099511627775::uhugeint) = t._load_id::uhugeint
"""


def type_load(con: duckdb.DuckDBPyConnection, form: FormSpec, load_id: int) -> None:
    """The accepted rows of one load (typed in `_checked`) into staging.<table>_typed."""
    con.execute(f"insert into staging.{form.table}_typed {typed_sql(form)}",
                {"first_load": load_id, "last_load": load_id})
