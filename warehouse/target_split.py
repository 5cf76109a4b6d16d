"""The annual target split across local industries (marts.target_split) and the month-by-month
path to it with actuals (marts.target_tracking, a view made by warehouse.marts_schema.ensure_views
like the other views over the forecast marts: which split is in force in a month, the zone's
outlook).

The split needs the forecast's simulated paths, which live only while a forecast is stored, so it
is written in the same transaction (warehouse/forecasts.py `store`) and, like the forecast, marked
stale by a later revision (warehouse/publication.py). The tracking is a view: the months filed
after the as-of month join it as marts.indicator_values is evaluated for them.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

import duckdb

from warehouse.db import read_sql


def store_split(con: duckdb.DuckDBPyConnection, as_of: dt.date,
                replace: Callable[[duckdb.DuckDBPyConnection, str, str, dt.date], None]) -> None:
    """Replace the as-of month's rows of marts.target_split (inside the caller's transaction, with
    the temp tables _fc_paths and _fc_series present)."""
    columns = {r[0] for r in con.execute("select column_name from duckdb_columns() where table_name = '_fc_series'")
               .fetchall()}
    if "split_rule" not in columns:      # a forecast stored without targets: split by last year's base
        con.execute("alter table _fc_series add column split_rule varchar default 'base'")
    replace(con, "target_split", read_sql("marts/target_split.sql"), as_of)
