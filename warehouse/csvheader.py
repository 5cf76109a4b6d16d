"""Where a CSV's table starts: its first lines read under each delimiter, line by line and as
records (a header cell may wrap), and the layout under which a form's header is found."""
from __future__ import annotations

import csv
from typing import Callable

from warehouse.layout import Layout, LayoutError, score

Rows = list[tuple[int, list[str | None]]]
Locate = Callable[[Rows], Layout]
DELIMITERS = (",", "\t", ";", "|")
PREVIEW_LINES = 200


def preview(data: bytes) -> list[tuple[int, str]]:
    """The first lines of the file (at most PREVIEW_LINES, from its first MiB), numbered, as text."""
    head = data[:1 << 20]
    lines = head.split(b"\n")
    if len(data) > len(head):
        lines.pop()                 # cut short: may end inside a character
    return [(i + 1, line.decode("utf-8-sig" if i == 0 else "utf-8").rstrip("\r"))     # UnicodeDecodeError:
            for i, line in enumerate(lines[:PREVIEW_LINES])]                               # not UTF-8 after all


def _cells(lines: list[tuple[int, str]], delim: str) -> tuple[Rows, dict[int, int]]:
    """The non-blank rows of the preview, one per line, and each row's last line (its own)."""
    rows = []
    for n, text in lines:
        try:
            cells = next(csv.reader([text], delimiter=delim), [])
        except csv.Error:
            cells = [text]
        if any(c.strip() for c in cells):
            rows.append((n, cells))
    return rows, {n: n for n, _ in rows}


def _records(lines: list[tuple[int, str]], delim: str) -> tuple[Rows, dict[int, int]]:
    """The non-blank rows of the preview read as CSV records, so a quoted header cell may wrap
    over lines (Excel's Alt+Enter); each row's last line."""
    reader = csv.reader((text + "\n" for _, text in lines), delimiter=delim)
    rows, last, before = [], {}, 0
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((before + 1, cells))
                last[before + 1] = reader.line_num
            before = reader.line_num
    except csv.Error:
        pass
    return rows, last


def choose_layout(lines: list[tuple[int, str]], locate: Locate) -> tuple[str, Layout, int]:
    """The delimiter under which a form's header is found (most columns matched; ties: the order
    of DELIMITERS, and a header on one line before one that wraps), the layout it gives and the
    header's last line."""
    best: tuple[int, str, Layout | None, Exception | None, dict] = (-1, ",", None, None, {})
    present = [d for d in DELIMITERS if any(d in text for _, text in lines)] or [","]
    for delim in present:
        for split in (_cells, _records):
            rows, last = split(lines, delim)
            try:
                layout, error = locate(rows), None
                found = score(layout)
            except LayoutError as err:
                layout, error, found = None, err, 1 << 20
            if found > best[0]:
                best = (found, delim, layout, error, last)
    found, delim, layout, error, last = best
    if error:
        raise error
    if found == 0:      # no form's header under any delimiter: the first line's most frequent one
        first = next((text for _, text in lines if text.strip()), "")
        counts = {d: first.count(d) for d in DELIMITERS}
        delim = max(counts, key=counts.get) if max(counts.values()) else ","
        rows, last = _cells(lines, delim)
        layout = locate(rows)
    return delim, layout, last.get(layout.last_line, layout.last_line)
