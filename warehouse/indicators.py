"""Evaluating the indicator catalog for a period into marts.indicator_values (idempotent per period)."""
from __future__ import annotations

import datetime as dt

import duckdb

from warehouse.catalog import write_meta
from warehouse.db import read_sql

MIN_COVERAGE = 0.95

VALUES_DDL = """create table if not exists marts.indicator_values (
    indicator_id varchar not null, period date not null, "window" varchar not null,
    breakdown varchar not null, member varchar not null, value double, unit varchar,
    current_amount double, base_amount double, growth_pct double, contribution_pct double,
    pull_pp double, share_of_total_pct double, growth_2y_avg_pct double, n_in_scope bigint,
    n_filed bigint, coverage_pct double, status varchar not null, alert varchar, detail varchar,
    comparable_amount double, n_without_base bigint, amount_without_base double,
    primary key (indicator_id, period, "window", breakdown, member))"""
# columns added since the first version: warehouses made before get them on the next evaluation
ADDED_COLUMNS = {"comparable_amount": "double", "n_without_base": "bigint", "amount_without_base": "double"}


def evaluate(con: duckdb.DuckDBPyConnection, period: dt.date, min_coverage: float = MIN_COVERAGE) -> int:
    """Replace the period's rows of marts.indicator_values with a fresh evaluation; returns rows."""
    con.execute("begin transaction")
    try:
        write_meta(con)
        con.execute(VALUES_DDL)
        _add_missing_columns(con)
        con.execute("create or replace view marts.briefing as " + read_sql("marts/briefing.sql"))
        con.execute("delete from marts.indicator_values where period = ?", [period])
        con.execute("insert into marts.indicator_values by name " + read_sql("marts/indicator_values.sql"),
                    {"period": period, "min_coverage": min_coverage})
        con.execute("insert into marts.indicator_values by name " + read_sql("marts/indicator_counts.sql"),
                    {"period": period})
        rows = con.execute("select count(*) from marts.indicator_values where period = ?", [period]).fetchone()[0]
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return rows



def _add_missing_columns(con: duckdb.DuckDBPyConnection) -> None:
    have = {r[0] for r in con.execute("select column_name from information_schema.columns where "
                                      "table_schema = 'marts' and table_name = 'indicator_values'").fetchall()}
    for name, sqltype in ADDED_COLUMNS.items():
        if name not in have:
            con.execute(f"alter table marts.indicator_values add column {name} {sqltype}")
