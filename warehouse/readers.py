"""Read a filing file (CSV in any of the accepted encodings, XLSX, XLS, Parquet) into DuckDB as text.

Every reader produces the same thing: a temporary table of VARCHAR columns c0..cN in file order
plus `_source_row` (the line of a CSV record, the row of a spreadsheet: where a person finds it),
and a `ReadResult` accounting for every line: the header found below any title lines, the data
lines (loaded into the table or rejected before typing), 合计 rows, footer lines, repeated headers
and blank lines skipped.
"""
from __future__ import annotations

import codecs
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from warehouse.csvheader import PREVIEW_LINES, choose_layout, preview
from warehouse.csvlines import prescan, scan
from warehouse.csvrecords import Body, write_copy
from warehouse.encodings import UTF8, FileError, check_decodes, detect_encoding, mismatch, transcode
from warehouse.layout import Layout, LayoutError
from warehouse.sheets import peek_layout, sheet_rows

__all__ = ["FileError", "ReadResult", "read_file"]
Rows = list[tuple[int, list[str | None]]]
Locate = Callable[[Rows], Layout]


@dataclass(frozen=True)
class ReadResult:
    layout: Layout
    rows: int                     # data lines: in the table, plus those rejected before typing
    encoding: str | None
    # (line, reason, text as received[, field]): rejected before typing; without a field, the line's
    # shape (wrong field count, broken quote), else a cell of that field (a workbook's formula saved
    # without its result)
    rejected: list[tuple] = field(default_factory=list)
    skipped_rows: list[tuple[int, str, str]] = field(default_factory=list)   # (line, kind, text): not data
    blank: int = 0                # blank lines after the header (not data lines)
    delimiter: str | None = None  # CSV only
    underscores: bool = True      # False: no '_' anywhere below the header (CSV only)

    @property
    def headers(self) -> list[str]:
        return self.layout.headers


class _NotUtf8(Exception):
    """A file guessed UTF-8 from its first MiB holds other bytes further on."""


def _numbered(body: Body) -> tuple[int | None, str, list]:
    """(first line, join, parameters) giving each record its line: when the lines follow one
    another, the first one's number (the table's row order is the file's: rowid + first); else a
    positional join to the list of lines."""
    n = len(body.numbers)
    if n and int(body.numbers[-1]) - int(body.numbers[0]) + 1 == n:
        return int(body.numbers[0]), "", []
    return None, " positional join (select unnest(?::integer[]) as _source_row)", [body.numbers.tolist()]


class _Miscounted(Exception):
    """DuckDB's strict parse refused a record, or found another number of them, than the prescan."""


def _load_body(con: duckdb.DuckDBPyConnection, source: Path, table: str, width: int, delim: str, skip: int,
               body: Body, strict: bool = False) -> None:
    """DuckDB parses the records (no sniffing: every option is set); each gets its line. `strict`:
    a record of another width is an error (_Miscounted), the prescan's field-count check."""
    columns = ", ".join(f"c{i} varchar" for i in range(width))
    if not len(body.numbers):
        con.execute(f"create or replace temp table {table} ({columns}, _source_row integer)")
        return
    first, join, lines = _numbered(body)
    # _read marks rows that came from the file: a positional join pads the shorter side
    try:
        con.execute(
            f"create or replace temp table {table} as select * from ("
            "select *, true as _read from read_csv(?, columns = ?, header = false, skip = ?, delim = ?, quote = '\"', "
            f"escape = '\"', auto_detect = false, strict_mode = {str(strict).lower()}, null_padding = false, "
            f"all_varchar = true)){join}",
            [str(source), {f"c{i}": "VARCHAR" for i in range(width)}, skip, delim, *lines])
    except duckdb.InvalidInputException as err:
        if strict and "unicode" not in str(err).lower():
            raise _Miscounted from err
        raise
    if first is not None:
        # numbered after the parallel read: DuckDB keeps a file's row order in the table it fills
        # (preserve_insertion_order, on by default), and on a materialized table rowid carries
        # that order as row_number() over () would (DuckDB docs, "Order Preservation"); the window
        # over the read ran it on one thread, a third slower
        con.execute(f"alter table {table} add column _source_row integer")
        con.execute(f"update {table} set _source_row = cast(rowid + {first} as integer)")
    got = con.execute(f"select count(*), count(_read), count(_source_row) from {table}").fetchone()
    if strict and got != (len(body.numbers),) * 3:
        raise _Miscounted
    if got != (len(body.numbers),) * 3:
        raise FileError(f"{source.name}: read {got[0]} records where the line scan found {len(body.numbers)}; "
                        "refused rather than risk misplaced values (please report this file)")


def _read_utf8(con: duckdb.DuckDBPyConnection, path: Path, source: Path, table: str, locate: Locate,
               encoding: str, tmp: Path) -> ReadResult:
    data = source.read_bytes()
    try:
        lines = preview(data)
    except UnicodeDecodeError as err:
        raise _NotUtf8 from err
    if not any(text.strip() for _, text in lines):
        raise FileError(f"{path.name}: no header row in the first {PREVIEW_LINES} lines (blank)")
    delim, layout, header_end = choose_layout(lines, locate)
    width = len(layout.headers)
    try:
        if body := prescan(data, delim, header_end, layout.headers, layout.named_width):
            try:
                _load_body(con, source, table, width, delim, header_end, body, strict=True)
                return ReadResult(layout, body.data_lines, encoding, [], [], body.blank, delim,
                                  _underscores(data, header_end))
            except _Miscounted:
                pass                     # a record of another width: the full scan names its line
        body = scan(data, delim, header_end, layout.headers, layout.named_width)
        if not body.fast:
            write_copy(body, tmp / "records.csv")
        _load_body(con, source if body.fast else tmp / "records.csv", table, width, delim,
                   header_end if body.fast else 0, body)
    except UnicodeDecodeError as err:
        raise _NotUtf8 from err
    except duckdb.InvalidInputException as err:
        if "unicode" in str(err).lower():
            raise _NotUtf8 from err
        raise
    return ReadResult(layout, body.data_lines, encoding, body.rejected, body.skipped, body.blank, delim,
                      _underscores(data, header_end))


def _underscores(data: bytes, header_end: int) -> bool:
    """Whether any '_' stands below the header (a memchr over the bytes)."""
    start = 0
    for _ in range(header_end):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return False
    return data.find(b"_", start) >= 0


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str, declared: str | None,
             locate: Locate) -> ReadResult:
    encoding = detect_encoding(path, declared)
    with tempfile.TemporaryDirectory(prefix="zonestat-") as name:
        tmp = Path(name)
        try:
            if encoding not in UTF8:
                try:
                    source = transcode(path, encoding, tmp)
                except FileError as err:
                    raise mismatch(path, declared, err) from None
                return _read_utf8(con, path, source, table, locate, encoding, tmp)
            try:
                return _read_utf8(con, path, path, table, locate, encoding, tmp)
            except _NotUtf8 as err:
                not_utf8 = err
            # bytes that are not UTF-8 past the first MiB: name the row, or read it as GB18030
            try:
                check_decodes(path, encoding)
            except FileError as err:
                if declared:
                    raise mismatch(path, declared, err) from None
            else:
                raise not_utf8
            try:
                source = transcode(path, "gb18030", tmp)
            except FileError as err:
                raise mismatch(path, declared, err) from None
            return _read_utf8(con, path, source, table, locate, "gb18030", tmp)
        except (duckdb.Error, _NotUtf8) as err:
            cause = err.__cause__ if isinstance(err, _NotUtf8) and err.__cause__ else err
            raise FileError(f"{path.name}: not a readable CSV: {str(cause).splitlines()[0]}") from err


def read_sheet(con: duckdb.DuckDBPyConnection, path: Path, table: str, locate: Locate) -> ReadResult:
    """The first worksheet holding a form's header (XLSX or XLS), from the header found below any
    title rows."""
    layout, body, skipped, rejected = sheet_rows(path, locate)
    width = len(layout.headers)
    if not width:
        return ReadResult(layout, 0, None)         # read_file names the problem
    # columns go in as list parameters (pyarrow would import pandas here: 0.3 s on a first call)
    columns = [[r[i] if i < len(r) else None for _, r in body] for i in range(width)]
    picks = ", ".join(f"unnest(${i + 1}::varchar[]) as c{i}" for i in range(width))
    con.execute(f"create or replace temp table {table} as select {picks}, "
                f"unnest(${width + 1}::integer[]) as _source_row", [*columns, [n for n, _ in body]])
    return ReadResult(layout, len(body) + len(rejected), None, rejected, skipped_rows=skipped)


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str, locate: Locate) -> ReadResult:
    try:
        headers = [r[0] for r in con.execute("select name from parquet_schema(?) where num_children is null "
                                             "or num_children = 0", [str(path)]).fetchall()]
        casts = ", ".join(f'cast("{h.replace(chr(34), "")}" as varchar) as c{i}' for i, h in enumerate(headers))
        con.execute(f"create or replace temp table {table} as select {casts}, "
                    "cast(row_number() over () + 1 as integer) as _source_row from read_parquet(?)", [str(path)])
    except duckdb.Error as err:
        raise FileError(f"{path.name}: not a readable Parquet file: {str(err).splitlines()[0]}") from err
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    return ReadResult(locate([(1, headers)]), rows, None)


PEEK_WORKBOOK_BYTES = 8 << 20      # a larger workbook takes long to open: its load tells its form


def peek_form(path: Path, encoding: str | None, locate: Locate) -> str | None:
    """The form a file's header names, from its first lines (a text file's first 256 KiB, the
    first rows of a workbook's sheets up to PEEK_WORKBOOK_BYTES), or None when that is not known
    cheaply (a large workbook, an unreadable file, no form's header there). A hint for scheduling
    only (a batch starts building the tables of the other forms): the load reads the whole file
    and decides."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls") and _workbook_bytes(path):
            layout = peek_layout(path, locate) if path.stat().st_size <= PEEK_WORKBOOK_BYTES else None
        elif suffix in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls"):      # text under a workbook's name too
            name = detect_encoding(path, encoding)
            with path.open("rb") as fh:
                head = fh.read(1 << 18)
                more = bool(fh.read(1))
            text = codecs.getincrementaldecoder(name)(errors="replace").decode(head)
            if more:
                text = text[:text.rfind("\n") + 1]          # whole lines only
            _, layout, _ = choose_layout(preview(text.encode("utf-8")), locate)
        else:
            return None
    except (FileError, LayoutError, LookupError, OSError, UnicodeError, ValueError):
        return None
    return layout.match.form.code if layout and layout.match else None


_WORKBOOK_MAGIC = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04")   # XLS (OLE2), XLSX (zip)


def _workbook_bytes(path: Path) -> bool:
    """Whether a .xls/.xlsx file is a workbook. Systems often export a tab-separated text or an
    HTML page under a workbook's name: the text is read as CSV, the HTML refused naming it."""
    with path.open("rb") as fh:
        head = fh.read(512)
    if head.startswith(_WORKBOOK_MAGIC):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):          # UTF-16 text: Excel's "Unicode text"
        return False
    if b"\x00" in head:
        raise FileError(f"{path.name}: not a readable workbook (truncated or corrupt: neither XLS nor XLSX)")
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(b"<") or b"<html" in lowered or b"<table" in lowered:
        raise FileError(f"{path.name}: an HTML page saved under a workbook's name (网页格式, 并非Excel文件): "
                        "open it in Excel and save it as .xlsx or .csv")
    return False


def read_file(con: duckdb.DuckDBPyConnection, path: Path, table: str, encoding: str | None,
              locate: Locate) -> ReadResult:
    """Read any accepted file into `table`; raise FileError naming the file when it cannot be.
    `locate` finds the header among the first rows (warehouse.layout.locate with the contract)."""
    if not path.is_file():
        raise FileError(f"{path}: no such file")
    if os.path.getsize(path) == 0:
        raise FileError(f"{path.name}: the file is empty (0 bytes)")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls") and _workbook_bytes(path):
            result = read_sheet(con, path, table, locate)
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            result = read_csv(con, path, table, encoding, locate)     # text saved under a workbook's name
        elif suffix == ".parquet":
            result = read_parquet(con, path, table, locate)
        elif suffix in (".csv", ".txt", ".tsv"):
            result = read_csv(con, path, table, encoding, locate)
        else:
            raise FileError(f"{path.name}: unsupported file type {suffix or '(none)'!r}: not read "
                            "(不支持的文件类型; use .csv, .xlsx, .xls or .parquet)")
    except LayoutError as err:
        raise FileError(f"{path.name}: {err}") from None
    if not any(h.strip() for h in result.headers):
        raise FileError(f"{path.name}: row 1 holds no column headers")
    if result.rows == 0:
        raise FileError(f"{path.name}: has a header row but no data rows")
    return result

