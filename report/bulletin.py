"""The written bulletin (统计月报): the wording's templates filled with the period's figures.

`read_bulletin` takes the figures from the marts (report/sql/bulletin_*.sql, rounded
there to each indicator's catalog precision); `compose` is pure: rows in, headed paragraphs out.
The same Bulletin is written to Word (report/word.py) and shown in the HTML report.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from report import read_sql
from report.wording import Figure, Wording, fill, load_wording
from warehouse.db import fetch_dicts
from warehouse.indicators import MIN_COVERAGE
from warehouse.period import Period

ZONE = "全区"
PERCENT_KINDS = {"growth", "ratio", "share"}
UNITS = {"%": "%", "亿元": "亿元", "万元": "万元", "个": "个"}


@dataclass
class BulletinSection:
    heading: str
    paragraphs: list[str]


@dataclass
class Bulletin:
    period: dt.date
    title: str
    sections: list[BulletinSection]
    note: str | None = None                     # the provisional note, when a figure is provisional
    stale_note: str | None = None               # the outlook's figures were revised since it was made
    left_out: list[str] = field(default_factory=list)   # sentences without figures, by template name

    @property
    def text(self) -> str:
        parts = [self.title] + [t for s in self.sections for t in [s.heading, *s.paragraphs]]
        return "\n".join(parts + [n for n in (self.note, self.stale_note) if n])


def period_fields(period: dt.date) -> dict[str, str]:
    month = period.month
    rest = "下半年" if month == 6 else (f"{month + 1}-12月" if month < 11 else "12月")
    return {"period_label": Period.of(period).ytd_months, "year": str(period.year), "rest_label": rest}


def figure(row: dict) -> Figure:
    unit = UNITS.get(row["unit"], "") if row["kind"] != "count" else "个"
    return Figure(row["value"], int(row["decimals"]), unit, row["status"] == "provisional")


def industry_items(wording: Wording, rows: list[dict], amounts: dict[str, float | None]) -> dict[str, list[str]]:
    """The local industries of industrial output growth, fastest first: growing and falling hardware
    industries and the others, each written with the `industry_item` template."""
    lists: dict[str, list[str]] = {"hardware_growing": [], "hardware_falling": [], "other_industries": []}
    for row in sorted(rows, key=lambda r: (r["value"] is None, -(r["value"] or 0), r["member"])):
        if row["value"] is None:
            continue
        growth = figure(row)
        amount = Figure(amounts.get(row["member"]), growth.decimals, "亿元", growth.provisional)
        text = fill(wording.industry_item, {"industry": row["member_label"], "growth": growth, "amount": amount})
        if text is None:
            continue
        key = "other_industries" if not row["hardware"] else \
            "hardware_growing" if row["value"] > 0 else "hardware_falling"
        lists[key].append(text)
    return lists


def outlook_values(row: dict, amount_decimals: int) -> dict:
    provisional, d = row["status"] == "provisional", int(row["decimals"])
    pct = lambda key, dec=d: Figure(row[key], dec, "%", provisional)  # noqa: E731
    return {"label": row["amount_label"], "ytd": Figure(row["ytd_yi"], amount_decimals, "亿元", provisional),
            "full_year": Figure(row["full_year_yi"], amount_decimals, "亿元", provisional),
            "growth": pct("growth"), "growth_lo_80": pct("growth_lo_80"), "growth_hi_80": pct("growth_hi_80"),
            "target": pct("target"), "required": pct("required"), "prob": pct("prob", 0)}


def tracking_values(row: dict, amount_decimals: int) -> dict:
    provisional, d = row["status"] == "provisional", int(row["decimals"])
    amount = lambda key: Figure(row[key], amount_decimals, "亿元", provisional)  # noqa: E731
    return {"label": row["label"], "industry": row.get("member_label"),
            "done_pct": Figure(row["done_pct"], d, "%", provisional),
            "path_pct": Figure(row["path_pct"], d, "%", provisional),
            "gap_pp": Figure(row["gap_pp"], d, "个百分点", provisional),
            "actual": amount("actual"), "path_amount": amount("path_amount"), "target_amount": amount("target_amount")}


def tracking_paragraphs(wording: Wording, rows: list[dict]) -> list[dict]:
    """One set of values per indicator (its zone row), with its industries behind and ahead of their
    paths (most behind first, most ahead first), each written with `tracking_item`."""
    out = []
    for zone in (r for r in rows if r.get("breakdown", "zone") == "zone"):
        values = tracking_values(zone, wording.amount_decimals)
        mine = [r for r in rows if r.get("breakdown") == "local_industry" and r["indicator_id"] == zone["indicator_id"]
                and r["gap_pp"] is not None]
        items = lambda rs: [t for t in (fill(wording.tracking_item, tracking_values(r, wording.amount_decimals))  # noqa: E731
                                        for r in rs) if t] if wording.tracking_item else []
        values["industries_behind"] = items(sorted((r for r in mine if r["gap_pp"] < 0), key=lambda r: r["gap_pp"]))
        values["industries_ahead"] = items(sorted((r for r in mine if r["gap_pp"] > 0), key=lambda r: -r["gap_pp"]))
        out.append(values)
    return out


def _sentences(name: str, sentences: tuple[str, ...], values: dict, left_out: list[str]) -> str | None:
    filled = []
    for n, sentence in enumerate(sentences, 1):
        text = fill(sentence, values)
        if text is None:
            left_out.append(f"{name}, sentence {n}")
        else:
            filled.append(text)
    return "".join(filled) or None


def compose(wording: Wording, period: dt.date, figures: list[dict], outlook: list[dict],
            tracking: list[dict] | None = None) -> Bulletin:
    """Fill every paragraph; a sentence whose figures are missing is left out (and listed)."""
    common = period_fields(period)
    zone = {r["indicator_id"]: figure(r) for r in figures if r["breakdown"] == "zone"}
    by_industry = [r for r in figures if r["breakdown"] == "local_industry"]
    growth_rows = [r for r in by_industry if r["indicator_id"] == "industrial_output_growth"]
    amounts = {r["member"]: r["value"] for r in by_industry if r["indicator_id"] == "industrial_output_value"}
    per_row = {"outlook": [outlook_values(r, wording.amount_decimals) for r in outlook],
               "tracking": tracking_paragraphs(wording, tracking or [])}
    sections, left_out = [], []
    for sec in wording.sections:
        paragraphs = []
        for par in sec.paragraphs:
            if par.kind in per_row:
                rows = per_row[par.kind]
            elif par.kind == "industries":
                rows = [{**zone, **industry_items(wording, growth_rows, amounts)}]
            else:
                rows = [zone]
            for values in rows:
                text = _sentences(par.name, par.sentences, {**common, **values}, left_out)
                if text:
                    paragraphs.append(text)
        if paragraphs:
            sections.append(BulletinSection(sec.heading, paragraphs))
    bulletin = Bulletin(period, fill(wording.title, common) or "", sections, left_out=left_out)
    if "*" in bulletin.text:
        bulletin.note = fill(wording.provisional_note, {"min_coverage": f"{MIN_COVERAGE * 100:.0f}"})
    return bulletin


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute("select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = ?",
                       [table]).fetchone()[0] > 0


def read_bulletin(con: duckdb.DuckDBPyConnection, period: dt.date, wording: Wording | None = None) -> Bulletin:
    """The period's bulletin from the marts (the period's indicators must be evaluated)."""
    wording = wording or load_wording()
    params = {"period": period, "amount_decimals": wording.amount_decimals}
    figures = fetch_dicts(con, read_sql("bulletin_figures.sql"), params)
    outlook = fetch_dicts(con, read_sql("bulletin_outlook.sql"), params) \
        if _has_table(con, "forecast_full_year") else []
    tracking = fetch_dicts(con, read_sql("bulletin_tracking.sql"), params) \
        if _has_table(con, "target_split") else []
    bulletin = compose(wording, period, figures, outlook, tracking)
    made = ({period} if outlook else set()) | {r["as_of"] for r in tracking}   # the forecasts and splits quoted
    if made and _has_table(con, "forecast_stale"):
        stale = con.execute("select reason from marts.forecast_stale where list_contains(?, as_of) order by as_of",
                            [sorted(made)]).fetchone()
        if stale and wording.stale_note:
            bulletin.stale_note = fill(wording.stale_note, {"reason": stale[0] or "数据修订"})
    return bulletin
