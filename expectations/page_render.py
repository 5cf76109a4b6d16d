"""Rendering the validation pages: Jinja2 templates in templates/, autoescaped, so every name and
value from the filings is shown as text. Labels are Chinese with English beside."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from warehouse.period import Period

if TYPE_CHECKING:
    from expectations.pages import RunPage

TEMPLATES = Path(__file__).resolve().parent / "templates"
SEVERITY = {"critical": ("强制", "critical"), "warning": ("核实", "warning")}
RESULT = {True: ("通过", "passed"), False: ("未通过", "failed")}
SOURCE = {"gx": ("GX 期望", "GX expectation"), "sql": ("SQL 审核", "SQL edit check")}
GROUP = {"structure": ("结构", "structure"), "identity": ("身份", "identity"), "values": ("数值", "values"),
         "plausibility": ("合理性", "plausibility"), "completeness": ("完整性", "completeness")}
HOLD = {"held": ("隔离中", "held out of core"), "released": ("已解除隔离", "released"),
        "not_held": ("不隔离", "not held (warning)"), "missing": ("未报送", "no filing"), "unknown": ("", "")}


def show(value: Any, fmt: str = "text") -> str:
    """A value as the page shows it: '' or '—' for nothing, thousands separated numbers."""
    if value is None or value == "":
        return "" if fmt == "text" else "—"
    if fmt == "int":
        return f"{value:,}"
    if fmt == "num":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if fmt == "pct":
        return f"{value * 100:.1f}%"
    if fmt == "date" and isinstance(value, dt.date):
        return f"{value:%Y-%m}"
    if fmt == "datetime" and isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    return str(value)


def label(pair: tuple[str, str]) -> Markup:
    """A Chinese label with its English beside, in the page's muted style."""
    zh, en = pair
    return Markup('{} <span class="en">{}</span>').format(zh, en) if en else Markup.escape(zh)


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True,
                      default_for_string=True), undefined=StrictUndefined)
    env.filters["show"] = show
    env.filters["label"] = label
    env.globals.update(css=Markup((TEMPLATES / "validation.css").read_text(encoding="utf-8")), SEVERITY=SEVERITY,
                       RESULT=RESULT, SOURCE=SOURCE, GROUP=GROUP, HOLD=HOLD)
    return env


def period_label(period: dt.date) -> str:
    """The reporting period in Chinese: 2024年6月 (February is 1-2月, filed together)."""
    return Period.of(period).label


def render_run(page: RunPage) -> str:
    return environment().get_template("validation_run.html.j2").render(
        p=page, run=page.run, v=page.verdict, period_label=period_label(page.run["period"]))


def render_index(runs: list[dict], generated_at: dt.datetime) -> str:
    return environment().get_template("validation_index.html.j2").render(
        runs=runs, generated_at=generated_at, period_label=period_label)
