"""`zonestat bulletin`: the period's written bulletin (统计月报) as a Word file."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from zonestat.cli.common import EXIT_USAGE, console, fail, require_db, settings


def bulletin(period: str = typer.Option(..., "--period", "-p", help="Month, e.g. 2024-06 (the 1-6月 bulletin)."),
             out: Optional[Path] = typer.Option(None, "--out", help="Folder to write into "
                                                "(default: $ZONESTAT_HOME/reports/YYYY-MM/).")) -> None:
    """简报: write the period's bulletin in the office's words (.docx); the report shows it too."""
    from warehouse.indicators import PeriodError, parse_period
    from zonestat.cli.output import check_out_dir
    from zonestat.report import build_bulletin
    from zonestat.report.data import NoFilings
    from zonestat.report.wording import WordingError

    try:
        period_date = parse_period(period)
    except PeriodError as err:
        raise fail(str(err), EXIT_USAGE) from err
    s = settings()
    db_path = require_db(s)
    out_dir = out if out is not None else s.reports / f"{period_date:%Y-%m}"
    check_out_dir(out_dir, "--out")
    try:
        paths = build_bulletin(db_path, period_date, out_dir)
    except NoFilings as err:
        raise fail(str(err), EXIT_USAGE) from err
    except WordingError as err:
        raise fail(f"bulletin wording (简报模板): {err}", EXIT_USAGE) from err
    console.print(f"简报 bulletin: {paths['docx']}")
