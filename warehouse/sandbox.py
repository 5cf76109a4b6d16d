"""User SQL on the warehouse: DuckDB's own sandbox, one read statement per call, a time limit.

The boundary is DuckDB's, set when the connection opens: the file is opened read-only,
`enable_external_access = false` (no file, URL, ATTACH, COPY, EXPORT or extension install outside
the warehouse file), no extension auto-loading, no Python replacement scans, and
`lock_configuration = true` so no SET, RESET or PRAGMA can give any of it back. On top of that the
statement must be a single read (SELECT and its forms, EXPLAIN, PRAGMA, CALL), so a refusal reads
as a sentence instead of a DuckDB error. Whatever a query returns, the caller writes it.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from warehouse.db import connect
from warehouse.interrupts import owned_sigint

SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "python_enable_replacements": False,
    "lock_configuration": True,   # no SET, RESET or PRAGMA of the user's SQL can change any of these
}
READ_STATEMENTS = {"SELECT", "EXPLAIN", "PRAGMA", "CALL", "MULTI"}   # MULTI: a PIVOT that finds its columns


class QueryRefused(ValueError):
    """The SQL is not one read-only statement, or reached outside the warehouse."""


class QueryTimeout(RuntimeError):
    """The query ran past its time limit and was interrupted."""


def open_sandboxed(db_path: Path, readable: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse that can reach nothing else; `readable`: the one
    folder it may read besides (the analysts' snapshot files, for the views of analyst.duckdb)."""
    if readable is None:
        return connect(db_path, read_only=True, config=SANDBOX)
    # DuckDB takes allowed_directories only while external access is still on: set it, then close
    # the sandbox and lock it, before any user SQL runs
    opening = {k: v for k, v in SANDBOX.items() if k not in ("enable_external_access", "lock_configuration")}
    con = connect(db_path, read_only=True, config=opening)
    con.execute("set allowed_directories = ?", [[str(readable)]])
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def check_statement(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The one statement's type name; QueryRefused if there are none, several, or a write."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as err:
        raise QueryRefused(f"SQL 语法错误 cannot parse the query: {first_line(err)}") from None
    if not statements:
        raise QueryRefused("空查询 no SQL statement given")
    if len(statements) > 1:
        raise QueryRefused(f"一次只能执行一条语句 one statement per call; found {len(statements)}. "
                           "Run them one at a time.")
    kind = statements[0].type.name
    if kind not in READ_STATEMENTS:
        raise QueryRefused(f"只允许只读查询 only read-only queries (SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, "
                           f"EXPLAIN, PRAGMA) run here; statement type: {kind}.")
    return kind


def run_query(con: duckdb.DuckDBPyConnection, sql: str, timeout: float):
    """The result as an Arrow table. QueryTimeout past `timeout` seconds; KeyboardInterrupt on Ctrl-C,
    after DuckDB has stopped the query; QueryRefused for what the sandbox blocks."""
    check_statement(con, sql)
    with watchdog(con, timeout) as why:
        try:
            relation = con.sql(sql)
            return relation.to_arrow_table() if relation is not None else _empty()
        except (duckdb.InterruptException, RuntimeError) as err:
            if why.get("reason") == "interrupt":
                raise KeyboardInterrupt from None
            if why.get("reason") == "timeout":
                raise QueryTimeout(f"查询超时 the query ran longer than {timeout:g} s and was stopped; "
                                   "raise --timeout or narrow the query") from None
            raise refusal(err) or err
        except duckdb.Error as err:
            raise refusal(err) or err


def _empty():
    import pyarrow as pa

    return pa.table({})


def refusal(err: Exception) -> QueryRefused | None:
    """A sentence for what the sandbox blocked; None for an ordinary query error."""
    text = first_line(err)
    if isinstance(err, duckdb.PermissionException) or "disabled by configuration" in text:
        return QueryRefused(f"查询只能读取仓库 the query may read nothing but the warehouse: no files, URLs, other "
                            f"databases or extensions ({text})")
    if "configuration has been locked" in text:
        return QueryRefused(f"查询不能更改设置 the query may not change settings ({text})")
    return None


def first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


@contextmanager
def watchdog(con: duckdb.DuckDBPyConnection, timeout: float) -> Iterator[dict]:
    """Interrupt the connection's query after `timeout` seconds or on Ctrl-C; the dict says which."""
    why: dict = {}
    done = threading.Event()

    def stop(reason: str) -> None:
        why.setdefault("reason", reason)
        threading.Thread(target=con.interrupt, daemon=True).start()

    timer = threading.Thread(target=lambda: done.wait(timeout) or stop("timeout"), daemon=True)
    previous = owned_sigint()
    if previous is not None:
        signal.signal(signal.SIGINT, lambda *_: stop("interrupt"))
    timer.start()
    try:
        yield why
    finally:
        done.set()
        timer.join()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
