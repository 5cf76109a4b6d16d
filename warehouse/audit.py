"""Read-side of the audit trail: what loads did and what the core layer holds."""
from __future__ import annotations

import duckdb

from warehouse.db import fetch_dicts as _rows, read_sql


def load_summary(con: duckdb.DuckDBPyConnection, load_ids: list[int]) -> list[dict]:
    return _rows(con, read_sql("reports/load_summary.sql"), {"load_ids": load_ids})


def rejection_reasons(con: duckdb.DuckDBPyConnection, load_ids: list[int]) -> list[dict]:
    return _rows(con, read_sql("reports/rejection_reasons.sql"), {"load_ids": load_ids})


def core_coverage(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return _rows(con, read_sql("reports/core_coverage.sql"))


def recent_loads(con: duckdb.DuckDBPyConnection, limit: int = 50, status: str | None = None) -> list[dict]:
    return _rows(con, "select load_id, file_name, form, encoding, status, rows_read, rows_loaded, rows_rejected, "
                      "rows_warned, strftime(finished_at, '%Y-%m-%d %H:%M:%S') as finished_at, message "
                      "from audit.loads where $status is null or status = $status "
                      "order by load_id desc limit $limit", {"limit": limit, "status": status})
