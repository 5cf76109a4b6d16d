"""`zonestat forecast` and `zonestat forecast-check`: the full-year outlook and its honesty check."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from zonestat.cli.common import EXIT_USAGE, console, fail, print_table, require_db, settings, to_json

FULL_YEAR_SQL = """
select f.indicator_id, i.label_zh, i.label_en, f.ytd_actual / 1e4 as ytd_yi, f.full_year_mean / 1e4 as fy_yi,
       f.growth_mean_pct, f.growth_lo_80_pct, f.growth_hi_80_pct, f.growth_lo_95_pct, f.growth_hi_95_pct,
       f.target_growth_pct, f.required_rest_growth_pct, f.prob_meet_target, f.model, f.status
from marts.forecast_full_year as f join meta.indicators as i using (indicator_id)
where f.as_of = $as_of and f.breakdown = 'zone' order by i.headline nulls last, f.indicator_id
"""



def _month_to_forecast_from(as_of: str):
    """The --as-of month as a date; a usage error when it is not a month or leaves nothing to forecast."""
    from warehouse.period import PeriodError, parse_period

    try:
        period = parse_period(as_of)
    except PeriodError as err:
        raise fail(str(err), EXIT_USAGE) from err
    if period.month == 12:
        raise fail("--as-of 12 leaves no month to forecast; the year is complete", EXIT_USAGE)
    return period


def _pct(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


def forecast(as_of: str = typer.Option(..., "--as-of", help="Last month with data, e.g. 2024-06."),
             targets: Optional[Path] = typer.Option(None, help="Targets file (default: the shipped targets/<year>.yaml)."),
             json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """预测: forecast the rest of the year, full-year growth against the annual target (Prefect flow)."""
    from zonestat.cli.run import prefect_env

    period = _month_to_forecast_from(as_of)
    if targets is not None and not targets.is_file():
        raise fail(f"--targets {targets}: no such file (目标文件不存在)", EXIT_USAGE)
    require_db(settings())
    prefect_env()
    from flows.forecast import forecast_with_runner

    counts = forecast_with_runner(as_of, str(targets) if targets else None)
    if "skipped" in counts:
        raise fail(f"预测未生成 no forecast: {counts['skipped']}", 1)
    rows = full_year_rows(period)
    if json_out:
        print(to_json(rows))
        return
    print_full_year(rows, as_of)
    console.print(f"Parquet: {counts['exports']['full_year']}")


def full_year_rows(period) -> list[dict]:
    from warehouse.db import fetch_dicts, session

    with session(settings().db_path, read_only=True) as con:
        return fetch_dicts(con, FULL_YEAR_SQL, {"as_of": period})


def print_full_year(rows: list[dict], as_of: str) -> None:
    shown = [{"label": r["label_zh"], "fy": f"{r['fy_yi']:,.1f}",
              "growth": f"{_pct(r['growth_mean_pct'])} [{r['growth_lo_80_pct']:.1f}, {r['growth_hi_80_pct']:.1f}]",
              "target": _pct(r["target_growth_pct"]), "needed": _pct(r["required_rest_growth_pct"]),
              "prob": "—" if r["prob_meet_target"] is None else f"{r['prob_meet_target']:.0%}"} for r in rows]
    print_table(shown, {"label": "指标 Indicator", "fy": "全年 FY 亿元", "growth": "增速 growth [80%]",
                        "target": "目标 target", "needed": "余月需 needed", "prob": "达标 P(meet)"},
                title=f"截至 {as_of} 全年预测 Full-year outlook as of {as_of}")
    console.print("余月需: the growth the remaining months need (over the same months last year) to meet the "
                  "target; 达标: the share of 1,000 simulated paths of the chosen model that meet it.",
                  soft_wrap=True)


def forecast_check(as_of: str = typer.Option(..., "--as-of", help="The as-of month of a stored forecast."),
                   json_out: bool = typer.Option(False, "--json")) -> None:
    """预测检验: compare a stored forecast with the actual months ingested since (e.g. the H2 files)."""
    from warehouse.db import fetch_dicts, read_sql, session
    from warehouse.period import PeriodError, parse_period

    try:
        period = parse_period(as_of)
    except PeriodError as err:
        raise fail(str(err), EXIT_USAGE) from err
    with session(require_db(settings())) as con:
        from warehouse.forecasts import series_table

        con.register("_actual_series", series_table(con, period, through=period.replace(month=12)))
        rows = fetch_dicts(con, read_sql("reports/forecast_check.sql"), {"as_of": period})
    if json_out:
        print(to_json(rows))
        return
    if not rows:
        raise fail(f"no stored forecast as of {as_of} with actual months after it; run `zonestat forecast "
                   f"--as-of {as_of}` first, then ingest the later months", 1)
    print_table(rows, {"label_zh": "指标 Indicator", "months": "月数 months", "mape_pct": "MAPE %",
                       "in_80_pct": "覆盖 in 80%", "in_95_pct": "覆盖 in 95%", "error_pct": "余月合计误差 error %"},
                title=f"{as_of} 预测与实际 Forecast vs actual (zone)")


def forecast_enterprises(as_of: str = typer.Option(..., "--as-of", help="Last month with data, e.g. 2024-06."),
                         measure: str = typer.Option("gross_output_value", "--measure",
                                                     help="Measure to forecast per enterprise (meta.indicators.measure)."),
                         limit: int = typer.Option(0, "--limit", min=0, help="Only the first N enterprises by id (0: all)."),
                         chunk: int = typer.Option(250, "--chunk", min=1, help="Series per task."),
                         json_out: bool = typer.Option(False, "--json")) -> None:
    """企业预测: one H2 forecast per enterprise for a measure, fanned out on the task runner (Dask for a province)."""
    from warehouse.catalog import load_catalog
    from zonestat.cli.run import prefect_env

    _month_to_forecast_from(as_of)
    measures, _ = load_catalog()
    if measure not in measures:
        raise fail(f"--measure {measure}: unknown measure; one of: {', '.join(sorted(measures))}", EXIT_USAGE)
    require_db(settings())
    prefect_env()
    from flows.enterprise_forecast import enterprise_forecast_with_runner

    result = enterprise_forecast_with_runner(as_of, measure, limit, chunk)
    if json_out:
        print(to_json(result))
    else:
        console.print(f"企业预测 enterprise forecasts {measure} as of {as_of}: {result['forecast']:,} of "
                      f"{result['series']:,} enterprises forecast, {result['unusable']:,} unusable (too short or "
                      f"gapped), {result['chunks']} chunks in {result['seconds']:.1f} s")
        if result["export"]:
            console.print(f"Parquet: {result['export']}")
        if result["unusable_export"]:
            console.print(f"未预测的企业及原因 enterprises left out, with the reason: {result['unusable_export']}")
    if not result["forecast"]:
        raise typer.Exit(1)
