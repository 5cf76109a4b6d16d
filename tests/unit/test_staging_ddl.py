"""The typed staging tables are declared from the contract (warehouse.staging.typed_columns), not
made from the first result of the typing SQL: each declared column and type must be exactly what
that SQL yields, for every form, or a load would cast (or fail) silently."""
from __future__ import annotations

import pytest

from warehouse.db import connect, init_schema
from warehouse.spec import load_contract
from warehouse.staging import typed_columns, typed_sql
from warehouse.typing import BAD_CODES, CHECKED, checked_sql, create_bad_codes

CONTRACT = load_contract()


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = connect(tmp_path_factory.mktemp("ddl") / "w.duckdb")
    init_schema(con)
    yield con
    con.close()


@pytest.mark.parametrize("form", list(CONTRACT.forms.values()), ids=lambda f: f.table)
def test_declared_typed_columns_are_what_the_typing_sql_yields(con, form):
    received = ("select _load_id, _source_file, _source_row, '.' as _decimal, "
                + ", ".join(form.fields) + f" from raw.{form.table}")
    create_bad_codes(con)
    con.execute(f"create or replace temp table {CHECKED} as " + checked_sql(form, received))
    described = con.execute(f"select column_name, lower(column_type) from (describe {typed_sql(form)})",
                            {"first_load": 0, "last_load": 1}).fetchall()
    con.execute(f"drop table {CHECKED}")
    con.execute(f"drop table {BAD_CODES}")
    assert typed_columns(form) == described


@pytest.mark.parametrize("form", list(CONTRACT.forms.values()), ids=lambda f: f.table)
def test_the_warehouse_holds_the_declared_table(con, form):
    held = con.execute("select column_name, lower(data_type) from information_schema.columns "
                       "where table_schema = 'staging' and table_name = ? order by ordinal_position",
                       [f"{form.table}_typed"]).fetchall()
    assert held == typed_columns(form)
