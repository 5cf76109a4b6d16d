"""Read a filing file (CSV in any of the accepted encodings, XLSX, Parquet) into DuckDB as text.

Every reader produces the same thing: a temporary table of VARCHAR columns c0..cN in file order
plus `_source_row` (the spreadsheet row number: the header is row 1), and the header list.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb


class FileError(ValueError):
    """A file that cannot be read at all; the message names the file and, where known, the row."""


@dataclass(frozen=True)
class ReadResult:
    headers: list[str]
    rows: int
    encoding: str | None


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CHUNK = 1 << 22


def _decode_error(path: Path, encoding: str, chunk: bytes, err: UnicodeDecodeError, lines_before: int) -> FileError:
    row = lines_before + chunk[:err.start].count(b"\n") + 1
    bad = chunk[err.start:err.start + 2]
    return FileError(f"{path.name}: row {row}: bytes {bad!r} are not valid {encoding}; "
                     "the file is in another encoding")


def detect_encoding(path: Path, declared: str | None = None) -> str:
    """BOM first; else the declared encoding; else UTF-8 when the first MiB is UTF-8, GB18030 (a
    superset of GBK) when it is not. Never assumed: the whole file is checked while it is read
    (DuckDB validates UTF-8, the transcoder GB18030) and read_csv falls back or fails naming the row."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    for bom, name in _BOMS:
        if head.startswith(bom):
            if declared and codecs.lookup(declared).name not in ("utf-8", "utf-16", "utf-8-sig") \
                    and not codecs.lookup(declared).name.startswith("utf-16"):
                raise FileError(f"{path.name}: declared encoding {declared} but the file starts with a {name} BOM")
            return name
    if declared:
        return codecs.lookup(declared).name
    try:
        codecs.getincrementaldecoder("utf-8")(errors="strict").decode(head)   # a cut character at the end is fine
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _check_decodes(path: Path, encoding: str) -> None:
    """Raise FileError naming the first row that is not valid `encoding`."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                raise _decode_error(path, encoding, chunk, err, lines) from None
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as err:
            raise FileError(f"{path.name}: ends inside a multi-byte {encoding} character (truncated?)") from err


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    return max(counts, key=counts.get) if max(counts.values()) else ","


def _transcode(path: Path, encoding: str, workdir: Path) -> Path:
    """A UTF-8 copy DuckDB can read (it reads no GB18030), decoded strictly in one pass: a bad byte
    raises FileError naming its row."""
    out = workdir / (path.stem + ".utf8.csv")
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 0
    with path.open("rb") as src, out.open("wb") as dst:
        while chunk := src.read(_CHUNK):
            try:
                dst.write(decoder.decode(chunk).encode("utf-8"))
            except UnicodeDecodeError as err:
                raise _decode_error(path, encoding, chunk, err, lines) from None
            lines += chunk.count(b"\n")
        try:
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError as err:
            raise FileError(f"{path.name}: ends inside a multi-byte {encoding} character (truncated?)") from err
    return out


def _load_csv(con: duckdb.DuckDBPyConnection, source: Path, table: str, width: int, delim: str) -> None:
    con.execute(
        f"create or replace temp table {table} as "
        "select *, cast(row_number() over () + 1 as integer) as _source_row "
        "from read_csv(?, columns = ?, header = false, skip = 1, delim = ?, quote = '\"', "
        "escape = '\"', all_varchar = true, null_padding = true, strict_mode = false)",
        [str(source), {f"c{i}": "VARCHAR" for i in range(width)}, delim])


def _mismatch(path: Path, declared: str | None, err: FileError) -> FileError:
    if declared:
        return FileError(f"{err} (declared encoding {declared!r} does not match the file)")
    return FileError(f"{path.name}: not UTF-8 and not GB18030/GBK; cannot tell its encoding ({err})")


def _read_text(con: duckdb.DuckDBPyConnection, path: Path, table: str, encoding: str, declared: str | None,
               width: int, delim: str, tmp: Path) -> str:
    """Load the body into `table`; returns the encoding it turned out to be."""
    if encoding not in ("utf-8", "utf-8-sig"):
        try:
            _load_csv(con, _transcode(path, encoding, tmp), table, width, delim)
        except FileError as err:
            raise _mismatch(path, declared, err) from None
        return encoding
    try:
        _load_csv(con, path, table, width, delim)
        return encoding
    except duckdb.InvalidInputException as err:
        if "unicode" not in str(err).lower():
            raise
        duck_error = err
    # DuckDB found bytes that are not UTF-8 past the first MiB: name the row, or read it as GB18030
    try:
        _check_decodes(path, encoding)
    except FileError as err:
        if declared:
            raise _mismatch(path, declared, err) from None
    else:
        raise duck_error
    try:
        _load_csv(con, _transcode(path, "gb18030", tmp), table, width, delim)
    except FileError as err:
        raise _mismatch(path, declared, err) from None
    return "gb18030"


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str, declared: str | None) -> ReadResult:
    encoding = detect_encoding(path, declared)
    try:
        with path.open("r", encoding=encoding, newline="") as fh:
            header_line = fh.readline()
            has_body = any(line.strip() for line in iter(fh.readline, ""))
    except UnicodeDecodeError:
        try:
            _check_decodes(path, encoding)
        except FileError as err:            # names the row
            raise _mismatch(path, declared, err) from None
        raise
    if not header_line.strip():
        raise FileError(f"{path.name}: the first row is empty; expected a header row")
    if not has_body:
        raise FileError(f"{path.name}: has a header row but no data rows")
    delim = _sniff_delimiter(header_line)
    headers = next(csv.reader(io.StringIO(header_line), delimiter=delim))
    with tempfile.TemporaryDirectory(prefix="zonestat-") as tmp:
        try:
            encoding = _read_text(con, path, table, encoding, declared, len(headers), delim, Path(tmp))
        except duckdb.Error as err:
            raise FileError(f"{path.name}: not a readable CSV: {str(err).splitlines()[0]}") from err
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    return ReadResult(headers, rows, encoding)


def _cell(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    """The first sheet, from its first non-empty row (the header); calamine reads it in Rust."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        grid = sheet.to_python()
    except (CalamineError, OSError, ValueError, IndexError) as err:
        raise FileError(f"{path.name}: not a readable XLSX workbook (truncated or corrupt: {err})") from err
    first_row = sheet.start[0] + 1 if grid else 1      # spreadsheet number of the header row
    headers = [str(h).strip() for h in (grid[0] if grid else [])]
    while headers and not headers[-1]:
        headers.pop()
    numbered = [(first_row + i, [_cell(v) for v in row[:len(headers)]]) for i, row in enumerate(grid[1:], 1)]
    numbered = [(n, r) for n, r in numbered if any(v is not None for v in r)]
    if not headers:
        return ReadResult(headers, 0, None)         # read_file names the problem
    # columns go in as list parameters (pyarrow would import pandas here: 0.3 s on a first call)
    columns = [[r[i] if i < len(r) else None for _, r in numbered] for i in range(len(headers))]
    picks = ", ".join(f"unnest(${i + 1}::varchar[]) as c{i}" for i in range(len(headers)))
    con.execute(f"create or replace temp table {table} as select {picks}, "
                f"unnest(${len(headers) + 1}::integer[]) as _source_row", [*columns, [n for n, _ in numbered]])
    return ReadResult(headers, len(numbered), None)


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> ReadResult:
    try:
        headers = [r[0] for r in con.execute("select name from parquet_schema(?) where num_children is null "
                                             "or num_children = 0", [str(path)]).fetchall()]
        casts = ", ".join(f'cast("{h.replace(chr(34), "")}" as varchar) as c{i}' for i, h in enumerate(headers))
        con.execute(f"create or replace temp table {table} as select {casts}, "
                    "cast(row_number() over () + 1 as integer) as _source_row from read_parquet(?)", [str(path)])
    except duckdb.Error as err:
        raise FileError(f"{path.name}: not a readable Parquet file: {str(err).splitlines()[0]}") from err
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    return ReadResult(headers, rows, None)


def read_file(con: duckdb.DuckDBPyConnection, path: Path, table: str, encoding: str | None = None) -> ReadResult:
    """Read any accepted file into `table`; raise FileError naming the file when it cannot be."""
    if not path.is_file():
        raise FileError(f"{path}: no such file")
    if os.path.getsize(path) == 0:
        raise FileError(f"{path.name}: the file is empty (0 bytes)")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        result = read_xlsx(con, path, table)
    elif suffix == ".parquet":
        result = read_parquet(con, path, table)
    elif suffix in (".csv", ".txt", ".tsv"):
        result = read_csv(con, path, table, encoding)
    else:
        raise FileError(f"{path.name}: unsupported file type {suffix!r} (use .csv, .xlsx or .parquet)")
    if not any(h.strip() for h in result.headers):
        raise FileError(f"{path.name}: row 1 holds no column headers")
    if result.rows == 0:
        raise FileError(f"{path.name}: has a header row but no data rows")
    return result
