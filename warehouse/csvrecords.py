"""The record rules of a CSV body, applied by Python's csv module to the lines the numpy scan
(warehouse.csvlines) could not clear, one record at a time; and the copy DuckDB reads when not
every line was clean. The rules are listed in warehouse/csvlines.py and docs/input-format.md."""
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


def split_record(text: str, delim: str, lines: int = 1) -> tuple[list[str] | None, str | None]:
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


class RecordReader:
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
        fields, _ = split_record(self.text(i, i), self.delim)
        return fields is not None and self.problem(fields) is None

    def record(self, i: int, n_lines: int) -> tuple[list[str] | None, int, str | None]:
        """(fields, lines used, problem) of the record starting at line i."""
        fields, err = split_record(self.text(i, i), self.delim)
        if err != "open":
            return fields, 1, err
        # the value can only close on the next line with an odd number of quotes: one parse, not
        # one per line (a file of broken quotes stays linear)
        after = np.searchsorted(self.closing, i, side="right")
        j = int(self.closing[after]) if after < len(self.closing) else n_lines
        if j < min(i + MAX_SPAN, n_lines):
            fields, err = split_record(self.text(i, j), self.delim, j - i + 1)
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


def resolve(reader: RecordReader, header_line: int, starts, ends, tends, clean, blank, marked) -> Body:
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
