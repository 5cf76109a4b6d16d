"""Loading one filing file into raw, as one transaction, with its audit trail.

A file is read as text, its headers mapped to a form through the alias list, its rows typed;
every row goes to raw exactly as received, untypable rows are listed in audit.rejected_rows
(with reasons and raw values) and never reach staging. Loading the same bytes twice is a no-op.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from warehouse.codes import valid_code_array
from warehouse.readers import FileError, ReadResult, read_file
from warehouse.revisions import record_precedence
from warehouse.spec import Contract, FormSpec, HeaderMatch, detect_form, load_contract
from warehouse.staging import type_load
from warehouse.typing import BAD_CODES, CHECKED, checked_sql, create_bad_codes, january_sql, problems_sql

INCOMING = "_incoming"


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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _match(path: Path, read: ReadResult, contract: Contract) -> HeaderMatch:
    match = detect_form(read.headers, contract)
    shown = ", ".join(h for h in read.headers[:12])
    if match is None or not any(k in match.columns.values() for k in match.form.key):
        raise FileError(f"{path.name}: unknown form: no form's columns match the headers ({shown})")
    if match.missing:
        wanted = "; ".join(f"{m} ({match.form.fields[m].header_zh})" for m in match.missing)
        raise FileError(f"{path.name}: looks like form {match.form.code} but lacks required column(s) "
                        f"{wanted}; headers were: {shown}")
    return match


def _insert_raw(con: duckdb.DuckDBPyConnection, load_id: int, path: Path, match: HeaderMatch,
                headers: list[str], contract: Contract) -> None:
    """Every row as received into raw; how each column was read (field, unit and the factor to the
    form's unit) into audit.load_columns."""
    form = match.form
    target = contract.units[form.unit] if form.unit else 1.0
    extra = [(headers[pos], f"c{pos}") for pos in range(len(headers)) if pos not in match.columns]
    extra_sql = ("map([" + ", ".join("?" for _ in extra) + "], [" + ", ".join(c for _, c in extra) + "])"
                 if extra else "map()::map(varchar, varchar)")
    cols = ", ".join(match.columns.values())
    picks = ", ".join(f"c{pos}" for pos in match.columns)
    con.execute(
        f"insert into raw.{form.table} (_load_id, _source_file, _source_row, _loaded_at, _extra, {cols}) "
        f"select ?, ?, _source_row, now()::timestamp, {extra_sql}, {picks} from {INCOMING}",
        [load_id, str(path), *[h for h, _ in extra]])
    rows = []
    for pos, header in enumerate(headers):
        field = match.columns.get(pos)
        unit = match.units.get(field, form.unit) if field in form.money_fields else None
        rows.append((load_id, pos, header, field, unit, contract.units[unit] / target if unit else None))
    con.executemany("insert into audit.load_columns values (?, ?, ?, ?, ?, ?)", rows)


def _check_codes(con: duckdb.DuckDBPyConnection, form: FormSpec, by_field: dict[str, str]) -> None:
    """The GB 32100 check of the file's credit codes, in numpy over their Arrow buffers (the SQL
    macro costs three times as much, about half of all typing); failures go to BAD_CODES."""
    create_bad_codes(con)
    for field in form.fields.values():
        if field.type != "id" or field.name not in by_field:
            continue
        codes = con.sql(f"select _source_row, upper(trim({by_field[field.name]})) as code "
                        f"from {INCOMING}").to_arrow_table().combine_chunks()
        if not codes.num_rows:
            continue
        rows = codes.column("_source_row").chunk(0)      # int32, never null: read from its buffer
        rows = np.frombuffer(rows.buffers()[1], dtype=np.int32)[rows.offset:rows.offset + len(rows)]
        bad = rows[~valid_code_array(codes.column("code"))]
        if len(bad):
            con.execute(f"insert into {BAD_CODES} select ?, unnest(?::integer[])", [field.name, bad.tolist()])


def _type_rows(con: duckdb.DuckDBPyConnection, load_id: int, path: Path, match: HeaderMatch) -> None:
    """The file's rows typed once, into the temp table the checks and staging read."""
    form = match.form
    by_field = {field: f"c{pos}" for pos, field in match.columns.items()}
    _check_codes(con, form, by_field)
    received = ", ".join(f"{by_field.get(f, 'null::varchar')} as {f}" for f in form.fields)
    con.execute(f"create or replace temp table {CHECKED} as "
                + checked_sql(form, f"select $load_id::bigint as _load_id, $file::varchar as _source_file, "
                                    f"_source_row, {received} from {INCOMING}"),
                {"load_id": load_id, "file": str(path)})


def _record_problems(con: duckdb.DuckDBPyConnection, load_id: int, path: Path, match: HeaderMatch) -> tuple[int, int]:
    form = match.form
    present = set(match.columns.values())
    fields_json = ", ".join(f"'{field}': r.c{pos}" for pos, field in match.columns.items())
    texts = ", ".join(f"c{pos} as {field}" for pos, field in match.columns.items())
    con.execute(
        f"insert into audit.rejected_rows "
        f"select $load_id, $file, p._source_row, $form, "
        f"list_distinct([split_part(x, ':', 1) for x in p.problems]), array_to_string(p.problems, '; '), "
        f"to_json({{{fields_json}}}) "
        f"from ({problems_sql(form, present, f'select _source_row, {texts} from {INCOMING}')}) p "
        f"join {INCOMING} r using (_source_row)",
        {"load_id": load_id, "file": str(path), "form": form.code})
    rejected = con.execute("select count(*) from audit.rejected_rows where load_id = ?", [load_id]).fetchone()[0]
    warned = 0
    if form.january_exempt and "period" in present:
        con.execute(
            f"insert into audit.load_warnings select $load_id, $file, _source_row, $form, 'period', "
            f"'January filing of ' || $form || ', whose January is exempt: Jan-Feb is reported in the "
            f"February filing; kept in raw, left out of core' from ({january_sql()}) j "
            f"where _source_row not in (select source_row from audit.rejected_rows where load_id = $load_id)",
            {"load_id": load_id, "file": str(path), "form": form.code})
        warned = con.execute("select count(*) from audit.load_warnings where load_id = ?", [load_id]).fetchone()[0]
    return rejected, warned


def _previous(con: duckdb.DuckDBPyConnection, digest: str) -> tuple[int, str] | None:
    return con.execute("select load_id, strftime(finished_at, '%Y-%m-%d %H:%M') from audit.loads "
                       "where sha256 = ? and status = 'loaded' order by load_id limit 1", [digest]).fetchone()


def _fail(con: duckdb.DuckDBPyConnection, path: Path, digest: str, started: dt.datetime, err: Exception,
          load_id: int) -> LoadResult:
    con.execute("insert into audit.loads (load_id, source_file, file_name, sha256, status, message, started_at, "
                "finished_at) values (?, ?, ?, ?, 'failed', ?, ?, now()::timestamp)",
                [load_id, str(path), path.name, digest, str(err), started])
    return LoadResult(path, "failed", load_id=load_id, message=str(err))


def load_file(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None = None,
              contract: Contract | None = None, load_id: int | None = None,
              digest: str | None = None) -> LoadResult:
    """Load one file in one transaction; a failure leaves nothing but a 'failed' audit row.

    `load_id` may be reserved beforehand (batches load files side by side but keep file order:
    a later load id is a later revision); `digest` is the file's sha256 when already known."""
    contract = contract or load_contract()
    path = Path(path)
    started = dt.datetime.now()
    if digest is None:
        digest = sha256_of(path) if path.is_file() else ""
    if digest and (prev := _previous(con, digest)):
        return LoadResult(path, "skipped", load_id=prev[0],
                          message=f"already loaded as load {prev[0]} on {prev[1]}; nothing changed")
    if load_id is None:
        load_id = con.execute("select nextval('audit.load_seq')").fetchone()[0]
    con.execute("begin transaction")
    try:
        read = read_file(con, path, INCOMING, encoding)
        match = _match(path, read, contract)
        _insert_raw(con, load_id, path, match, read.headers, contract)
        _type_rows(con, load_id, path, match)
        rejected, warned = _record_problems(con, load_id, path, match)
        type_load(con, match.form.table, load_id)
        record_precedence(con, load_id, path.name, match.form.table, "period" not in match.form.fields)
        con.execute(
            "insert into audit.loads values (?, ?, ?, ?, ?, ?, 'loaded', ?, ?, ?, ?, ?, ?, now()::timestamp)",
            [load_id, str(path), path.name, digest, match.form.code, read.encoding, read.rows,
             read.rows - rejected, rejected, warned, None, started])
        samples = con.execute("select source_row, reason from audit.rejected_rows where load_id = ? "
                              "order by source_row limit 20", [load_id]).fetchall()
        con.execute(f"drop table if exists {INCOMING}")
        con.execute(f"drop table if exists {CHECKED}")
        con.execute(f"drop table if exists {BAD_CODES}")
        con.execute("commit")
    except FileError as err:
        con.execute("rollback")
        return _fail(con, path, digest, started, err, load_id)
    except BaseException:
        con.execute("rollback")
        raise
    return LoadResult(path, "loaded", match.form.code, load_id, read.rows, read.rows - rejected,
                      rejected, warned, rejections=samples)
