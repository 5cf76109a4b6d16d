"""Every physical line of a CSV body accounted for, before DuckDB parses it: the numpy scans
(warehouse.csvrecords holds the record rules Python applies to the lines they cannot clear).

DuckDB's reader is fast but decides nothing about a line it cannot split, and its sniffer only
samples the file. So the body is first scanned in numpy (line ends, delimiters, quotes: a few
passes over the bytes): a line with no quotes and exactly the header's number of fields is
*clean*. Every other line (a quote, another field count, a stray carriage return, a 合计
candidate) is split by Python's csv module under the rules below, alone: a bad line is rejected
by its own line number and the next line is read afresh, so one broken quote cannot swallow the
rest of the file. When every line is clean the file is read as it is; otherwise DuckDB reads a
copy holding only the accepted records. Either way each record keeps its first physical line.
For the common file (no quote, header on line 1...) `prescan` only finds the line ends and lets
DuckDB's strict parse refuse any record of another width; the full `scan` runs when it does.

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

import numpy as np

from warehouse.csvrecords import Body, RecordReader, resolve, split_record
from warehouse.layout import skip_kind


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
    reader = RecordReader(data, delim, starts, tends, headers, named, np.zeros(0, dtype=bool))
    for i in map(int, np.flatnonzero(_skip_candidates(arr, starts, ord(delim), _first_bytes(headers, named))
                                     & (length > 0))):
        fields, _ = split_record(reader.text(i, i), delim)
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
    reader = RecordReader(data, delim, starts, tends, headers, named, odd_quotes)
    return resolve(reader, header_line, starts, ends, tends, clean, empty | only_delims, marked)


