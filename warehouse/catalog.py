"""The indicator catalog (config/indicators.yaml): loaded, checked, and written to meta tables."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from warehouse.spec import CONFIG_DIR, read_yaml

KINDS = {"level", "growth", "ratio", "share", "count"}
SCOPES = {"industry_above_scale", "trade_above_quota", "fai_projects"}
FILTER_ATTRS = {"is_manufacturing", "sei_flag", "hardware"}
BREAKDOWNS = {"zone", "local_industry", "sub_area", "sei_area"}
BASES = {"comparable", "published"}
CONDITIONS = {"growth_positive"}
UNIT_SCALE = {"%": 1.0, "个": 1.0, "亿元": 1e-4, "万元": 1.0}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogError(ValueError):
    """The catalog file is wrong; the message names the entry and the field."""


@dataclass(frozen=True)
class Indicator:
    id: str
    label_zh: str
    label_en: str
    kind: str
    measure: str | None
    denominator: str | None
    scope: str
    filters: dict
    numerator_filter: dict
    basis: str
    breakdowns: tuple[str, ...]
    unit: str
    decimals: int
    warn_below: float | None
    good_above: float | None
    headline: int | None
    count_of: str | None
    member_filter: str | None
    condition: str | None
    forecast: bool = False


def _check(cond: bool, entry: str, message: str) -> None:
    if not cond:
        raise CatalogError(f"indicators.yaml: entry {entry!r}: {message}")


def _indicator(raw: dict, measures: dict) -> Indicator:
    ident = str(raw.get("id", "?"))
    _check(bool(_ID.match(ident)), ident, "id must be snake_case")
    kind = raw.get("kind")
    _check(kind in KINDS, ident, f"kind {kind!r} is not one of {sorted(KINDS)}")
    _check(raw.get("scope") in SCOPES, ident, f"scope {raw.get('scope')!r} is not one of {sorted(SCOPES)}")
    for key in ("measure", "denominator"):
        if raw.get(key) is not None:
            _check(raw[key] in measures, ident, f"unknown {key} {raw[key]!r}; known: {', '.join(measures)}")
    _check(kind == "count" or raw.get("measure") is not None, ident, "needs a measure")
    _check(kind != "ratio" or raw.get("denominator") is not None, ident, "a ratio needs a denominator")
    for key in ("filters", "numerator_filter"):
        bad = set(raw.get(key) or {}) - FILTER_ATTRS
        _check(not bad, ident, f"bad {key} {sorted(bad)}; allowed: {sorted(FILTER_ATTRS)}")
        _check(all(isinstance(v, bool) for v in (raw.get(key) or {}).values()), ident, f"{key} values must be true/false")
    _check(kind != "share" or bool(raw.get("numerator_filter")), ident, "a share needs a numerator_filter")
    breakdowns = tuple(raw.get("breakdowns") or ["zone"])
    _check(set(breakdowns) <= BREAKDOWNS and "zone" in breakdowns, ident,
           f"breakdowns must include zone and come from {sorted(BREAKDOWNS)}")
    basis = raw.get("basis", "comparable")
    _check(basis in BASES, ident, f"basis {basis!r} is not one of {sorted(BASES)}")
    _check(raw.get("unit") in UNIT_SCALE, ident, f"unit {raw.get('unit')!r} is not one of {sorted(UNIT_SCALE)}")
    _check(not raw.get("forecast") or kind == "growth", ident, "only growth indicators can be forecast")
    if kind == "count":
        _check(raw.get("condition") in CONDITIONS, ident, f"condition must be one of {sorted(CONDITIONS)}")
        _check(raw.get("member_filter") in FILTER_ATTRS | {None}, ident, "bad member_filter")
    return Indicator(
        id=ident, label_zh=str(raw.get("label_zh", ident)), label_en=str(raw.get("label_en", ident)), kind=kind,
        measure=raw.get("measure"), denominator=raw.get("denominator"), scope=raw["scope"],
        filters=dict(raw.get("filters") or {}), numerator_filter=dict(raw.get("numerator_filter") or {}),
        basis=basis, breakdowns=breakdowns, unit=raw["unit"], decimals=int(raw.get("decimals", 1)),
        warn_below=raw.get("warn_below"), good_above=raw.get("good_above"), headline=raw.get("headline"),
        count_of=raw.get("count_of"), member_filter=raw.get("member_filter"), condition=raw.get("condition"),
        forecast=bool(raw.get("forecast")))


def load_catalog(path: Path = CONFIG_DIR / "indicators.yaml") -> tuple[dict, list[Indicator]]:
    """Parse and check the catalog; a problem raises CatalogError naming the entry."""
    try:
        raw = read_yaml(path)
    except yaml.YAMLError as err:
        raise CatalogError(f"{Path(path).name}: not valid YAML: {err}") from err
    measures = dict(raw.get("measures") or {})
    items = [_indicator(entry, measures) for entry in raw.get("indicators") or []]
    seen: set[str] = set()
    for ind in items:
        _check(ind.id not in seen, ind.id, "duplicate id")
        seen.add(ind.id)
    for ind in items:
        if ind.kind == "count":
            target = next((i for i in items if i.id == ind.count_of), None)
            _check(target is not None and target.kind == "growth", ind.id, "count_of must name a growth indicator")
            _check("local_industry" in target.breakdowns, ind.id, "count_of must break down by local_industry")
    return measures, items


def write_meta(con: duckdb.DuckDBPyConnection, path: Path = CONFIG_DIR / "indicators.yaml") -> list[Indicator]:
    """meta.indicators: one row per catalog entry, the input of the set-based model."""
    measures, items = load_catalog(path)
    by_id = {i.id: i for i in items}

    def form_of(ind: Indicator) -> str:
        measure = ind.measure if ind.kind != "count" else by_id[ind.count_of].measure
        return str(measures[measure]["form"])

    con.execute("""create or replace table meta.indicators (
        indicator_id varchar primary key, label_zh varchar, label_en varchar, kind varchar, measure varchar,
        denominator varchar, scope varchar, basis varchar, breakdowns varchar[], unit varchar, unit_scale double,
        decimals integer, warn_below double, good_above double, headline integer,
        filter_is_manufacturing boolean, filter_sei_flag boolean, filter_hardware boolean,
        num_is_manufacturing boolean, num_sei_flag boolean, num_hardware boolean,
        count_of varchar, member_filter varchar, condition varchar, forecast boolean, form varchar)""")
    rows = [
        (i.id, i.label_zh, i.label_en, i.kind, i.measure, i.denominator, i.scope, i.basis, list(i.breakdowns),
         i.unit, UNIT_SCALE[i.unit], i.decimals, i.warn_below, i.good_above, i.headline,
         i.filters.get("is_manufacturing"), i.filters.get("sei_flag"), i.filters.get("hardware"),
         i.numerator_filter.get("is_manufacturing"), i.numerator_filter.get("sei_flag"),
         i.numerator_filter.get("hardware"), i.count_of, i.member_filter, i.condition, i.forecast, form_of(i))
        for i in items]
    # one statement for every row: DuckDB's executemany costs a statement per row (24 ms for 15)
    row = "(" + ", ".join("?" * 26) + ")"
    con.execute("insert into meta.indicators values " + ", ".join([row] * len(rows)),
                [value for r in rows for value in r])
    return items
