"""`zonestat report` and `zonestat bulletin`: the period's briefing (a self-contained HTML page and an
.xlsx workbook) and its written bulletin (统计月报, a Word file)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable, Optional

import typer

from zonestat.cli.common import EXIT_USAGE, console, fail, require_db, settings

PERIOD = typer.Option(..., "--period", "-p", help="Month, e.g. 2024-06 (the 1-6月 briefing).")
OUT = typer.Option(None, "--out", help="Folder to write into (default: $ZONESTAT_HOME/reports/YYYY-MM/).")


def _write(period: str, out: Optional[Path], build: Callable[[Path, dt.date, Path, Path], dict[str, Path]]) -> dict:
    """Check the period and the folder, then `build(db, period, folder, validation_dir)`; the data
    and template problems a user can fix exit 2 with one line."""
    from report.data import NoFilings
    from report.wording import WordingError
    from warehouse.period import PeriodError, parse_period
    from zonestat.cli.output import check_out_dir

    try:
        period_date = parse_period(period)
    except PeriodError as err:
        raise fail(str(err), EXIT_USAGE) from err
    s = settings()
    db_path = require_db(s)
    out_dir = out if out is not None else s.reports / f"{period_date:%Y-%m}"
    check_out_dir(out_dir, "--out")
    try:
        return build(db_path, period_date, out_dir, s.validation_dir)
    except NoFilings as err:
        raise fail(str(err), EXIT_USAGE) from err
    except WordingError as err:
        raise fail(f"bulletin wording (简报模板): {err}", EXIT_USAGE) from err


def report(period: str = PERIOD, out: Optional[Path] = OUT) -> None:
    """报告: write the period's briefing (HTML, opens offline) and a workbook with the same tables."""
    from report import build_report

    paths = _write(period, out, lambda db, p, folder, pages: build_report(db, p, folder, validation_dir=pages))
    console.print(f"报告 report: {paths['html']}")
    console.print(f"工作簿 workbook: {paths['xlsx']}")


def bulletin(period: str = PERIOD, out: Optional[Path] = OUT) -> None:
    """简报: write the period's bulletin in the office's words (.docx); the report shows it too."""
    from report import build_bulletin

    paths = _write(period, out, lambda db, p, folder, _pages: build_bulletin(db, p, folder))
    console.print(f"简报 bulletin: {paths['docx']}")
