"""`zonestat snapshot`: publish the analysts' read-only copy now (the pipeline does it after each run)."""
from __future__ import annotations

from zonestat.cli.common import console, require_db, settings


def snapshot() -> None:
    """分析副本: write $ZONESTAT_HOME/analyst.duckdb (core, marts, audit, meta as Parquet + views), atomically."""
    from warehouse.db import session
    from warehouse.snapshot import publish_snapshot

    s = settings()
    with session(require_db(s), read_only=True) as con:
        done = publish_snapshot(con, s.home, "manual")
    console.print(f"分析副本 analysts' copy: {done.database} ({done.tables} tables, {done.rows:,} rows, "
                  f"{done.seconds:.1f} s); query it with `zonestat query --published \"...\"` or any DuckDB "
                  "client opening it read-only")
