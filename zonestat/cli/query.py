"""`zonestat query`: SQL against the warehouse over a read-only connection."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from zonestat.cli.common import fail, print_table, require_db, settings, to_json

FORMATS = ("table", "csv", "json", "parquet")


def query(sql: str = typer.Argument(..., help="A SQL query, e.g. \"select * from core.register_year limit 5\"."),
          format: str = typer.Option("table", "--format", "-f", help="table, csv, json or parquet."),
          out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write to this file instead of the screen."),
          limit: int = typer.Option(100, help="Rows shown on screen in table format.")) -> None:
    """查询: run read-only SQL on the warehouse; print a table, or write csv/json/parquet."""
    import duckdb
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from warehouse.db import session

    if format not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}")
    if format == "table" and out is not None:
        raise fail("--out needs --format csv, json or parquet")
    if format == "parquet" and out is None:
        raise fail("--format parquet needs --out FILE")
    with session(require_db(settings()), read_only=True) as con:
        try:
            table = con.sql(sql).to_arrow_table()
        except duckdb.Error as err:
            raise fail(f"query failed: {str(err).splitlines()[0]}") from err
    if format == "parquet":
        pq.write_table(table, out)
    elif format == "csv":
        if out:
            pacsv.write_csv(table, out)
        else:
            pacsv.write_csv(table, sys.stdout.buffer)
    elif format == "json":
        text = to_json(table.to_pylist())
        if out:
            out.write_text(text + "\n", encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")
    else:
        print_table(table.to_pylist(), limit=limit)
