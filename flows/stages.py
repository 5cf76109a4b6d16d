"""Prefect tasks: thin wrappers over plain functions in warehouse/ (no business logic here).

Tasks pass small values (paths, periods, counts) and open their own short-lived connections.
"""
from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from zonestat.settings import load_settings


@task(name="ingest-files", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def ingest_files(paths: list[str]) -> dict:
    """Load files into raw (each its own transaction) and rebuild core; retried: the loads are idempotent."""
    from warehouse.batch import ingest_paths

    settings = load_settings()
    batch = ingest_paths(settings.db_path, [Path(p) for p in paths], today=settings.today)
    return {"loaded": batch.count("loaded"), "skipped": batch.count("skipped"), "failed": batch.count("failed"),
            "rows_rejected": batch.rows_rejected, "built": batch.built}


@task(name="validation-gate", cache_policy=NO_CACHE)
def validation_gate(period: str) -> dict:
    """Suites and SQL checks for the period; critical rows quarantined and core rebuilt without them."""
    from warehouse.validation.gate import run_gate

    settings = load_settings()
    gate = run_gate(settings.db_path, period, docs_dir=settings.home / "validation" / "docs")
    failed = [{"check": r.check, "suite": r.suite, "severity": r.severity, "rows": r.unexpected_count,
               "reason": r.reason_zh or r.reason_en} for r in gate.results if not r.success]
    return {"run_id": gate.run_id, "status": gate.status, "quarantined": gate.quarantined,
            "released": gate.released, "provisional": gate.provisional, "docs": gate.docs_url,
            "critical": [f for f in failed if f["severity"] == "critical"],
            "warnings": [f for f in failed if f["severity"] != "critical"]}


@task(name="last-load-id", cache_policy=NO_CACHE)
def last_load_id() -> int:
    from warehouse.db import init_schema, session

    with session(load_settings().db_path) as con:
        init_schema(con)
        return con.execute("select coalesce(max(load_id), 0) from audit.loads").fetchone()[0]


@task(name="evaluate-indicators", cache_policy=NO_CACHE)
def evaluate_indicators(period: str) -> dict:
    """The whole catalog for the period into marts, then the Parquet export; returns counts and the path."""
    from warehouse.db import session
    from warehouse.exports import export_indicators
    from warehouse.indicators import evaluate, parse_period

    settings = load_settings()
    with session(settings.db_path) as con:
        rows = evaluate(con, parse_period(period))
        path = export_indicators(con, parse_period(period), settings.exports)
    return {"rows": rows, "parquet": str(path)}


@task(name="build-report", cache_policy=NO_CACHE)
def build_report(period: str) -> dict[str, str]:
    """The planners' HTML report and workbook for the period, under $ZONESTAT_HOME/reports/YYYY-MM/."""
    from warehouse.indicators import parse_period
    from zonestat.report import build_report as build
    from zonestat.report.data import NoFilings

    settings = load_settings()
    try:
        written = build(settings.db_path, parse_period(period), settings.reports / period)
    except NoFilings as err:
        return {"report": f"skipped: {err}"}
    return {f"report_{kind}": str(path) for kind, path in written.items()}


@task(name="publish-artifacts", cache_policy=NO_CACHE)
def publish_artifacts(period: str, since_load: int, outputs: dict[str, str], gate: str | None = None) -> str:
    """Markdown briefing and table artifacts for the run; returns the markdown."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    from warehouse import publish
    from warehouse.db import session
    from warehouse.indicators import parse_period

    with session(load_settings().db_path, read_only=True) as con:
        rows = publish.briefing(con, parse_period(period))
        loads = publish.load_summary(con, since_load)
        outlook = publish.full_year(con, parse_period(period))
    markdown = publish.briefing_markdown(parse_period(period), rows, loads, outputs, gate, outlook)
    key = f"briefing-{period}"
    create_markdown_artifact(markdown, key=key, description=f"{period} 主要指标 briefing")
    create_table_artifact([{k: r[k] for k in ("indicator_id", "label_zh", "value", "unit", "status", "alert")}
                           for r in rows], key=f"indicators-{period}", description=f"{period} 指标 indicators")
    if outlook:
        create_table_artifact(outlook, key=f"full-year-{period}", description=f"{period} 全年预测 full-year outlook")
    return markdown
