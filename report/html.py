"""The report page: one self-contained HTML file (inline CSS and SVG, no script, no downloads).

Rendered by Jinja2 with autoescaping on, so every name and text from the filings is shown as
text; the page's Content-Security-Policy forbids scripts and outside resources as a second line.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from report.charts import industry_bars, trend_lines
from report.data import INDUSTRY_INDICATOR, ReportData
from report.fan import cumulative_fan, fan_chart
from report.tables import TABLES, show
from warehouse.indicators import MIN_COVERAGE

TEMPLATES = Path(__file__).resolve().parent / "templates"
NUMERIC = {"int", "num1", "num2", "prob", "value"}
MONTHS_EN = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
WRAP_KEYS = {"detail", "example", "problems", "files", "check_name"}


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True,
                      default_for_string=True), undefined=StrictUndefined, trim_blocks=False)
    env.filters["show"] = show
    return env


def amount_label(label: str) -> str:
    """The amount behind a growth indicator's label: 规上工业产值增速 -> 规上工业产值."""
    return label.replace("增速", "").replace(" growth", "")


def trend_charts(data: ReportData) -> list[Markup]:
    """One small chart per main flow indicator: this year's months against last year's (亿元)."""
    charts, year = [], data.period.year
    order = list(dict.fromkeys(r["indicator_id"] for r in data.trends))
    for ident in order:
        rows = [r for r in data.trends if r["indicator_id"] == ident]
        points = {y: [(r["month"], r["month_amount"] / 1e4) for r in rows
                      if r["year"] == y and r["month_amount"] is not None] for y in (year, year - 1)}
        charts.append(trend_lines(amount_label(rows[0]["label_zh"]), amount_label(rows[0]["label_en"]), year,
                                  points[year], points[year - 1]))
    return charts


def fan_panels(data: ReportData) -> list[dict]:
    """Per forecast indicator: the cumulative fan chart and the outlook row beside it."""
    panels = []
    for row in data.forecast:
        ident = row["indicator_id"]
        actual = [(r["month"], r["ytd_amount"]) for r in data.trends if r["indicator_id"] == ident
                  and r["year"] == data.period.year and r["ytd_amount"] is not None]
        monthly = [m for m in data.forecast_monthly if m["indicator_id"] == ident]
        fan = cumulative_fan(actual, row, monthly)
        panels.append({"row": row, "chart": fan_chart(fan, row["label_zh"], row["label_en"], row["target_growth_pct"]),
                       "chart_narrow": fan_chart(fan, row["label_zh"], row["label_en"], row["target_growth_pct"],
                                                 width=400)})
    return panels


def context(data: ReportData) -> dict:
    zone = next((r for r in data.headline if r["indicator_id"] == INDUSTRY_INDICATOR), None)
    month = MONTHS_EN[data.period.month - 1]   # not %b: that follows the machine's locale
    return {
        "d": data, "tables": TABLES, "numeric": NUMERIC, "wrap_keys": WRAP_KEYS,
        "min_coverage_pct": f"{MIN_COVERAGE * 100:.0f}%",
        "css": Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        "period_en": f"Jan-{month} {data.period.year}",
        "provisional": [r["label_zh"] for r in data.headline if r["status"] == "provisional"],
        "industry_chart": industry_bars(data.industries, zone["value"] if zone else None),
        "industry_chart_narrow": industry_bars(data.industries, zone["value"] if zone else None, width=400),
        "industry_label": zone["label_zh"] if zone else INDUSTRY_INDICATOR,
        "trend_charts": trend_charts(data), "fans": fan_panels(data),
        "evaluated": [f"{p:%Y-%m}" for p in data.evaluated],
        "split_main": [r for r in data.target_split if r["indicator_id"] == data.target_split[0]["indicator_id"]]
        if data.target_split else [],
        "split_rest": [r for r in data.target_split if r["indicator_id"] != data.target_split[0]["indicator_id"]],
        "lineage_this": [r for r in data.lineage if r["period"].year == data.period.year],
        "lineage_last": [r for r in data.lineage if r["period"].year != data.period.year],
    }


def render(data: ReportData, sections: list[Markup] | tuple = ()) -> str:
    """The page; `sections` are self-contained extra sections (e.g. the enterprise evaluation)."""
    return _environment().get_template("report.html.j2").render(**context(data), extra_sections=list(sections))
