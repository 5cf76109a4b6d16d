"""Evaluating the indicator catalog for a period into marts.indicator_values (idempotent per period)."""
from __future__ import annotations

import datetime as dt

import duckdb

from warehouse.catalog import write_meta
from warehouse.db import read_sql
from warehouse.marts_schema import ensure_marts, ensure_views

MIN_COVERAGE = 0.95


def evaluate(con: duckdb.DuckDBPyConnection, period: dt.date, min_coverage: float = MIN_COVERAGE) -> int:
    """Replace the period's rows of marts.indicator_values with a fresh evaluation; returns rows."""
    con.execute("begin transaction")
    try:
        write_meta(con)
        ensure_marts(con)
        ensure_views(con)
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

