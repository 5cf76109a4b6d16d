"""The bulletin's wording (report/config/bulletin.yaml): templates loaded and checked, and filled.

A template is text with `{field}` or `{field:format}` places. Which fields a template may name
depends on its paragraph's kind (figures, industries, outlook, tracking); a field or format that
does not exist fails at load with the template's name, so a typo never reaches a printed bulletin.
Filling knows nothing of the database: the figures come in already rounded by the SQL.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import yaml

from warehouse.catalog import load_catalog
from warehouse.spec import read_yaml

WORDING_FILE = Path(__file__).resolve().parent / "config" / "bulletin.yaml"
KINDS = ("figures", "industries", "outlook", "tracking")
FORMATS = {"": "the number", "change": "增长x% / 下降x% / 持平", "unit": "the number with its unit",
           "gap": "超过进度x个百分点 / 落后进度x个百分点 / 与进度持平"}
COMMON = {"period_label": "text", "year": "text", "rest_label": "text"}
KIND_FIELDS = {
    "industries": {"hardware_growing": "list", "hardware_falling": "list", "other_industries": "list"},
    "outlook": {"label": "text", "ytd": "amount", "full_year": "amount", "growth": "pct", "growth_lo_80": "pct",
                "growth_hi_80": "pct", "target": "pct", "required": "pct", "prob": "pct"},
    "tracking": {"label": "text", "done_pct": "pct", "path_pct": "pct", "gap_pp": "pp", "actual": "amount",
                 "path_amount": "amount", "target_amount": "amount", "industries_behind": "list",
                 "industries_ahead": "list"},
}
ITEM_FIELDS = {"industry": "text", "growth": "pct", "amount": "amount"}
TRACKING_ITEM_FIELDS = {"industry": "text", "gap_pp": "pp", "done_pct": "pct"}
TYPE_OF_KIND = {"growth": "pct", "ratio": "pct", "share": "pct", "level": "amount", "count": "count"}


class WordingError(ValueError):
    """The wording file is wrong; the message names the template and what is wrong with it."""


@dataclass(frozen=True)
class Figure:
    """A number as the marts give it (already rounded), its decimals and unit, and whether it is provisional."""

    value: float | None
    decimals: int
    unit: str = ""
    provisional: bool = False

    def text(self, fmt: str) -> str:
        star = "*" if self.provisional else ""
        number = f"{abs(self.value) if fmt in ('change', 'gap') else self.value:.{self.decimals}f}"
        if fmt == "gap":
            if self.value == 0:
                return "与进度持平" + star
            return ("超过进度" if self.value > 0 else "落后进度") + number + self.unit + star
        if fmt == "change":
            if self.value == 0:
                return "持平" + star
            return ("增长" if self.value > 0 else "下降") + number + self.unit + star
        if fmt == "unit":
            return number + self.unit + star
        return number + star


@dataclass(frozen=True)
class Paragraph:
    name: str
    kind: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Wording:
    title: str
    provisional_note: str
    industry_item: str
    tracking_item: str
    stale_note: str
    amount_decimals: int
    sections: tuple[Section, ...]


def fields_of(template: str) -> list[tuple[str, str]]:
    """(field, format) of every place in the template; a malformed template raises ValueError."""
    return [(name, spec or "") for _, name, spec, _ in string.Formatter().parse(template) if name is not None]


def _check(template: str, where: str, known: dict[str, str]) -> None:
    try:
        places = fields_of(template)
    except ValueError as err:
        raise WordingError(f"{WORDING_FILE.name}: template {where!r}: {err}") from err
    for name, spec in places:
        if name not in known:
            raise WordingError(f"{WORDING_FILE.name}: template {where!r} names an unknown field {{{name}}}; "
                               f"known: {', '.join(sorted(known))}")
        if spec not in FORMATS:
            raise WordingError(f"{WORDING_FILE.name}: template {where!r}: unknown format {{{name}:{spec}}}; "
                               f"known: {', '.join(f for f in FORMATS if f)}")
        if spec == "change" and known[name] not in ("pct", "pp"):
            raise WordingError(f"{WORDING_FILE.name}: template {where!r}: {{{name}:change}} needs a percent figure")
        if spec == "gap" and known[name] != "pp":
            raise WordingError(f"{WORDING_FILE.name}: template {where!r}: {{{name}:gap}} needs a gap in points")


def known_fields(kind: str) -> dict[str, str]:
    """The fields a paragraph of this kind may name, with their type."""
    fields = dict(COMMON)
    if kind in ("figures", "industries"):
        _, indicators = load_catalog()
        fields.update({i.id: TYPE_OF_KIND[i.kind] for i in indicators})
    fields.update(KIND_FIELDS.get(kind, {}))
    return fields


def load_wording(path: Path | None = None) -> Wording:
    """Parse and check the wording (default: WORDING_FILE); an unknown field, format or kind raises
    WordingError naming the template."""
    path = WORDING_FILE if path is None else path
    try:
        raw = read_yaml(path) or {}
    except yaml.YAMLError as err:
        raise WordingError(f"{Path(path).name}: not valid YAML: {err}") from err
    for key in ("title", "provisional_note", "industry_item", "sections"):
        if not raw.get(key):
            raise WordingError(f"{Path(path).name}: missing {key!r}")
    _check(raw["title"], "title", COMMON)
    _check(raw["provisional_note"], "provisional_note", {"min_coverage": "text"})
    _check(raw["industry_item"], "industry_item", ITEM_FIELDS)
    _check(raw.get("tracking_item", ""), "tracking_item", TRACKING_ITEM_FIELDS)
    _check(raw.get("stale_note", ""), "stale_note", {"reason": "text"})
    sections, seen = [], set()
    for sec in raw["sections"]:
        paragraphs = []
        for par in sec.get("paragraphs") or []:
            name, kind = str(par.get("name", "?")), par.get("kind")
            if name in seen:
                raise WordingError(f"{Path(path).name}: template {name!r} appears twice")
            seen.add(name)
            if kind not in KINDS:
                raise WordingError(f"{Path(path).name}: template {name!r}: kind {kind!r} is not one of {list(KINDS)}")
            sentences = tuple(str(s) for s in par.get("sentences") or [])
            if not sentences:
                raise WordingError(f"{Path(path).name}: template {name!r} has no sentences")
            known = known_fields(kind)
            for n, sentence in enumerate(sentences, 1):
                _check(sentence, f"{name}, sentence {n}", known)
            paragraphs.append(Paragraph(name, kind, sentences))
        sections.append(Section(str(sec.get("heading", "")), tuple(paragraphs)))
    return Wording(title=raw["title"], provisional_note=raw["provisional_note"], industry_item=raw["industry_item"],
                   stale_note=raw.get("stale_note", ""), tracking_item=raw.get("tracking_item", ""),
                   amount_decimals=int(raw.get("amount_decimals", 1)), sections=tuple(sections))


def _empty(value) -> bool:
    return value is None or value == [] or value == "" or (isinstance(value, Figure) and value.value is None)


def fill(template: str, values: dict) -> str | None:
    """The template with its places filled; None when a field it names has no value (the sentence is left out)."""
    out = []
    for literal, name, spec, _ in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        value = values.get(name)
        if _empty(value):
            return None
        if isinstance(value, Figure):
            out.append(value.text(spec or ""))
        elif isinstance(value, list):
            out.append("、".join(value))
        else:
            out.append(str(value))
    return "".join(out)
