"""Making the warehouse: every relation of the registry (warehouse/registry.py), in its order.

1. the declared tables (warehouse.db.init_schema): schemas, audit and meta, raw and typed staging
   per form with the staging views, the mart tables (sql/init/*.sql and the contract);
2. the configuration as tables: the indicator catalog (meta.indicators) and, with a full build,
   the industry map;
3. core and the mart views of the build (warehouse.refresh: what the loads since the last build
   touched, or everything when the build's SQL changed, core is missing or `full`);
4. the views over the mart tables (warehouse.marts_schema.ensure_views).

The rows of the mart tables are a period's, an as-of month's or a year's and are written by those
steps (warehouse.indicators, .publication, .forecasts, .evaluation) into the declared tables;
making the warehouse does not run them. Safe to re-run: what is current is left as it is.
"""
from __future__ import annotations

import datetime as dt

import duckdb

from warehouse.catalog import write_meta
from warehouse.db import init_schema
from warehouse.marts_schema import ensure_views
from warehouse.refresh import Rebuild, Refresh
from warehouse.spec import Contract, load_contract


def materialize(con: duckdb.DuckDBPyConnection, contract: Contract | None = None, *, declared: bool = False,
                touched: dict[str, list[dt.date]] | None = None, full: bool = False,
                rebuild: Rebuild | None = None, workers: int = 3) -> Refresh:
    """Bring every relation of the warehouse up to date, in order (the module docstring).
    `declared`: the caller has run step 1 on this connection already (a batch of loads does it
    before its first load); `touched` and `full` go to warehouse.refresh, or `rebuild` is the
    refresh the caller began (a batch builds tables while its files load) and this finishes it,
    up to `workers` tables side by side. Returns the refresh."""
    contract = contract or load_contract()
    if not declared:
        init_schema(con, contract)
    write_meta(con)
    refreshed = (rebuild or Rebuild(con, contract, touched, full)).finish(con, workers)
    ensure_views(con)
    return refreshed
