"""What every command shares: settings, exit codes, the console and table output."""
from __future__ import annotations

import datetime as dt
import decimal
import json
from pathlib import Path
from typing import Any, Iterable

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from zonestat.settings import Settings, load_settings

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def settings() -> Settings:
    return load_settings()


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print an error in Chinese and English terms and return the Exit to raise."""
    err_console.print(f"[bold red]错误 error:[/] {escape(message)}")
    return typer.Exit(code)


def require_db(s: Settings) -> Path:
    if not s.db_path.exists():
        raise fail(f"no warehouse at {s.db_path} (仓库不存在); run `zonestat demo` or `zonestat ingest PATH` first")
    return s.db_path


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def to_json(rows: Iterable[dict]) -> str:
    return json.dumps([{k: _plain(v) for k, v in r.items()} for r in rows], ensure_ascii=False, default=str)


def fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(_plain(value))


def print_table(rows: list[dict], columns: dict[str, str] | None = None, title: str | None = None,
                limit: int | None = None) -> None:
    """Rows as a table; `columns` maps keys to (Chinese / English) headings and picks the order."""
    if not rows:
        console.print(f"{title + ': ' if title else ''}(无数据 no rows)")
        return
    columns = columns or {k: k for k in rows[0]}
    table = Table(title=title, title_justify="left", show_lines=False)
    for key, heading in columns.items():
        numeric = isinstance(rows[0].get(key), (int, float)) and not isinstance(rows[0].get(key), bool)
        table.add_column(heading, justify="right" if numeric else "left", overflow="fold")
    shown = rows if limit is None else rows[:limit]
    for row in shown:
        table.add_row(*(fmt(row.get(k)) for k in columns))
    console.print(table)
    if limit is not None and len(rows) > limit:
        console.print(f"… 另有 {len(rows) - limit} 行 ({len(rows) - limit} more rows)")
