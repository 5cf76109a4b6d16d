"""Where the table starts in an export: the header row below title lines, a 单位 line, and the rows
below it that are not data (合计 rows, footer lines, a repeated header).

Offices send what their systems export: a title and a `单位：千元` line above the header, a 合计
row at the bottom, blank or repeated header cells. These rules are the same for every format;
readers hand over the first rows as text cells and get back a `Layout`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from warehouse.spec import Contract, HeaderMatch, detect_form, normalize_header, split_unit

MAX_TITLE_ROWS = 20          # the header is looked for among the first rows that are not blank
_SPACES = re.compile(r"[\s\u3000]+")
_TOTAL = re.compile(r"(本页|本表|全部|总)?(合计|总计|小计)[:：]?")
_FOOTER = re.compile(r"(单位负责人|统计负责人|负责人|填表人|制表人|审核人|填报人|报出日期|填报日期|制表日期"
                     r"|联系电话|备注|注|说明)[:：].*", re.S)
_UNIT = re.compile(r"(?:^|[\s,，;；(（])(?:金额|计量|货币|价值量)?单位\s*[:：]\s*(?P<rest>.+)$")
_UNIT_SPLIT = re.compile(r"[\s,，;；、/()（）]+")


class LayoutError(ValueError):
    """The rows above the header say something that cannot be applied (e.g. an unknown unit)."""


@dataclass(frozen=True)
class Layout:
    """How a file's table is laid out: the header row and what stood above it."""

    header_index: int                  # position of the header among the rows handed to `locate`
    header_line: int                   # its line (CSV) or row (spreadsheet) number
    headers: list[str]                 # one name per column, as written; blank cells named "(第N列)"
    match: HeaderMatch | None
    unit: str | None = None            # the money unit of a 单位 line above the header
    skipped: list[dict] = field(default_factory=list)   # title, unit and header-continuation lines

    @property
    def continued(self) -> tuple[int, ...]:
        """Lines of the rows that continue the header (sub-headers, units, 甲 乙 1 2 3)."""
        return tuple(s["line"] for s in self.skipped if s["kind"] in CONTINUATION)

    @property
    def body_index(self) -> int:
        """Position of the first row below the header (and the rows continuing it)."""
        return self.header_index + 1 + len(self.continued)

    @property
    def last_line(self) -> int:
        """The header's last line: data starts after it."""
        return self.continued[-1] if self.continued else self.header_line

    @property
    def named_width(self) -> int:
        """Columns up to the last one whose header cell is not blank."""
        return max((i + 1 for i, h in enumerate(self.headers) if not is_blank_name(h)), default=0)


def blank_name(position: int) -> str:
    return f"(第{position + 1}列)"


def is_blank_name(header: str) -> bool:
    return bool(re.fullmatch(r"\(第\d+列\)", header))


def name_columns(cells: list[str | None]) -> list[str]:
    """Header names as written (trimmed); a blank cell becomes "(第N列)". Repeated names stay as
    they are, so two columns naming one field are found (and refused) by the load."""
    return [(cell or "").strip() or blank_name(pos) for pos, cell in enumerate(cells)]


def unique_names(names: list[str]) -> list[str]:
    """The names with a repeat told apart by its column ("备注", "备注 (第7列)"): keys of raw._extra."""
    seen: set[str] = set()
    out = []
    for pos, name in enumerate(names):
        out.append(name if name not in seen else f"{name} {blank_name(pos)}")
        seen.add(name)
    return out


def _text(cells: list[str | None]) -> str:
    return " ".join(c.strip() for c in cells if c and c.strip())


def header_key(headers: list[str]) -> tuple[str, ...]:
    """The header's named cells as compared (normalised), to recognise a repeat of it."""
    return tuple(normalize_header(h) for h in headers if not is_blank_name(h))


def skip_kind(cells: list[str | None], key: tuple[str, ...]) -> str | None:
    """Why a row below the header is not a data row, or None when it is one:
    'total'  its first non-empty cell is 合计/总计/小计 (spaces and a trailing colon ignored;
             本页/本表/全部/总 before it too);
    'footer' its first non-empty cell is a form's footer label with a colon (填表人：, 单位负责人：,
             报出日期：, 说明：...);
    'header' its non-empty cells repeat the header's (`key`: header_key; a header printed again
             on every page)."""
    first = next((c for c in cells if c and c.strip()), None)
    if first is None:
        return None
    squeezed = _SPACES.sub("", first)
    if _TOTAL.fullmatch(squeezed):
        return "total"
    if _FOOTER.fullmatch(squeezed):
        return "footer"
    if key and normalize_header(first) == key[0] \
            and tuple(normalize_header(c) for c in cells if c and c.strip()) == key:
        return "header"
    return None


SKIPPED = {
    "total": "totals row skipped (合计/总计/小计行已跳过): not a unit's filing, not loaded",
    "footer": "footer line skipped (表尾行已跳过): signatures, dates or notes, not a unit's filing",
    "header": "repeated header row skipped (重复的表头行已跳过)",
    "sheet": "worksheet (工作表)",
    "period": "no 报告期 column: every row takes the month named outside the table (报告期取自标题或文件名)",
}


def _unit_of(cells: list[str | None], units: dict[str, float]) -> tuple[bool, set[str]]:
    """(is a 单位 line, the money units it names)."""
    known = {normalize_header(u): u for u in units}
    found, named = False, set()
    for cell in cells:
        m = _UNIT.search((cell or "").strip())
        if m:
            found = True
            named |= {known[normalize_header(t)] for t in _UNIT_SPLIT.split(m.group("rest"))
                      if normalize_header(t) in known}
    return found, named


def _canonical(unit: str, units: dict[str, float]) -> str:
    """The Chinese name of a unit (thousand yuan -> 千元), by its factor."""
    zh = [u for u, f in units.items() if f == units[unit] and re.search(r"[\u4e00-\u9fff]", u)]
    return zh[0] if zh else unit


def _above(rows: list[tuple[int, list[str | None]]], match: HeaderMatch, contract: Contract) -> tuple[str | None, list[dict]]:
    """The unit a 单位 line declares, and every line above the header as skipped title/unit lines."""
    skipped, declared = [], set()
    for line, cells in rows:
        is_unit, named = _unit_of(cells, contract.units)
        skipped.append({"line": line, "kind": "unit" if is_unit else "title", "text": _text(cells)})
        if is_unit:
            if not named and match.form.money_fields:
                raise LayoutError(f"line {line}: the unit line {_text(cells)!r} names no money unit zonestat "
                                  f"knows (元, 千元, 万元, 亿元) / 单位行无法识别")
            declared |= {_canonical(u, contract.units) for u in named}
    if len(declared) > 1:
        raise LayoutError(f"the lines above the header name several units ({', '.join(sorted(declared))}) / "
                          "单位行互相矛盾")
    return (declared.pop() if declared else None), skipped


# A row right below the header may continue it, as statistical systems export their forms: a second
# header row naming the columns under a merged cell (营业收入(千元) over 本年累计 | 上年同期), a row
# of units (千元 千元 人), or the row numbering the columns (甲 乙 丙 1 2 3). Such a row leaves the
# form's key columns blank or labelled (a data row never does: its unit and period are required)
# and holds no figure.
MAX_CONTINUED = 2
CONTINUATION = ("subheader", "codes")      # kinds of the rows that continue the header
_COLUMN_CODE = re.compile(r"[甲乙丙丁戊己庚辛壬癸]|\d{1,3}|[A-Z]|栏次|代码|行次|计量单位|单位")
_FIGURE = re.compile(r"\d{3,}|\d[.,]\d")


def _code_row(cells: list[str]) -> bool:
    """Every cell a column code, the numbers among them counting up by one (1 2 3 ...)."""
    numbers = [int(c) for c in cells if c.isdigit()]
    return all(_COLUMN_CODE.fullmatch(c) for c in cells) \
        and all(b == a + 1 for a, b in zip(numbers, numbers[1:]))


def _continuation(cells: list[str | None], match: HeaderMatch) -> str | None:
    """'codes' or 'subheader' when the row below the header continues it, else None."""
    texts = [unicodedata.normalize("NFKC", c).strip() if c else "" for c in cells]
    filled = [t for t in texts if t]
    keys = [pos for pos, name in match.columns.items() if name in match.form.key]
    if not filled or any(pos < len(texts) and texts[pos] and not _COLUMN_CODE.fullmatch(texts[pos])
                         for pos in keys):
        return None
    if _code_row(filled):
        return "codes"
    if any(_FIGURE.search(t) for t in filled):
        return None
    return "subheader"


def _compose(headers: list[str], cells: list[str | None], contract: Contract) -> list[str]:
    """Header names from two rows: a column's label below the header is appended to the name above
    it, or, under a merged (blank) cell, to the nearest name on its left ("营业收入(千元)" over
    "本年累计" | "上年同期": 营业收入本年累计(千元), 营业收入上年同期(千元)); a unit moves to the end."""
    out, parent = [], None
    for pos, header in enumerate(headers):
        below = unicodedata.normalize("NFKC", cells[pos]).strip() if pos < len(cells) and cells[pos] else ""
        if not is_blank_name(header):
            parent = header
        if not below or _COLUMN_CODE.fullmatch(below) or parent is None:
            out.append(header)
            continue
        base, unit = split_unit(parent, contract.units)
        label, label_unit = split_unit(below, contract.units)
        unit = unit or label_unit
        out.append(f"{base}{label}" + (f"({unit})" if unit else ""))
    return out


def _continued(rows: list[tuple[int, list[str | None]]], i: int, headers: list[str], match: HeaderMatch,
               contract: Contract) -> tuple[list[str], HeaderMatch, list[dict]]:
    """The header completed by the rows that continue it (below row i), and those rows as skipped
    lines; a sub-header row is taken only when a form then reads at least as many columns (the
    header's parent names alone may fit another form as well, e.g. by its key columns)."""
    skipped = []
    for line, cells in rows[i + 1:i + 1 + MAX_CONTINUED]:
        kind = _continuation(cells, match)
        if kind == "subheader":
            composed = _compose(headers, cells, contract)
            better = detect_form(composed, contract)
            if not (_is_header(better) and not better.conflicts
                    and (len(better.columns), -len(better.missing)) >= (len(match.columns), -len(match.missing))):
                break
            headers, match = composed, better
        elif kind is None:
            break
        skipped.append({"line": line, "kind": kind, "text": _text(cells)})
    return headers, match, skipped


def _is_header(match: HeaderMatch | None) -> bool:
    return bool(match and len(match.columns) >= 2 and any(k in match.columns.values() for k in match.form.key))


def locate(rows: list[tuple[int, list[str | None]]], contract: Contract) -> Layout:
    """The header is the first of the first MAX_TITLE_ROWS non-blank rows in which a form finds a
    key column and at least one other; the rows above it are title (or 单位) lines. Without such a
    row, the first row is taken as the header, so the load names what it lacks."""
    if not rows:
        return Layout(0, 1, [], None)
    for i, (line, cells) in enumerate(rows[:MAX_TITLE_ROWS]):
        headers = name_columns(cells)
        match = detect_form(headers, contract)
        if _is_header(match):
            unit, skipped = _above(rows[:i], match, contract)
            headers, match, continued = _continued(rows, i, headers, match, contract)
            return Layout(i, line, headers, match, unit, skipped + continued)
    headers = name_columns(rows[0][1])
    return Layout(0, rows[0][0], headers, detect_form(headers, contract))


def score(layout: Layout) -> int:
    """How well a layout found its header (to choose a CSV delimiter): matched columns, 0 if none."""
    return len(layout.match.columns) if _is_header(layout.match) else 0
