"""The period's briefing as one self-contained HTML page and an .xlsx workbook with the same tables.

`build_report` is a plain function (no Prefect): the CLI calls it, and a flow task can wrap it.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from warehouse.db import session

__all__ = ["build_bulletin", "build_report", "report_names"]
SQL_DIR = Path(__file__).resolve().parent / "sql"     # the report's and the bulletin's queries


def read_sql(name: str) -> str:
    """A query of the report part (report/sql/<name>)."""
    return (SQL_DIR / name).read_text(encoding="utf-8")


def report_names(period: dt.date) -> dict[str, str]:
    stem = f"zonestat-report-{period:%Y-%m}"
    return {"html": f"{stem}.html", "xlsx": f"{stem}.xlsx"}


def build_bulletin(db_path: Path, period: dt.date, out_dir: Path) -> dict[str, Path]:
    """The period's written bulletin (统计月报) as a Word file in out_dir (evaluating the months that
    lack indicators, as the report does); returns {"docx": path}."""
    from report.bulletin import read_bulletin
    from report.data import check_filings, ensure_periods
    from report.word import write_docx

    from warehouse.marts_schema import ensure_views

    with session(db_path) as con:
        check_filings(con, period)
        ensure_periods(con, period)
        ensure_views(con)     # the mart views: a warehouse from before them gets them
        bulletin = read_bulletin(con, period)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return {"docx": write_docx(bulletin, out_dir / f"zonestat-bulletin-{period:%Y-%m}.docx")}


def build_report(db_path: Path, period: dt.date, out_dir: Path, validation_dir: Path | None = None) -> dict[str, Path]:
    """Gather the period's tables (evaluating months that lack indicators), write the HTML page and
    the workbook into out_dir (each written to a temporary name, then renamed); returns the paths.
    With `validation_dir` (where the gate writes its pages), the data-quality section links the
    page of the period's latest validation run."""
    from report.bulletin import read_bulletin
    from report.data import gather, validation_page
    from report.evaluation import report_sections
    from report.html import render
    from report.workbook import write_workbook

    with session(db_path) as con:
        data = gather(con, period)
        data.bulletin = read_bulletin(con, period)
        sections = report_sections(con, period.year)
    out_dir = Path(out_dir)
    data.validation_page = validation_page(data.validation_run, validation_dir, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = report_names(period)
    paths = {kind: out_dir / name for kind, name in names.items()}
    tmp_html, tmp_xlsx = (paths[k].with_name(paths[k].name + ".tmp") for k in ("html", "xlsx"))
    tmp_html.write_text(render(data, sections), encoding="utf-8")
    write_workbook(data, tmp_xlsx)
    os.replace(tmp_html, paths["html"])
    os.replace(tmp_xlsx, paths["xlsx"])
    return paths
