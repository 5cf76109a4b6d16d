"""`zonestat report`: the period's briefing as a self-contained HTML page and an .xlsx workbook."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from zonestat.cli.common import EXIT_USAGE, console, fail, require_db, settings


def report(period: str = typer.Option(..., "--period", "-p", help="Month, e.g. 2024-06 (the 1-6月 briefing)."),
           out: Optional[Path] = typer.Option(None, "--out", help="Folder to write into "
                                              "(default: $ZONESTAT_HOME/reports/YYYY-MM/).")) -> None:
    """报告: write the period's briefing (HTML, opens offline) and a workbook with the same tables."""
    from warehouse.indicators import PeriodError, parse_period
    from zonestat.report import build_report
    from zonestat.cli.output import check_out_dir
    from zonestat.report.data import NoFilings

    try:
        period_date = parse_period(period)
    except PeriodError as err:
        raise fail(str(err), EXIT_USAGE) from err
    s = settings()
    db_path = require_db(s)
    out_dir = out if out is not None else s.reports / f"{period_date:%Y-%m}"
    check_out_dir(out_dir, "--out")
    try:
        paths = build_report(db_path, period_date, out_dir, validation_dir=s.validation_dir)
    except NoFilings as err:
        raise fail(str(err), EXIT_USAGE) from err
    console.print(f"报告 report: {paths['html']}")
    console.print(f"工作簿 workbook: {paths['xlsx']}")
