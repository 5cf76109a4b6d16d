"""Loading one filing file into raw, as one transaction, with its audit trail.

A file is read as text (every line accounted for: warehouse.readers), its header found below any
title lines and mapped to a form through the alias list, its rows typed; every data row goes to
raw exactly as received, untypable rows and malformed lines are listed in audit.rejected_rows
(with reasons and raw values) and never reach staging. Loading the same bytes twice is a no-op.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

import duckdb

from warehouse.decimals import decimal_mark
from warehouse.implied import with_implied_period
from warehouse.layout import locate
from warehouse.load_steps import (INCOMING, Bounds, empty_blank_columns, insert_raw, record_lines,
                                  record_problems, type_rows)
from warehouse.readers import FileError, ReadResult, read_file
from warehouse.revisions import record_precedence
from warehouse.spec import Contract, HeaderMatch, load_contract
from warehouse.staging import type_load
from warehouse.typing import BAD_CODES, CHECKED

__all__ = ["LoadResult", "load_file", "sha256_of", "today_in_zone", "INCOMING"]
ZONE = ZoneInfo("Asia/Shanghai")


@dataclass
class LoadResult:
    """What happened to one file; `status` is loaded, skipped (same bytes already loaded) or failed."""

    path: Path
    status: str
    form: str | None = None
    load_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_warned: int = 0
    message: str = ""
    rejections: list[tuple[int, str]] = field(default_factory=list)


def today_in_zone() -> dt.date:
    """Today where the filings are made (Asia/Shanghai), whatever the machine's time zone."""
    return dt.datetime.now(ZONE).date()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _column(read: ReadResult, pos: int) -> str:
    return f"column {pos + 1} {read.headers[pos]!r}"


def _match(path: Path, read: ReadResult, contract: Contract) -> HeaderMatch:
    match = read.layout.match
    shown = ", ".join(h for h in read.headers[:12])
    where = f" (header on line {read.layout.header_line})" if read.layout.header_line != 1 else ""
    if match is None or not any(k in match.columns.values() for k in match.form.key):
        raise FileError(f"{path.name}: unknown form: no form's columns match the headers{where} ({shown})")
    if match.missing:
        wanted = "; ".join(f"{m} ({match.form.fields[m].header_zh})" for m in match.missing)
        raise FileError(f"{path.name}: looks like form {match.form.code} but lacks required column(s) "
                        f"{wanted}; headers were{where}: {shown}")
    if match.conflicts:
        name, first, second = match.conflicts[0]
        raise FileError(f"{path.name}: {_column(read, first)} and {_column(read, second)} both map to field "
                        f"{name} ({match.form.fields[name].header_zh}); keep one of them "
                        f"(两列对应同一字段, 请删去其一)")
    return match


def _previous(con: duckdb.DuckDBPyConnection, digest: str) -> tuple[int, str] | None:
    return con.execute("select load_id, strftime(finished_at, '%Y-%m-%d %H:%M') from audit.loads "
                       "where sha256 = ? and status = 'loaded' order by load_id limit 1", [digest]).fetchone()


def _fail(con: duckdb.DuckDBPyConnection, path: Path, digest: str, started: dt.datetime, err: Exception,
          load_id: int) -> LoadResult:
    con.execute("insert into audit.loads (load_id, source_file, file_name, sha256, status, message, started_at, "
                "finished_at) values (?, ?, ?, ?, 'failed', ?, ?, now()::timestamp)",
                [load_id, str(path), path.name, digest, str(err), started])
    return LoadResult(path, "failed", load_id=load_id, message=str(err))


def _skipped_lines(read: ReadResult) -> str:
    lines = read.layout.skipped + [{"line": n, "kind": kind, "text": t} for n, kind, t in read.skipped_rows]
    return json.dumps(lines, ensure_ascii=False)


def _record_load(con: duckdb.DuckDBPyConnection, load_id: int, path: Path, digest: str, match: HeaderMatch,
                 read: ReadResult, rejected: int, warned: int, decimal: str, started: dt.datetime) -> None:
    con.execute(
        "insert into audit.loads (load_id, source_file, file_name, sha256, form, encoding, status, rows_read, "
        "rows_loaded, rows_rejected, rows_warned, message, started_at, finished_at, header_line, skipped_lines, "
        "blank_lines, decimal_mark) values (?, ?, ?, ?, ?, ?, 'loaded', ?, ?, ?, ?, null, ?, now()::timestamp, "
        "?, ?, ?, ?)",
        [load_id, str(path), path.name, digest, match.form.code, read.encoding, read.rows, read.rows - rejected,
         rejected, warned, started, read.layout.header_line, _skipped_lines(read), read.blank, decimal])


def _load(con: duckdb.DuckDBPyConnection, path: Path, read: ReadResult, contract: Contract, load_id: int,
          digest: str, started: dt.datetime, today: dt.date, on_form: Callable[[str], None] | None) -> LoadResult:
    """The steps of one load after its file is read, inside the caller's transaction."""
    read = with_implied_period(con, INCOMING, path, read)     # a month named in the title or file name
    match = _match(path, read, contract)
    if on_form:
        on_form(match.form.code)
    numeric = [f"c{pos}" for pos, name in match.columns.items() if match.form.fields[name].type in ("money", "number", "int")]
    bounds = Bounds(decimal_mark(con, INCOMING, numeric, read.delimiter), dt.date(contract.first_year, 1, 1),
                    today.replace(day=1), read.underscores)
    insert_raw(con, load_id, path, match, read, contract, empty_blank_columns(con, read))
    record_lines(con, load_id, path, match.form, read)
    type_rows(con, load_id, path, match, bounds)
    rejected, warned = record_problems(con, load_id, path, match, bounds)
    type_load(con, match.form, load_id)
    record_precedence(con, load_id, path.name, match.form.table, "period" not in match.form.fields)
    _record_load(con, load_id, path, digest, match, read, rejected, warned, bounds.decimal, started)
    samples = con.execute("select source_row, reason from audit.rejected_rows where load_id = ? "
                          "order by source_row limit 20", [load_id]).fetchall()
    for table in (INCOMING, CHECKED, BAD_CODES):
        con.execute(f"drop table if exists {table}")
    return LoadResult(path, "loaded", match.form.code, load_id, read.rows, read.rows - rejected,
                      rejected, warned, rejections=samples)


def load_file(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None = None,
              contract: Contract | None = None, load_id: int | Callable[[], int] | None = None,
              digest: str | None = None, today: dt.date | None = None,
              on_form: Callable[[str], None] | None = None, check_loaded: bool = True) -> LoadResult:
    """Load one file in one transaction; a failure leaves nothing but a 'failed' audit row.

    `load_id` may be reserved beforehand (batches load files side by side but keep file order:
    a later load id is a later revision), or be a callable giving it once the file is read (a
    batch reads its first files while it declares the warehouse; the callable waits for that);
    `digest` is the file's sha256 when already known; `check_loaded=False` skips the look for the
    same bytes loaded before (a warehouse being made: nothing is); `today` (default: today in
    Asia/Shanghai) decides which months have ended; `on_form` is told the file's form (its code)
    as soon as its header is matched, before its rows are written (a batch builds the core tables
    of the other forms meanwhile)."""
    contract = contract or load_contract()
    path = Path(path)
    started = dt.datetime.now()
    if digest is None:
        digest = sha256_of(path) if path.is_file() else ""
    if digest and check_loaded and (prev := _previous(con, digest)):
        return LoadResult(path, "skipped", load_id=prev[0],
                          message=f"already loaded as load {prev[0]} on {prev[1]}; nothing changed")
    try:    # into a temp table, before the transaction: a parse DuckDB refuses must not abort it
        read = read_file(con, path, INCOMING, encoding, lambda rows: locate(rows, contract))
    except FileError as err:
        return _fail(con, path, digest, started, err, _reserved(con, load_id))
    load_id = _reserved(con, load_id)
    con.execute("begin transaction")
    try:
        result = _load(con, path, read, contract, load_id, digest, started, today or today_in_zone(), on_form)
        con.execute("commit")
    except FileError as err:
        con.execute("rollback")
        return _fail(con, path, digest, started, err, load_id)
    except BaseException:
        con.execute("rollback")
        raise
    return result


def _reserved(con: duckdb.DuckDBPyConnection, load_id: int | Callable[[], int] | None) -> int:
    if callable(load_id):
        return load_id()
    if load_id is None:
        return con.execute("select nextval('audit.load_seq')").fetchone()[0]
    return load_id
