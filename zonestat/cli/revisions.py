"""`zonestat revisions`: what changed in a published period since its previous publication."""
from __future__ import annotations

from typing import Optional

import typer

from zonestat.cli.common import EXIT_USAGE, console, fail, print_table, require_db, settings, to_json

VINTAGES_SQL = """
select vintage_id, published_at, reason, rows_changed, max_load_id, previous_vintage, export_path
from marts.publications where period = $period order by vintage_id desc
"""
WINDOW_ZH = {"ytd": "累计 YTD", "month": "本月 month"}


def revisions(period: str = typer.Option(..., "--period", "-p", help="A published month, e.g. 2024-06."),
              vintage: Optional[int] = typer.Option(None, help="Compare this vintage with the one before it "
                                                   "(default: the latest)."),
              breakdown: Optional[str] = typer.Option(None, help="Only this breakdown (zone, local_industry, ...)."),
              json_out: bool = typer.Option(False, "--json", help="Print JSON instead of tables.")) -> None:
    """修订: what changed in a period's figures since its previous publication, and which loads did it."""
    from warehouse.db import fetch_dicts, read_sql, session
    from warehouse.period import PeriodError, parse_period
    from warehouse.marts_schema import ensure_marts

    try:
        month = parse_period(period)
    except PeriodError as err:
        raise fail(str(err), EXIT_USAGE) from err
    with session(require_db(settings())) as con:
        ensure_marts(con)
        vintages = fetch_dicts(con, VINTAGES_SQL, {"period": month})
        if not vintages:
            raise fail(f"{period}: 尚未发布 not published yet; run `zonestat indicators --period {period}`", 1)
        chosen = next((v for v in vintages if v["vintage_id"] == vintage), None) if vintage else vintages[0]
        if chosen is None:
            raise fail(f"{period} has no vintage {vintage}; its vintages: "
                       + ", ".join(str(v["vintage_id"]) for v in vintages), EXIT_USAGE)
        rows = fetch_dicts(con, read_sql("reports/revisions.sql"),
                           {"new": chosen["vintage_id"], "old": chosen["previous_vintage"]})
        stale = fetch_dicts(con, "select as_of, marked_at, reason from marts.forecast_stale order by as_of")
    if breakdown:
        rows = [r for r in rows if r["breakdown"] == breakdown]
    if json_out:
        print(to_json([{"vintages": vintages, "compared": chosen, "changes": rows, "stale_forecasts": stale}]))
        return
    print_table(vintages, {"vintage_id": "版本 vintage", "published_at": "发布 published", "reason": "原因 reason",
                           "rows_changed": "变动 changed", "max_load_id": "截至批次 up to load"},
                title=f"{period} 发布版本 Publications (vintages)")
    print_changes(period, chosen, rows)
    for r in stale:
        console.print(f"[yellow]预测待更新 stale forecast[/]: as of {r['as_of']:%Y-%m} rests on figures revised since "
                      f"({r['reason']}); run `zonestat forecast --as-of {r['as_of']:%Y-%m}`", soft_wrap=True)


def _show(value, decimals) -> str:
    return "—" if value is None else f"{value:,.{decimals}f}"


def print_changes(period: str, chosen: dict, rows: list[dict]) -> None:
    old = chosen["previous_vintage"]
    title = (f"{period} 版本 {chosen['vintage_id']} 相对版本 {old} 的变动 Changes of vintage {chosen['vintage_id']} "
             f"since vintage {old}" if old else f"{period} 首次发布 first publication (vintage {chosen['vintage_id']})")
    if old is None:
        console.print(title + f": {len(rows)} 项 figures")
        return
    shown = [{"label": r["label_zh"], "where": r["member"] if r["breakdown"] == "zone" else f"{r['breakdown']}: {r['member']}",
              "window": WINDOW_ZH.get(r["window"], r["window"]), "old": _show(r["old_value"], r["decimals"] + 1),
              "new": _show(r["new_value"], r["decimals"] + 1), "change": _show(r["change"], r["decimals"] + 1),
              "status": "" if r["old_status"] == r["new_status"] else f"{r['old_status']} → {r['new_status']}",
              "loads": r["added_files"] or "", "dropped": r["dropped_files"] or ""} for r in rows]
    columns = {"label": "指标 Indicator", "where": "范围 member", "window": "口径 window", "old": "原值 old",
               "new": "新值 new", "change": "变动 change", "status": "状态 status",
               "loads": "新增来源 loads added", "dropped": "不再使用 loads dropped"}
    for quiet in ("status", "dropped"):     # columns with nothing to say are left out
        if not any(r[quiet] for r in shown):
            columns.pop(quiet)
    print_table(shown, columns, title=title)
    console.print(f"{len(rows)} 项变动 figures changed", soft_wrap=True)
