"""Every physical line of a CSV body accounted for, before DuckDB parses it.

DuckDB's reader is fast but decides nothing about a line it cannot split, and its sniffer only
samples the file. So the body is first scanned in numpy (line ends, delimiters, quotes: a few
passes over the bytes): a line with no quotes and exactly the header's number of fields is
*clean*. Every other line (a quote, another field count, a stray carriage return, a 合计
candidate) is split by Python's csv module under the rules below, alone: a bad line is rejected
by its own line number and the next line is read afresh, so one broken quote cannot swallow the
rest of the file. When every line is clean the file is read as it is; otherwise DuckDB reads a
copy holding only the accepted records. Either way each record keeps its first physical line.

Rules (docs/input-format.md, "Lines"):
- a blank line, or one of nothing but delimiters and spaces, is not a data line (not counted);
- a record has the header's number of fields; it may lack trailing fields only where the header
  is blank, and may carry extra trailing fields only when they are empty;
- a value under a blank header cell at the end of the header must be empty (a value there is
  what a misplaced delimiter leaves);
- a quoted value may hold the delimiter, a doubled quote and line breaks; a quote that does not
  close into a well-formed record (or whose continuation line is a complete record by itself)
  rejects its first line alone;
- a 合计/总计/小计 row, a footer line (填表人：...) or a repeat of the header is skipped, with a
  warning (warehouse.layout.skip_kind).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from warehouse.layout import header_key, skip_kind

MAX_SPAN = 20                 # a quoted value may run over at most this many lines


@dataclass
class Body:
    """What the scan decided about the lines after the header."""

    fast: bool                        # DuckDB may read the file as it is (skip = header line)
    numbers: np.ndarray               # first physical line of each accepted record, in order
    rejected: list[tuple[int, str, str]] = field(default_factory=list)   # (line, reason, text)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)   # (line, kind, text): 合计, footer, header
    blank: int = 0
    pieces: list = field(default_factory=list)   # the copy: memoryview ranges and normalised lines

    @property
    def data_lines(self) -> int:
        return len(self.numbers) + len(self.rejected)


_BLOCK = 1 << 20        # bytes compared at a time: a reused buffer stays in cache (no page faults)


def _positions(arr: np.ndarray, wanted: tuple[int, ...], start: int = 0) -> list[np.ndarray]:
    """Sorted positions of each byte of `wanted` in arr[start:], in one pass a block at a time."""
    mask = np.empty(min(_BLOCK, max(len(arr) - start, 1)), dtype=bool)
    found: list[list[np.ndarray]] = [[] for _ in wanted]
    for at in range(start, len(arr), _BLOCK):
        block = arr[at:at + _BLOCK]
        part = mask[:len(block)]
        for out, byte in zip(found, wanted):
            np.equal(block, byte, out=part)
            out.append(np.flatnonzero(part) + at)
    return [np.concatenate(out) if out else np.zeros(0, dtype=np.int64) for out in found]


def _lines(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, end, text end) of every physical line: end is its LF (or the file's end), text end
    leaves out a CR before it."""
    ends = _positions(arr, (10,))[0]
    if len(arr) and arr[-1] != 10:
        ends = np.append(ends, len(arr))
    starts = np.empty_like(ends)
    if len(ends):
        starts[0], starts[1:] = 0, ends[:-1] + 1
    has_cr = ends > starts
    has_cr[has_cr] = arr[ends[has_cr] - 1] == 13
    return starts, ends, ends - has_cr


def _cumulative(positions: np.ndarray, text_ends: np.ndarray) -> np.ndarray:
    """How many of the sorted `positions` (all at or after the first line's start) come before
    each line's text end."""
    return np.searchsorted(positions, text_ends)


def _quote_trouble(arr, delim, qpos, dpos, starts, ends, tends) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lines whose quotes are not plain "value"s at field edges, lines with an odd number of
    quotes, delimiters inside quotes per line)."""
    n = len(starts)
    line_of_q = np.searchsorted(ends, qpos)
    first_q = np.searchsorted(qpos, starts)
    rank = np.arange(len(qpos)) - first_q[line_of_q]
    opening = rank % 2 == 0
    at_start = (qpos == starts[line_of_q]) | (arr[np.maximum(qpos - 1, 0)] == delim)
    nxt = np.minimum(qpos + 1, len(arr) - 1)
    at_end = (qpos + 1 == tends[line_of_q]) | (arr[nxt] == delim)
    bad = np.zeros(n, dtype=bool)
    bad[line_of_q[np.where(opening, ~at_start, ~at_end)]] = True
    odd = np.diff(_cumulative(qpos, tends), prepend=0) % 2 == 1
    line_of_d = np.searchsorted(ends, dpos)
    inside = (np.searchsorted(qpos, dpos) - first_q[line_of_d]) % 2 == 1
    return bad | odd, odd, np.bincount(line_of_d[inside], minlength=n)


# first characters of the cells warehouse.layout.skip_kind looks for: 合计/总计/小计 (本页, 全部),
# footer labels (单位负责人, 统计负责人, 填表人, 制表人, 审核人, 报出日期, 联系电话, 备注, 注, 说明) and a
# full-width space
_SKIP_STARTS = [c.encode() for c in "合总小本全单统负填制审报联备注说\u3000"]


def _skip_candidates(arr: np.ndarray, starts: np.ndarray, delim: int, header: bytes) -> np.ndarray:
    """Lines that may not be data rows, from their first bytes (streamed: `starts` rise), past one
    opening quote: an empty first field, a space, the first character of a 合计 cell or a footer
    label, or the first bytes of the header. Python then checks them (warehouse.layout.skip_kind)."""
    last = len(arr) - 1
    at = np.minimum(starts + (arr[np.minimum(starts, last)] == 34), last)
    b0, b1, b2 = (arr[np.minimum(at + k, last)] for k in range(3))
    out = np.isin(b0, (delim, 34, 32, 9))
    for lead in _SKIP_STARTS + ([header[:3]] if len(header) >= 3 else []):
        out |= (b0 == lead[0]) & (b1 == lead[1]) & (b2 == lead[2])
    return out


def _split(text: str, delim: str, lines: int = 1) -> tuple[list[str] | None, str | None]:
    """The fields of one record's text (of `lines` physical lines), or None and what is wrong."""
    source = [text] if lines == 1 else io.StringIO(text, newline="")   # one line: a CR in it is an error
    try:
        rows = list(csv.reader(source, delimiter=delim, strict=True))
    except csv.Error as err:
        msg = str(err)
        if "end of data" in msg:
            return None, "open"
        if "new-line" in msg:
            return None, "a carriage return (CR) inside the line / 行内有回车符"
        return None, f"a quote is followed by text before the next delimiter ({msg}) / 引号位置错误"
    return (rows[0], None) if len(rows) == 1 else (None, "open")


class _Reader:
    """The Python pass over the lines the scan could not clear."""

    def __init__(self, data: bytes, delim: str, starts, tends, headers: list[str], named: int,
                 odd_quotes: np.ndarray):
        self.data, self.delim, self.starts, self.tends = data, delim, starts, tends
        self.headers, self.width, self.named = headers, len(headers), named
        self.key = header_key(headers)
        self.closing = np.flatnonzero(odd_quotes)     # lines with an odd number of quotes

    def text(self, first: int, last: int) -> str:
        return self.data[self.starts[first]:self.tends[last]].decode("utf-8")

    def complete(self, i: int) -> bool:
        fields, _ = _split(self.text(i, i), self.delim)
        return fields is not None and self.problem(fields) is None

    def record(self, i: int, n_lines: int) -> tuple[list[str] | None, int, str | None]:
        """(fields, lines used, problem) of the record starting at line i."""
        fields, err = _split(self.text(i, i), self.delim)
        if err != "open":
            return fields, 1, err
        # the value can only close on the next line with an odd number of quotes: one parse, not
        # one per line (a file of broken quotes stays linear)
        after = np.searchsorted(self.closing, i, side="right")
        j = int(self.closing[after]) if after < len(self.closing) else n_lines
        if j < min(i + MAX_SPAN, n_lines):
            fields, err = _split(self.text(i, j), self.delim, j - i + 1)
            if err is None and self.problem(fields) is None \
                    and not any(self.complete(k) for k in range(i + 1, j + 1)):
                return fields, j - i + 1, None
        return None, 1, 'a quote (") opens a value that does not close into a record / 引号未闭合'

    def problem(self, fields: list[str]) -> str | None:
        """Why a split record cannot be taken as it is (None: it can, padded or trimmed to width)."""
        k = len(fields)
        if k < self.named:
            return (f"{k} fields where the header has {self.width}: values would land in the wrong "
                    f"columns / 字段数不符")
        if any(v.strip() for v in fields[self.width:]):
            return (f"{k} fields where the header has {self.width}: values would land in the wrong "
                    f"columns (an unquoted delimiter inside a value?) / 字段数不符, 数值可能串列")
        if any(v.strip() for v in fields[self.named:self.width]):
            return (f"a value in column {self.named + 1 + next(i for i, v in enumerate(fields[self.named:]) if v.strip())}"
                    f", whose header is blank: values may have moved (an unquoted delimiter?) / 无表头的列有数值")
        return None


def _normalised(fields: list[str], width: int, delim: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delim, lineterminator="\n").writerow((fields + [""] * width)[:width])
    return out.getvalue()


def _count(arr: np.ndarray, wanted: tuple[int, ...], start: int) -> list[int]:
    """How often each byte of `wanted` occurs in arr[start:] (a block at a time: no temporaries)."""
    mask = np.empty(min(_BLOCK, max(len(arr) - start, 1)), dtype=bool)
    counts = [0] * len(wanted)
    for at in range(start, len(arr), _BLOCK):
        block = arr[at:at + _BLOCK]
        part = mask[:len(block)]
        for k, byte in enumerate(wanted):
            np.equal(block, byte, out=part)
            counts[k] += int(np.count_nonzero(part))
    return counts


def prescan(data: bytes, delim: str, header_line: int, headers: list[str], named: int) -> Body | None:
    """The cheap first look, for the common file: header on line 1, no quote, no stray CR, no
    blank header cell at the end, no line of delimiters only, no row that may not be data. Then
    DuckDB's strict parse (which refuses any record of another width) is the field-count check
    and only the line ends are needed: the records are the non-empty lines. None: the full
    `scan` decides (as it does when the strict parse refuses a record)."""
    width = len(headers)
    if header_line != 1 or named < width:
        return None
    arr = np.frombuffer(data, dtype=np.uint8)
    starts, ends, tends = (a[header_line:] for a in _lines(arr))
    if not len(starts):
        return None
    quotes, crs = _count(arr, (34, 13), int(starts[0]))
    length = tends - starts
    if quotes or crs != np.count_nonzero(tends < ends) or np.any(length == width - 1):
        return None
    reader = _Reader(data, delim, starts, tends, headers, named, np.zeros(0, dtype=bool))
    for i in map(int, np.flatnonzero(_skip_candidates(arr, starts, ord(delim), _first_bytes(headers, named))
                                     & (length > 0))):
        fields, _ = _split(reader.text(i, i), delim)
        if fields is None or skip_kind(fields, reader.key) or not any(v.strip() for v in fields):
            return None
    filled = np.flatnonzero(length > 0)
    return Body(True, (filled + header_line + 1).astype(np.int32), blank=len(starts) - len(filled))


def _first_bytes(headers: list[str], named: int) -> bytes:
    return headers[0].encode() if headers and named else b""


def scan(data: bytes, delim: str, header_line: int, headers: list[str], named: int) -> Body:
    """Classify every line after `header_line` (1-based: the header's last line) of UTF-8 `data`;
    `headers` are the header's cells, `named` how many up to its last non-blank one."""
    width = len(headers)
    arr = np.frombuffer(data, dtype=np.uint8)
    starts, ends, tends = (a[header_line:] for a in _lines(arr))
    if not len(starts):
        return Body(True, np.zeros(0, dtype=np.int32))
    first, d = int(starts[0]), ord(delim)
    dpos, qpos, crs = _positions(arr, (d, 34, 13), first)
    counts = np.diff(_cumulative(dpos, tends), prepend=0)
    length = tends - starts
    empty, only_delims = length == 0, (length == counts) & (length > 0)
    odd = odd_quotes = np.zeros(len(starts), dtype=bool)
    if len(qpos):
        odd, odd_quotes, inside = _quote_trouble(arr, d, qpos, dpos, starts, ends, tends)
        counts = counts - inside
    if len(crs) != np.count_nonzero(tends < ends):          # a CR that does not end its line
        lone = crs[(crs + 1 < len(arr)) & (arr[np.minimum(crs + 1, len(arr) - 1)] != 10)]
        odd[np.searchsorted(ends, lone)] = True
    marked = _skip_candidates(arr, starts, d, _first_bytes(headers, named))
    for k in range(1, width - named + 1):           # blank trailing header cells: empty values only
        odd |= (length >= k) & (arr[np.maximum(tends - k, 0)] != d)
    clean = ~odd & (counts == width - 1) & ~empty & ~only_delims
    reader = _Reader(data, delim, starts, tends, headers, named, odd_quotes)
    return _resolve(reader, header_line, starts, ends, tends, clean, empty | only_delims, marked)


def _resolve(reader: _Reader, header_line: int, starts, ends, tends, clean, blank, marked) -> Body:
    """The Python pass over the lines that are neither clean nor blank (and the clean ones whose
    first bytes may start a row that is not data), then the copy's pieces."""
    n = len(starts)
    used = np.zeros(n, dtype=bool)
    body = Body(False, np.zeros(0, dtype=np.int32), blank=0)
    kept: dict[int, str] = {}
    for i in map(int, np.flatnonzero((~clean & ~blank) | (clean & marked))):
        if used[i]:
            continue
        line = header_line + 1 + i
        fields, span, err = reader.record(i, n)
        kind = skip_kind(fields, reader.key) if fields is not None else None
        if clean[i] and kind is None:
            continue                    # a clean data line that merely starts like one (合肥..., 统一...)
        used[i:i + span] = True
        if fields is not None and all(not v.strip() for v in fields):
            body.blank += 1
        elif kind is not None:
            body.skipped.append((line, kind, reader.text(i, i + span - 1)))
        elif err is not None or (err := reader.problem(fields)) is not None:
            body.rejected.append((line, err, reader.text(i, i)))
        else:
            kept[i] = _normalised(fields, reader.width, reader.delim)
    asis = clean & ~used
    body.blank += int((blank & ~used).sum())
    idx = np.sort(np.concatenate([np.flatnonzero(asis), np.fromiter(kept, dtype=np.int64, count=len(kept))]))
    body.numbers = (idx + header_line + 1).astype(np.int32)
    body.fast = header_line == 1 and not kept and not body.rejected and not body.skipped \
        and not used.any() and not (blank & (tends > starts)).any()
    if not body.fast:
        body.pieces = _pieces(reader.data, starts, ends, np.flatnonzero(asis), kept)
    return body


def _pieces(data: bytes, starts, ends, asis: np.ndarray, kept: dict[int, str]) -> list:
    """The copy: runs of consecutive clean lines as ranges of the original bytes, each accepted
    irregular record as its normalised text, in file order."""
    view = memoryview(data)
    breaks = np.flatnonzero(np.diff(asis) != 1) + 1
    runs = [(int(r[0]), int(r[-1])) for r in np.split(asis, breaks) if len(r)]
    items = [(a, view[starts[a]:ends[b]]) for a, b in runs] + [(i, text.encode("utf-8")) for i, text in kept.items()]
    return [piece for _, piece in sorted(items, key=lambda item: item[0])]


def write_copy(body: Body, path: Path) -> None:
    with path.open("wb") as out:
        for piece in body.pieces:
            out.write(piece)
            if not bytes(piece[-1:]) == b"\n":
                out.write(b"\n")
