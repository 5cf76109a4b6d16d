"""The monthly pipeline as Prefect flows: one flow per stage, run in order by a parent flow."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from prefect import flow

from flows import stages
from flows.forecast import forecast_with_runner
from warehouse.lock import exclusive
from warehouse.publish import gate_failure_message, gate_markdown
from zonestat.settings import load_settings


def check_period(period: str) -> str:
    """Refuse a malformed period before any work is done (2024-06; January is part of 1-2月)."""
    from warehouse.indicators import parse_period

    parse_period(period)
    return period


@flow(name="ingest", flow_run_name="ingest")
def ingest_flow(paths: list[str] | None = None) -> dict:
    """Load new files from the given paths, or from the inbox of ZONESTAT_HOME."""
    settings = load_settings()
    settings.ensure_dirs()
    return stages.ingest_files([str(p) for p in (paths or [settings.inbox])])


@flow(name="validate", flow_run_name="validate-{period}")
def validate_flow(period: str) -> dict:
    return stages.validation_gate(check_period(period))


def gate_failure(period: str, gate: dict):
    """A Failed state naming the critical checks: the period's figures are not published."""
    from prefect.states import Failed

    return Failed(message=gate_failure_message(period, gate))


@flow(name="indicators", flow_run_name="indicators-{period}")
def indicators_flow(period: str) -> dict:
    return stages.evaluate_indicators(check_period(period))


@flow(name="publish", flow_run_name="publish-{period}")
def publish_flow(period: str, since_load: int, outputs: dict[str, str], gate: str | None = None) -> str:
    """The planners' report and workbook, then the run's artifacts pointing at every output."""
    check_period(period)
    report = stages.build_report(period)
    return stages.publish_artifacts(period, since_load, {**outputs, **report}, gate)


@flow(name="monthly-pipeline", flow_run_name="monthly-{period}")
def monthly_pipeline(period: str, paths: list[str] | None = None, allow_critical: bool = False,
                     lock_wait_seconds: float | None = None):
    """Ingest new filings, validate the period, compute its indicators and forecast, publish.

    A period failing a critical check stops here (a Failed state naming the checks) unless
    allow_critical; the failing rows are quarantined either way. Holds the warehouse's run lock:
    a second run for the same warehouse waits (`lock_wait_seconds`, default ZONESTAT_LOCK_WAIT),
    then fails clearly.
    """
    check_period(period)
    settings = load_settings()
    settings.ensure_dirs()
    with exclusive(settings.db_path, lock_wait_seconds, holder=f"monthly pipeline {period}"):
        since = stages.last_load_id()
        loaded = ingest_flow(paths)
        gate = validate_flow(period)
        if gate["critical"] and not allow_critical:
            return gate_failure(period, gate)
        figures = indicators_flow(period)
        outlook = forecast_with_runner(period)
        markdown = publish_flow(period, since, outputs(figures, outlook), gate_markdown(gate))
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


@flow(name="scheduled-monthly-pipeline", flow_run_name="scheduled-{period}")
def scheduled_monthly_pipeline(period: str = "", paths: list[str] | None = None, allow_critical: bool = False):
    """The scheduled entry point: an empty period means the month before today (Asia/Shanghai)."""
    return monthly_pipeline(period or previous_month(), paths, allow_critical)


def previous_month(today: dt.date | None = None) -> str:
    """The month just closed. January is reported with February, so the February run (whose
    closed month would be January) recomputes last December instead; March's run gives 1-2月."""
    today = today or dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    if month == 1:  # the January run would ask for January, which is reported with February
        year, month = year - 1, 12
    return f"{year}-{month:02d}"


@flow(name="forecast-only", flow_run_name="forecast-only-{period}")
def forecast_only(period: str) -> dict:
    """Recompute the period's figures, the forecast and the briefing without ingesting anything."""
    check_period(period)
    with exclusive(load_settings().db_path, holder=f"forecast-only {period}"):
        since = stages.last_load_id()
        figures = indicators_flow(period)
        outlook = forecast_with_runner(period)
        markdown = publish_flow(period, since, outputs(figures, outlook))
    return {"period": period, "indicators": figures, "forecast": outlook, "briefing": markdown}


@flow(name="backfill", flow_run_name="backfill-{start}-{end}")
def backfill(start: str, end: str, paths: list[str] | None = None, allow_critical: bool = False) -> dict:
    """Ingest once, then validate, compute and publish every period from start to end (January
    skipped); a period failing a critical check is held back (listed under `held`), the others go on."""
    from warehouse.indicators import parse_period

    first, last = parse_period(check_period(start)), parse_period(check_period(end))
    periods = months_between(first, last)
    settings = load_settings()
    settings.ensure_dirs()
    done, held = [], {}
    with exclusive(settings.db_path, holder=f"backfill {start}..{end}"):
        since = stages.last_load_id()
        ingest_flow(paths)
        for period in periods:
            gate = validate_flow(period)
            if gate["critical"] and not allow_critical:
                held[period] = gate_failure_message(period, gate)
                continue
            figures = indicators_flow(period)
            publish_flow(period, since, {"indicators_parquet": figures["parquet"]}, gate_markdown(gate))
            done.append(period)
    return {"published": done, "held": held}


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """Reporting periods from first to last inclusive, January left out (it is part of 1-2月)."""
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        if month != 1:
            out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
