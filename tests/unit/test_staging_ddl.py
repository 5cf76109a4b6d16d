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


def _zstd_columns(con, schema: str, table: str) -> set[str]:
    """Columns of a table whose VARCHAR segments DuckDB stored with zstd, after a checkpoint."""
    con.execute("checkpoint")
    return {c for c, in con.execute(
        f"select distinct column_name from pragma_storage_info('{schema}.{table}') "
        "where segment_type = 'VARCHAR' and compression = 'ZSTD'").fetchall()}


def test_varied_text_and_identifiers_are_stored_with_zstd_and_few_valued_text_is_not(tmp_path):
    """What differs on most rows (credit codes, names, phones: `varied` in forms.yaml) is written
    with zstd in raw, staging and core; text of a few values a file (a year, a yes/no, a code)
    keeps DuckDB's dictionary, which writes it faster (warehouse.db.raw_zstd)."""
    from warehouse.db import raw_zstd

    form = CONTRACT.forms["register"]
    assert {f.name for f in form.fields.values() if f.varied} == {"enterprise_name", "contact_person",
                                                                   "contact_phone"}
    con = connect(tmp_path / "w.duckdb")
    try:
        init_schema(con)
        fields = list(form.fields)
        values = {"enterprise_id": "'91330784' || lpad(i::varchar, 10, '0')", "enterprise_name": "'公司' || i",
                  "year": "'2024'", "unit_type": "'工业'", "above_scale": "'是'", "industry_code": "'3854'",
                  "sei_flag": "'否'", "land_area_mu": "(i % 97)::varchar", "contact_phone": "'1380000' || i"}
        con.execute(f"insert into raw.register (_load_id, _source_file, _source_row, {', '.join(fields)}) "
                    f"select 1, 'r.csv', i, {', '.join(values.get(f, 'null') for f in fields)} from range(3000) t(i)")
        stored = _zstd_columns(con, "raw", "register")
        assert stored == raw_zstd(form)
        assert {"enterprise_name", "contact_person", "contact_phone", "enterprise_id", "land_area_mu"} <= raw_zstd(form)
        assert not raw_zstd(form) & {"year", "unit_type", "above_scale", "industry_code", "sei_flag", "sub_area"}
        con.execute("insert into staging.register_typed (enterprise_id, enterprise_name, year, unit_type, "
                    "contact_phone, _load_id, _source_file, _source_row) select '91330784' || lpad(i::varchar, 10, "
                    "'0'), '公司' || i, 2024, 'industry', '1380000' || i, 1, 'r.csv', i from range(3000) t(i)")
        assert _zstd_columns(con, "staging", "register_typed") == {"enterprise_id", "enterprise_name", "contact_person",
                                                                   "contact_phone"}
    finally:
        con.close()
