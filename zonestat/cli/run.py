"""`zonestat run`: the monthly pipeline as a local Prefect flow run (no server needed)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from zonestat.cli.common import EXIT_DATA, EXIT_USAGE, console, fail, settings


def prefect_env() -> None:
    """Telemetry off and Prefect's state inside ZONESTAT_HOME unless the user set PREFECT_HOME."""
    s = settings()
    os.environ.setdefault("PREFECT_HOME", str(s.home / "prefect"))
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def run(period: str = typer.Option(..., "--period", "-p", help="Month to compute, e.g. 2024-06."),
        paths: Optional[list[Path]] = typer.Option(None, "--path", help="Files or folders to ingest first "
                                                   "(default: the inbox of ZONESTAT_HOME)."),
        allow_critical: bool = typer.Option(False, "--allow-critical", help="Publish even when critical checks "
                                            "failed (the failing rows stay quarantined, out of the figures).")) -> None:
    """运行: ingest, validate, compute indicators and forecast, publish the report (Prefect flow)."""
    from warehouse.period import PeriodError, parse_period

    try:
        parse_period(period)
    except PeriodError as err:
        raise fail(str(err), EXIT_USAGE) from err
    prefect_env()
    settings().ensure_dirs()
    from flows.pipeline import monthly_pipeline

    state = monthly_pipeline(period=period, paths=[str(p) for p in paths] if paths else None,
                             allow_critical=allow_critical, return_state=True)
    if state.is_cancelled():        # NoData / LowCoverage: stopped before publishing anything
        raise fail(f"未发布 not published ({state.name}): {state.message}", EXIT_DATA)
    if not state.is_completed():
        raise fail(f"审核未通过或运行失败 run did not complete: {state.message}", EXIT_DATA)
    console.print(state.result()["briefing"], soft_wrap=True)
