"""The monthly pipeline as Prefect flows: the stages run as tasks of one flow run, in order.

Single-threaded math is pinned here too (before numpy loads), not only by the CLI: a worker
starts flow runs without the CLI's environment, and statsmodels fits under a process worker ran
2-3x slower without it (prefect.yaml sets the same variables for every deployment).
"""
from __future__ import annotations

from models.threads import single_threaded_math

single_threaded_math()

import datetime as dt  # noqa: E402

from prefect import flow  # noqa: E402

from flows import stages  # noqa: E402
from flows.forecast import forecast_in_run, pipeline_task_runner  # noqa: E402
from report.publish import gate_failure_message, gate_markdown  # noqa: E402
from warehouse.lock import exclusive  # noqa: E402
from zonestat.settings import load_settings  # noqa: E402

MIN_FILED_SHARE = 0.5   # below this share of expected filers a month is not published (LowCoverage)


def check_period(period: str) -> str:
    """Refuse a malformed period before any work is done (2024-06; January is part of 1-2月)."""
    from warehouse.period import parse_period

    parse_period(period)
    return period


def gate_failure(period: str, gate: dict):
    """A Failed state naming the critical checks: the period's figures are not published."""
    from prefect.states import Failed

    stages.gate_failure_artifact(period, gate)
    return Failed(message=gate_failure_message(period, gate))


def not_ready(period: str, readiness: dict):
    """A Cancelled state named for why the month is not published: nothing filed, or too few."""
    from prefect.states import Cancelled

    if readiness["filed"] == 0:
        return Cancelled(name="NoData", message=f"{period}: 本期无数据 no filings for this month yet; nothing "
                                                "was published. Run again once its files are in.")
    return Cancelled(name="LowCoverage", message=(
        f"{period}: 报送率过低 coverage too low: {readiness['filed']} of {readiness['expected']} expected units "
        f"filed ({readiness['share']:.0%} < {readiness['floor']:.0%}); nothing was published. Run again when more "
        "have filed, or lower min_filed_share."))


def _run_name() -> str:
    """The flow run's name carries the period, also when a schedule leaves it empty."""
    from prefect.runtime import flow_run

    period = (flow_run.parameters or {}).get("period") or resolve_period()
    return f"monthly-{period}"


@flow(name="monthly-pipeline", flow_run_name=_run_name, task_runner=pipeline_task_runner())
def monthly_pipeline(period: str, paths: list[str] | None = None, allow_critical: bool = False,
                     lock_wait_seconds: float | None = None, min_filed_share: float = MIN_FILED_SHARE):
    """Ingest new filings, validate the period, compute its indicators and forecast, publish.

    A month with nothing filed, or fewer filers than `min_filed_share` of those expected, stops
    before anything is published (a Cancelled state named NoData or LowCoverage). A period failing
    a critical check stops (a Failed state naming the checks, and an artifact) unless
    allow_critical; the failing rows are quarantined either way. Holds the warehouse's run lock.
    """
    check_period(period)
    settings = load_settings()
    settings.ensure_dirs()
    wait = settings.lock_wait if lock_wait_seconds is None else lock_wait_seconds
    with exclusive(settings.db_path, wait, holder=f"monthly pipeline {period}"):
        since = stages.last_load_id()
        loaded = stages.ingest_files([str(p) for p in (paths or [settings.inbox])])
        readiness = stages.period_readiness(period, min_filed_share)
        if not readiness["ready"]:
            return not_ready(period, readiness)
        gate = stages.validation_gate(period)
        if gate["critical"] and not allow_critical:
            return gate_failure(period, gate)
        figures = stages.evaluate_indicators(period)
        outlook = forecast_in_run(period)
        report = stages.build_report(period)
        analyst = stages.publish_snapshot(period)
        markdown = stages.publish_artifacts(period, since, {**outputs(figures, outlook), **report,
                                                            "analyst_copy": analyst}, gate_markdown(gate))
    return {"period": period, "ingest": loaded, "validation": gate, "indicators": figures, "forecast": outlook,
            "briefing": markdown}


def outputs(figures: dict, outlook: dict) -> dict[str, str]:
    """The files a run produced, for the briefing (or why the forecast was skipped)."""
    paths = {"indicators_parquet": figures["parquet"]}
    if "skipped" in outlook:
        paths["forecast"] = "skipped: " + outlook["skipped"]
    else:
        paths.update({f"forecast_{name}_parquet": path for name, path in outlook["exports"].items()})
    return paths


def resolve_period(today: dt.date | None = None) -> str:
    """The month a run reports, by the reporting calendar (warehouse/calendar.py): from the close
    day (ZONESTAT_CLOSE_DAY, default the 12th) the month before, else the one before that; today
    is ZONESTAT_TODAY when pinned, else the date in Asia/Shanghai."""
    from zoneinfo import ZoneInfo

    from warehouse.calendar import reporting_period

    settings = load_settings()
    today = today or settings.today or dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return reporting_period(today, settings.close_day)


def previous_month(today: dt.date | None = None) -> str:
    """The month a run on `today` reports (kept for callers of the earlier name)."""
    return resolve_period(today)


@flow(name="scheduled-monthly-pipeline", flow_run_name=_run_name, task_runner=pipeline_task_runner())
def scheduled_monthly_pipeline(period: str = "", paths: list[str] | None = None, allow_critical: bool = False,
                               min_filed_share: float = MIN_FILED_SHARE):
    """The scheduled entry point: an empty period means the month the reporting calendar gives."""
    return monthly_pipeline.fn(period or resolve_period(), paths, allow_critical, None, min_filed_share)


@flow(name="forecast-only", flow_run_name="forecast-only-{period}", task_runner=pipeline_task_runner())
def forecast_only(period: str) -> dict:
    """Recompute the period's figures, the forecast and the briefing without ingesting anything."""
    check_period(period)
    with exclusive(load_settings().db_path, holder=f"forecast-only {period}"):
        since = stages.last_load_id()
        figures = stages.evaluate_indicators(period)
        outlook = forecast_in_run(period)
        report = stages.build_report(period)
        analyst = stages.publish_snapshot(period)
        markdown = stages.publish_artifacts(period, since, {**outputs(figures, outlook), **report,
                                                            "analyst_copy": analyst})
    return {"period": period, "indicators": figures, "forecast": outlook, "briefing": markdown}


@flow(name="backfill", flow_run_name="backfill-{start}-{end}")
def backfill(start: str, end: str, paths: list[str] | None = None, allow_critical: bool = False) -> dict:
    """Ingest once, then validate, compute and publish every period from start to end (January
    skipped); a period failing a critical check is held back (listed under `held`), the others go on."""
    from warehouse.period import Period

    periods = [str(p) for p in Period.parse(start).through(Period.parse(end))]   # refuses a bad period first
    settings = load_settings()
    settings.ensure_dirs()
    done, held = [], {}
    with exclusive(settings.db_path, holder=f"backfill {start}..{end}"):
        since = stages.last_load_id()
        stages.ingest_files([str(p) for p in (paths or [settings.inbox])])
        for period in periods:
            gate = stages.validation_gate(period)
            if gate["critical"] and not allow_critical:
                held[period] = gate_failure_message(period, gate)
                continue
            figures = stages.evaluate_indicators(period)
            report = stages.build_report(period)
            stages.publish_artifacts(period, since, {"indicators_parquet": figures["parquet"], **report},
                                     gate_markdown(gate))
            done.append(period)
        if done:
            stages.publish_snapshot(f"{start}-{end}")
    return {"published": done, "held": held}
