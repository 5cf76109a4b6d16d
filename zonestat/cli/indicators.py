"""`zonestat indicators`: compute the catalog for a period, print the briefing, export Parquet."""
from __future__ import annotations

from typing import Optional

import typer

from zonestat.cli.common import EXIT_USAGE, console, fail, print_table, require_db, settings, to_json

STATUS_ZH = {"final": "正式 final", "provisional": "初步 provisional", "no_data": "无数据 no data", "no_base": "无基数 no base"}
ALERT_ZH = {"alert": "[red]预警 alert[/]", "normal": "正常 normal", "good": "[green]良好 good[/]", None: ""}
BREAKDOWN_SQL = """
select v.member, li.label_zh as member_zh, li.label_en as member_en, v.value, v.growth_pct,
       v.contribution_pct, v.pull_pp, v.n_in_scope, v.n_filed, v.status
from marts.indicator_values as v
left join meta.local_industries as li on li.id = v.member
where v.indicator_id = $indicator and v.period = $period and v.breakdown = $breakdown and v."window" = 'ytd'
order by v.value desc nulls last
"""


def compute(period_text: str, min_coverage: float | None = None):
    """Evaluate the catalog for the period, keep it as a vintage and export it; returns (period, path)."""
    from warehouse.db import session
    from warehouse.indicators import MIN_COVERAGE
    from warehouse.period import parse_period
    from warehouse.publication import publish_period

    period = parse_period(period_text)
    s = settings()
    with session(require_db(s)) as con:
        done = publish_period(con, period, s.exports, reason="zonestat indicators",
                              min_coverage=MIN_COVERAGE if min_coverage is None else min_coverage)
    return period, done.export_path


def briefing_rows(period) -> list[dict]:
    from warehouse.db import fetch_dicts, session

    with session(settings().db_path, read_only=True) as con:
        return fetch_dicts(con, "select * from marts.briefing where period = $p order by sort_order", {"p": period})


def print_briefing(rows: list[dict], lang: str = "zh") -> None:
    """The headline table; details (e.g. which industries grew) follow as lines."""
    label = "label_en" if lang == "en" else "label_zh"
    shown = []
    for r in rows:
        value = "—" if r["value"] is None else f"{r['value']:.{r['decimals']}f}" + \
            (" 个" if r["unit"] == "个" else r["unit"])
        shown.append({"label": r[label], "value": value, "basis": (r["basis_label"] or "").split(" ")[0],
                      "alert": ALERT_ZH.get(r["alert"], r["alert"]),
                      "status": STATUS_ZH.get(r["status"], r["status"]),
                      "filed": f"{r['n_filed']:,}/{r['n_in_scope']:,}"})
    title = rows[0]["period_label"] if rows else ""
    print_table(shown, {"label": "指标 Indicator", "value": "数值 Value", "basis": "口径 Basis", "alert": "预警 Alert",
                        "status": "状态 Status", "filed": "已报/应报 filed"},
                title=f"{title} 主要指标 Headline indicators")
    for r in rows:
        if r["detail"]:
            console.print(f"{r[label]}: {r['detail']}", soft_wrap=True)


def indicators(period: str = typer.Option(..., "--period", "-p", help="Month, e.g. 2024-06 (YTD 1-6月)."),
               lang: str = typer.Option("zh", help="Label language: zh or en."),
               json_out: bool = typer.Option(False, "--json", help="Print a JSON array instead of a table."),
               breakdown: Optional[str] = typer.Option(None, help="Also show industrial output growth by "
                                                       "local_industry or sub_area, with contribution and pull."),
               min_coverage: Optional[float] = typer.Option(None, min=0.0, max=1.0, help="Coverage below this share "
                                                           "marks a figure provisional (default 0.95).")) -> None:
    """指标: compute every catalog indicator for a period, print the briefing, export Parquet."""
    from warehouse.catalog import BREAKDOWNS
    from warehouse.period import PeriodError

    if lang not in ("zh", "en"):
        raise fail("--lang must be zh or en")
    if breakdown is not None and breakdown not in BREAKDOWNS - {"zone"}:
        raise fail(f"--breakdown must be one of {', '.join(sorted(BREAKDOWNS - {'zone'}))} (分组)")
    try:
        period_date, path = compute(period, min_coverage)
    except PeriodError as err:
        raise fail(str(err), EXIT_USAGE) from err
    rows = briefing_rows(period_date)
    if json_out:
        keys = ("indicator_id", "label_zh", "label_en", "value", "unit", "basis", "status", "alert", "detail",
                "n_in_scope", "n_filed", "n_without_base", "coverage_pct")
        print(to_json({k: r[k] for k in keys} for r in rows))
        return
    print_briefing(rows, lang)
    if breakdown:
        print_breakdown(period_date, breakdown)
    console.print(f"Parquet: {path}")


def print_breakdown(period_date, breakdown: str) -> None:
    from warehouse.db import fetch_dicts, session

    with session(settings().db_path, read_only=True) as con:
        rows = fetch_dicts(con, BREAKDOWN_SQL, {"indicator": "industrial_output_growth", "period": period_date,
                                                "breakdown": breakdown})
    for r in rows:
        r["name"] = f"{r['member_zh']} {r['member_en']}" if r["member_zh"] else r["member"]
    print_table(rows, {"name": "分组 Group", "value": "增速% growth", "contribution_pct": "贡献率% contribution",
                       "pull_pp": "拉动(百分点) pull pp", "n_filed": "已报 filed", "n_in_scope": "应报 in scope"},
                title=f"规上工业产值增速分组 Output growth by {breakdown}")
