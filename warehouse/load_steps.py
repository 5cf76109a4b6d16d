"""The steps of one load inside its transaction: raw rows, line rejections, skipped-row warnings, typing
and the row checks. `warehouse.ingest.load_file` runs them in order; each writes what it decided,
with the file, the row and the field, to raw or audit."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

from warehouse.codes import valid_code_array
from warehouse.layout import SKIPPED, is_blank_name, unique_names
from warehouse.readers import ReadResult
from warehouse.spec import Contract, FieldSpec, FormSpec, HeaderMatch
from warehouse.typing import BAD_CODES, CHECKED, checked_sql, create_bad_codes, january_sql, problems_sql

INCOMING = "_incoming"


@dataclass(frozen=True)
class Bounds:
    """What one load reads numbers and periods by."""

    decimal: str               # '.', ',' or '?' (warehouse.decimals)
    first_period: dt.date      # January of the contract's first year
    this_month: dt.date        # the month still running: it and later months are rejected
    underscores: bool = True   # False: the file holds no '_' (the CSV reader looked)

    def params(self) -> dict:
        return {"decimal": self.decimal, "first_period": self.first_period, "this_month": self.this_month}


def empty_blank_columns(con: duckdb.DuckDBPyConnection, read: ReadResult) -> set[int]:
    """Columns whose header cell is blank and that hold no value: ignored."""
    blank = [pos for pos, h in enumerate(read.headers) if is_blank_name(h)]
    if not blank:
        return set()
    counts = con.execute("select " + ", ".join(f"count(nullif(trim(c{p}), ''))" for p in blank)
                         + f" from {INCOMING}").fetchone()
    return {p for p, n in zip(blank, counts) if n == 0}


def insert_raw(con: duckdb.DuckDBPyConnection, load_id: int, path: Path, match: HeaderMatch, read: ReadResult,
               contract: Contract, ignored: set[int]) -> None:
    """Every row as received into raw (a rejected line as its text in `_extra`); how each column
    was read (field, unit and the factor to the form's unit) into audit.load_columns. A money
    column without a unit in its header takes the unit of a 单位 line, else the form's unit."""
    form, headers = match.form, read.headers
    target = contract.units[form.unit] if form.unit else 1.0
    keys = unique_names(headers)          # map keys must be unique: a repeated unknown header is told apart
    extra = [(keys[pos], f"c{pos}") for pos in range(len(headers)) if pos not in match.columns and pos not in ignored]
    extra_sql = ("map([" + ", ".join("?" for _ in extra) + "], [" + ", ".join(c for _, c in extra) + "])"
                 if extra else "map()::map(varchar, varchar)")
    cols = ", ".join(match.columns.values())
    picks = ", ".join(f"c{pos}" for pos in match.columns)
    con.execute(
        f"insert into raw.{form.table} (_load_id, _source_file, _source_row, _loaded_at, _extra, {cols}) "
        f"select ?, ?, _source_row, now()::timestamp, {extra_sql}, {picks} from {INCOMING}",
        [load_id, str(path), *[h for h, _ in extra]])
    if read.rejected:
        con.execute(f"insert into raw.{form.table} (_load_id, _source_file, _source_row, _loaded_at, _extra) "
                    "select $load, $file, line, now()::timestamp, map(['(line)'], [text]) "
                    "from (select unnest($lines::integer[]) as line, unnest($texts::varchar[]) as text)",
                    {"load": load_id, "file": str(path), "lines": [r[0] for r in read.rejected],
                     "texts": [r[2] for r in read.rejected]})
    rows = []
    for pos, header in enumerate(headers):
        field = match.columns.get(pos)
        unit = match.units.get(field, read.layout.unit or form.unit) if field in form.money_fields else None
        shown = f"{header} (empty, ignored)" if pos in ignored else header
        rows.append((load_id, pos, shown, field, unit, contract.units[unit] / target if unit else None))
    con.executemany("insert into audit.load_columns values (?, ?, ?, ?, ?, ?)", rows)


def record_lines(con: duckdb.DuckDBPyConnection, load_id: int, path: Path, form: FormSpec, read: ReadResult) -> None:
    """Lines rejected before typing (wrong field count, broken quote; a workbook cell whose formula
    has no saved result, by its field) into audit.rejected_rows;
    rows skipped as 合计, footer or repeated header into audit.load_warnings."""
    if read.rejected:
        con.execute("insert into audit.rejected_rows select $load, $file, line, $form, [field], field || ': ' || reason, "
                    "json_object('line', text) from (select unnest($lines::integer[]) as line, "
                    "unnest($reasons::varchar[]) as reason, unnest($texts::varchar[]) as text, "
                    "unnest($fields::varchar[]) as field)",
                    {"load": load_id, "file": str(path), "form": form.code, "lines": [r[0] for r in read.rejected],
                     "reasons": [r[1] for r in read.rejected], "texts": [r[2] for r in read.rejected],
                     "fields": [r[3] if len(r) > 3 else "line" for r in read.rejected]})
    if read.skipped_rows:
        con.executemany("insert into audit.load_warnings values (?, ?, ?, ?, 'row', ?)",
                        [(load_id, str(path), line, form.code,
                          f"{SKIPPED[kind]}: {text}" if kind in ("sheet", "period") else f"{SKIPPED[kind]} (got '{text}')")
                         for line, kind, text in read.skipped_rows])


def _check_codes(con: duckdb.DuckDBPyConnection, form: FormSpec, by_field: dict[str, str]) -> None:
    """The GB 32100 check of the file's credit codes, in numpy over their Arrow buffers (the SQL
    macro costs three times as much, about half of all typing); failures go to BAD_CODES."""
    create_bad_codes(con)
    for field in form.fields.values():
        if field.type != "id" or field.name not in by_field:
            continue
        codes = con.sql(f"select _source_row, zs_code_text({by_field[field.name]}) as code "
                        f"from {INCOMING}").to_arrow_table().combine_chunks()
        if not codes.num_rows:
            continue
        rows = codes.column("_source_row").chunk(0)      # int32, never null: read from its buffer
        rows = np.frombuffer(rows.buffers()[1], dtype=np.int32)[rows.offset:rows.offset + len(rows)]
        bad = rows[~valid_code_array(codes.column("code"))]
        if len(bad):
            con.execute(f"insert into {BAD_CODES} select ?, unnest(?::integer[])", [field.name, bad.tolist()])


def type_rows(con: duckdb.DuckDBPyConnection, load_id: int, path: Path, match: HeaderMatch, bounds: Bounds) -> None:
    """The file's rows typed once, into the temp table the checks and staging read."""
    form = match.form
    by_field = {field: f"c{pos}" for pos, field in match.columns.items()}
    _check_codes(con, form, by_field)
    received = ", ".join(f"{by_field.get(f, 'null::varchar')} as {f}" for f in form.fields)
    con.execute(f"create or replace temp table {CHECKED} as "
                + checked_sql(form, f"select $load_id::bigint as _load_id, $file::varchar as _source_file, "
                                    f"_source_row, $decimal::varchar as _decimal, {received} from {INCOMING}",
                              bounds.underscores),
                {"load_id": load_id, "file": str(path), "decimal": bounds.decimal})


def record_problems(con: duckdb.DuckDBPyConnection, load_id: int, path: Path, match: HeaderMatch,
                    bounds: Bounds) -> tuple[int, int]:
    """Rows failing a check into audit.rejected_rows, January rows of exempt forms warned; returns
    (rejected, warned) of the whole load, lines rejected before typing and skipped rows included."""
    form = match.form
    present = set(match.columns.values())
    fields_json = ", ".join(f"'{field}': r.c{pos}" for pos, field in match.columns.items())
    texts = ", ".join(f"c{pos} as {field}" for pos, field in match.columns.items())
    sql = (f"insert into audit.rejected_rows "
           f"select $load_id, $file, p._source_row, $form, "
           f"list_distinct([split_part(x, ':', 1) for x in p.problems]), array_to_string(p.problems, '; '), "
           f"to_json({{{fields_json}}}) "
           f"from ({problems_sql(form, present, f'select _source_row, {texts} from {INCOMING}')}) p "
           f"join {INCOMING} r using (_source_row)")
    used = {k: v for k, v in bounds.params().items() if f"${k}" in sql}     # a form without periods uses none
    con.execute(sql, {"load_id": load_id, "file": str(path), "form": form.code, **used})
    if form.january_exempt and "period" in present:
        con.execute(
            f"insert into audit.load_warnings select $load_id, $file, _source_row, $form, 'period', "
            f"'January filing of ' || $form || ', whose January is exempt: Jan-Feb is reported in the "
            f"February filing; kept in raw, left out of core' from ({january_sql()}) j "
            f"where _source_row not in (select source_row from audit.rejected_rows where load_id = $load_id)",
            {"load_id": load_id, "file": str(path), "form": form.code})
    for field in form.fields.values():
        if field.codes and field.name in present:
            _warn_unknown_codes(con, load_id, path, form, field)
    return con.execute("select (select count(*) from audit.rejected_rows where load_id = $id), "
                       "(select count(*) from audit.load_warnings where load_id = $id)", {"id": load_id}).fetchone()


def _warn_unknown_codes(con: duckdb.DuckDBPyConnection, load_id: int, path: Path, form: FormSpec,
                        field: FieldSpec) -> None:
    """A value of a coded field (单位类型) that is none of its spellings is kept as written, in lower
    case, and so matches no figure selecting by it (the unit falls outside every scope): each such
    row is warned, naming the spellings known."""
    known = [spelling for _, spellings in field.codes for spelling in spellings]
    listed = "; ".join(f"{code}: {'/'.join(spellings)}" for code, spellings in field.codes)
    con.execute(
        f"insert into audit.load_warnings select $load_id, $file, _source_row, $form, $field, "
        f"$field || ': ''' || t_{field.name} || ''' is none of the values forms.yaml knows (' || $listed "
        f"|| '); kept as written, so no figure selecting by ' || $field || ' counts the unit (未识别的取值)' "
        f"from {CHECKED} where lower(t_{field.name}) not in (select unnest($known::varchar[])) "
        f"and _source_row not in (select source_row from audit.rejected_rows where load_id = $load_id)",
        {"load_id": load_id, "file": str(path), "form": form.code, "field": field.name, "listed": listed,
         "known": known})
