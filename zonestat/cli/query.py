"""`zonestat query`: one read-only SQL statement against the warehouse, inside DuckDB's sandbox
(see warehouse/sandbox.py and the README's security model). The CLI writes --out itself."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from zonestat.cli.common import fail, print_table, require_db, settings
from zonestat.cli.output import check_out, emit, rows

DEFAULT_TIMEOUT = 300.0


def query(sql: str = typer.Argument(..., help="One SQL query, e.g. \"select * from core.register_year limit 5\"."),
          format: str = typer.Option("table", "--format", "-f", help="table, csv, json or parquet."),
          out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write to this file instead of the screen "
                                             "(written whole, or not at all)."),
          limit: int = typer.Option(100, min=0, help="Rows shown on screen in table format."),
          timeout: float = typer.Option(DEFAULT_TIMEOUT, "--timeout", min=0.1, max=86_400, help="Stop the "
                                        "query after this many seconds (超时秒数)."),
          published: bool = typer.Option(False, "--published", help="Query the analysts' copy "
                                         "($ZONESTAT_HOME/analyst.duckdb, replaced after each successful run) "
                                         "instead of the warehouse: never waits for a running pipeline.")) -> None:
    """查询: run one read-only SQL statement on the warehouse; print a table, or write csv/json/parquet."""
    import duckdb

    from warehouse.sandbox import QueryRefused, QueryTimeout, first_line, open_sandboxed, run_query

    s = settings()
    if published:
        db = s.home / "analyst.duckdb"
        if not db.exists():
            raise fail(f"no published copy at {db} (尚无分析副本); it is written after each successful "
                       "`zonestat run`, or by `zonestat snapshot`")
        check_out(out, format, [db, s.db_path])
        con = open_sandboxed(db, readable=s.home / "published")
    else:
        db = require_db(s)
        check_out(out, format, [db])
        con = open_sandboxed(db)
    try:
        table = run_query(con, sql, timeout)
    except (QueryRefused, QueryTimeout) as err:
        raise fail(str(err)) from None
    except duckdb.Error as err:
        raise fail(f"查询失败 query failed: {first_line(err)}") from None
    finally:
        con.close()
    if format == "table":
        print_table(rows(table), limit=limit)
    else:
        emit(table, format, out)

