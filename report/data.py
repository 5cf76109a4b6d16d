"""Gathering the report's rows from the warehouse: one SQL file per table (warehouse/sql/reports/).

The trend lines need every month of this year and last year: periods with filings but no
indicators yet are evaluated first (idempotent per period), which is why this opens the
warehouse for writing.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import duckdb

from report import read_sql
from warehouse.catalog import load_catalog
from warehouse.db import fetch_dicts
from warehouse.indicators import evaluate
from warehouse.period import Period
from warehouse.spec import load_contract

INDUSTRY_INDICATOR = "industrial_output_growth"   # the growth the industry chart breaks down
VALIDATION_TABLES = ("validation_runs", "validation_results", "validation_failures", "quarantine")


class NoFilings(ValueError):
    """The warehouse holds no filings for the period: there is nothing to report."""


@dataclass
class ReportData:
    """Everything the page and the workbook show, as plain rows (dicts) from the SQL files."""

    period: dt.date
    period_label: str
    generated_at: dt.datetime
    headline: list[dict]
    industries: list[dict]
    trends: list[dict]
    forecast: list[dict]
    forecast_monthly: list[dict]
    filings: list[dict]
    reasons: list[dict]
    followups: list[dict]
    lineage: list[dict]
    outside: list[dict]
    build: dict
    validation_run: dict | None = None
    validation_page: dict | None = None   # the latest run's offline page: path, and href from the report
    forecast_stale: dict | None = None
    target_split: list[dict] = field(default_factory=list)   # marts.target_split, latest as-of in the year
    tracking: list[dict] = field(default_factory=list)       # marts.target_tracking: path and actuals
    bulletin: object | None = None   # report.bulletin.Bulletin: the written bulletin's text
    evaluated: list[dt.date] = field(default_factory=list)

    def table(self, name: str) -> list[dict]:
        return getattr(self, name)


def query(con: duckdb.DuckDBPyConnection, name: str, **params) -> list[dict]:
    """Rows of report/sql/<name>.sql with its bound parameters."""
    return fetch_dicts(con, read_sql(f"{name}.sql"), params or None)


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return con.execute("select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
                       [schema, table]).fetchone()[0] > 0


def period_label(period: dt.date) -> str:
    """The year to the period: 2024年1-6月."""
    return Period.of(period).ytd_label


def check_filings(con: duckdb.DuckDBPyConnection, period: dt.date) -> None:
    """Refuse a period without filings in core (a report of empty tables helps nobody)."""
    built = con.execute("select count(*) from duckdb_views() where schema_name = 'marts' "
                        "and view_name = 'measure_facts'").fetchone()[0]
    periods = [r[0] for r in con.execute("select distinct period from marts.measure_facts order by period")
               .fetchall()] if built else []
    if period not in periods:
        known = f"{periods[0]:%Y-%m} .. {periods[-1]:%Y-%m}" if periods else "none"
        raise NoFilings(f"no filings for {period:%Y-%m} in the warehouse (本期无数据); periods loaded: {known}")


def ensure_periods(con: duckdb.DuckDBPyConnection, period: dt.date) -> list[dt.date]:
    """Evaluate the report's period and the months of this and last year that have no indicators yet."""
    done = []
    if not table_exists(con, "marts", "indicator_values"):
        evaluate(con, period)
        done.append(period)
    for row in query(con, "report_missing_periods", period=period):
        evaluate(con, row["period"])
        done.append(row["period"])
    return sorted(done)


def form_lists() -> dict[str, list[str]]:
    """Forms as parallel lists for the SQL: code, Chinese name, scope (from the catalog), table."""
    contract = load_contract()
    measures, indicators = load_catalog()
    scopes = sorted({(measures[i.measure]["form"], i.scope) for i in indicators if i.measure})
    by_code = {f.code: f for f in contract.forms.values()}
    return {"forms": [code for code, _ in scopes], "form_labels": [by_code[c].label_zh for c, _ in scopes],
            "form_scopes": [scope for _, scope in scopes],
            "all_forms": [f.code for f in contract.forms.values()],
            "form_tables": [f.table for f in contract.forms.values()]}


def latest_validation_run(con: duckdb.DuckDBPyConnection, period: dt.date) -> dict | None:
    rows = fetch_dicts(con, "select * from audit.validation_runs where period = ? and status in ('passed', 'failed') "
                            "order by run_id desc limit 1", [period])
    return rows[0] if rows else None


def validation_page(run: dict | None, validation_dir: Path | None, out_dir: Path) -> dict | None:
    """The offline page of the run (path, and a link relative to the report's folder), if written."""
    from expectations.pages import page_path

    if run is None or validation_dir is None:
        return None
    path = page_path(Path(validation_dir), run["period"], run["run_id"]).resolve()
    if not path.is_file():
        return {"run_id": run["run_id"], "path": str(path), "href": None}
    relative = os.path.relpath(path, Path(out_dir).resolve())
    return {"run_id": run["run_id"], "path": str(path), "href": quote(Path(relative).as_posix())}


def stage_problems(con: duckdb.DuckDBPyConnection, period: dt.date, validation: bool) -> None:
    """Temp tables _report_expected (who should have filed) and _report_problems (every problem)."""
    forms = form_lists()
    con.execute("create or replace temp table _report_expected as " + read_sql("report_expected_filers.sql"),
                {"period": period, "forms": forms["forms"], "form_labels": forms["form_labels"],
                 "form_scopes": forms["form_scopes"]})
    con.execute("create or replace temp table _report_problems as " + read_sql("report_problems_load.sql"),
                {"period": period})
    con.execute("insert into _report_problems by name " + read_sql("report_problems_missing.sql"),
                {"period": period})
    if validation:
        con.execute("insert into _report_problems by name " + read_sql("report_problems_validation.sql"),
                    {"period": period, "forms": forms["all_forms"], "form_tables": forms["form_tables"]})


def forecast_rows(con: duckdb.DuckDBPyConnection, period: dt.date) -> tuple[list[dict], list[dict]]:
    """The full-year outlook and its monthly path, or two empty lists when none is stored."""
    if not table_exists(con, "marts", "forecast_full_year"):
        return [], []
    outlook = query(con, "report_forecast_full_year", period=period)
    monthly = query(con, "report_forecast_monthly", period=period) \
        if outlook and table_exists(con, "marts", "forecast_monthly") else []
    labels = {r["indicator_id"]: r["label_zh"] for r in outlook}
    for row in monthly:
        row["label_zh"] = labels.get(row["indicator_id"], row["indicator_id"])
    return outlook, monthly


def gather(con: duckdb.DuckDBPyConnection, period: dt.date) -> ReportData:
    """Evaluate what is missing, then read every table of the report for the period."""
    from warehouse.marts_schema import ensure_marts, ensure_views

    check_filings(con, period)
    ensure_marts(con)
    ensure_views(con)     # the mart views: made here too, for a warehouse from before them
    evaluated = ensure_periods(con, period)
    validation = all(table_exists(con, "audit", t) for t in VALIDATION_TABLES)
    stage_problems(con, period, validation)
    headline = query(con, "report_headline", period=period)
    outlook, monthly = forecast_rows(con, period)
    build = query(con, "report_build_info", period=period)
    split = table_exists(con, "marts", "target_split")
    return ReportData(
        period=period, period_label=headline[0]["period_label"] if headline else period_label(period),
        generated_at=dt.datetime.now().replace(microsecond=0), headline=headline,
        industries=query(con, "report_industries", period=period, indicator=INDUSTRY_INDICATOR),
        trends=worded(query(con, "report_trends", period=period)), forecast=outlook, forecast_monthly=monthly,
        filings=query(con, "report_filings"), reasons=worded(query(con, "report_quality_reasons", period=period)),
        followups=query(con, "report_followups"), lineage=query(con, "report_lineage", period=period),
        outside=query(con, "report_outside_register", period=period),
        forecast_stale=next(iter(fetch_dicts(con, "select as_of, marked_at, reason from marts.forecast_stale "
                                                  "where as_of = ?", [period])), None),
        build=build[0] if build else {},
        validation_run=latest_validation_run(con, period) if validation else None, evaluated=evaluated,
        target_split=query(con, "report_target_split", period=period) if split else [],
        tracking=tracking_rows(con, period) if split else [])


def worded(rows: list[dict]) -> list[dict]:
    """Words for users: a trend row is labelled by its amount (规上工业产值, not 规上工业产值增速), a
    load check's reason gets its Chinese in front."""
    from report.labels import reason_words

    for row in rows:
        if "label_zh" in row and "month_amount" in row:
            row["amount_label"] = row["label_zh"].replace("增速", "")
        if "check_name" in row and row.get("source") != "validation":
            row["check_name"] = reason_words(row["check_name"])
    return rows


def tracking_rows(con: duckdb.DuckDBPyConnection, period: dt.date) -> list[dict]:
    return query(con, "report_target_tracking", period=period)
