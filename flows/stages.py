"""Prefect tasks: thin wrappers over plain functions in warehouse/ (no business logic here).

Tasks pass small values (paths, periods, counts) and open their own short-lived connections.
"""
from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.logs import run_log

from zonestat.settings import load_settings


@task(name="ingest-files", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def ingest_files(paths: list[str]) -> dict:
    """Load files into raw (each its own transaction) and rebuild core; retried: the loads are idempotent."""
    from warehouse.batch import ingest_paths

    settings = load_settings()
    batch = ingest_paths(settings.db_path, [Path(p) for p in paths], exports_dir=settings.exports,
                         today=settings.today)
    log = run_log()
    by_form: dict[str, list] = {}
    for r in batch.results:
        by_form.setdefault(r.form or "?", []).append(r)
        if r.status == "failed" or r.rows_rejected:
            log.warning("%s %s: %s, %d rows read, %d loaded, %d rejected%s", r.status, r.path.name, r.form or "?",
                        r.rows_read, r.rows_loaded, r.rows_rejected, f" ({r.message})" if r.message else "")
    for form, results in sorted(by_form.items()):
        log.info("入库 %s: %d files (%d loaded, %d already loaded, %d failed), %d rows read, %d loaded, %d rejected",
                 form, len(results), sum(r.status == "loaded" for r in results),
                 sum(r.status == "skipped" for r in results), sum(r.status == "failed" for r in results),
                 sum(r.rows_read for r in results), sum(r.rows_loaded for r in results),
                 sum(r.rows_rejected for r in results))
    log.info("core: %s build %.2f s, periods changed: %s; published periods refreshed: %s", batch.refreshed.kind,
             batch.build_seconds, ", ".join(f"{p:%Y-%m}" for p in sorted(batch.refreshed.changed)) or "none",
             ", ".join(f"{p.period:%Y-%m} (vintage {p.vintage_id})" for p in batch.republished) or "none")
    return {"loaded": batch.count("loaded"), "skipped": batch.count("skipped"), "failed": batch.count("failed"),
            "rows_rejected": batch.rows_rejected, "built": batch.built,
            "republished": [p.period.isoformat()[:7] for p in batch.republished]}


@task(name="validation-gate", cache_policy=NO_CACHE)
def validation_gate(period: str) -> dict:
    """Suites and SQL checks for the period; critical rows quarantined and core rebuilt without them."""
    from expectations.gate import run_gate

    settings = load_settings()
    gate = run_gate(settings.db_path, period, pages_dir=settings.validation_dir)
    failed = [{"check": r.check, "suite": r.suite, "severity": r.severity, "rows": r.unexpected_count,
               "reason": r.reason_zh or r.reason_en} for r in gate.results if not r.success]
    run_log().info("%s: validation run %s %s, %d rows checked, %d quarantined, %d released, %d critical, "
                          "%d warnings", period, gate.run_id, gate.status, gate.rows_checked, gate.quarantined,
                          gate.released, len([f for f in failed if f["severity"] == "critical"]),
                          len([f for f in failed if f["severity"] != "critical"]))
    return {"run_id": gate.run_id, "status": gate.status, "quarantined": gate.quarantined,
            "released": gate.released, "provisional": gate.provisional,
            "docs": str(gate.page) if gate.page else None,
            "critical": [f for f in failed if f["severity"] == "critical"],
            "warnings": [f for f in failed if f["severity"] != "critical"]}


@task(name="period-readiness", cache_policy=NO_CACHE)
def period_readiness(period: str, floor: float) -> dict:
    """Filed against expected units of the period, per scope; ready when anything was filed and
    the above-scale industrial share (the headline forms') reaches `floor`."""
    from warehouse.db import fetch_dicts, read_sql, session
    from warehouse.period import parse_period

    with session(load_settings().db_path, read_only=True) as con:
        scopes = fetch_dicts(con, read_sql("reports/period_readiness.sql"), {"period": parse_period(period)})
    filed, expected = sum(r["filed"] for r in scopes), sum(r["expected"] for r in scopes)
    share = filed / expected if expected else (1.0 if filed else 0.0)
    ready = filed > 0 and share >= floor
    run_log().info("%s: %d of %d expected units filed (%.0f%%; floor %.0f%%): %s", period, filed, expected,
                          share * 100, floor * 100, "ready" if ready else "not published")
    return {"filed": filed, "expected": expected, "share": share, "floor": floor, "ready": ready, "scopes": scopes}


@task(name="gate-failure-artifact", cache_policy=NO_CACHE)
def gate_failure_artifact(period: str, gate: dict) -> str:
    """A markdown artifact for a run the validation gate stopped: checks, follow-ups, what to do."""
    from prefect.artifacts import create_markdown_artifact

    from expectations.followups import followup_rows
    from report.publish import gate_failure_markdown
    from warehouse.db import session
    from warehouse.period import parse_period

    with session(load_settings().db_path, read_only=True) as con:
        rows = followup_rows(con, parse_period(period))
    counts: dict[str, int] = {}
    for severity in sorted({r.get("severity_label") or "?" for r in rows}):
        counts[severity] = len({r["unit_id"] for r in rows if (r.get("severity_label") or "?") == severity})
    markdown = gate_failure_markdown(period, gate, counts)
    create_markdown_artifact(markdown, key=f"gate-failed-{period}", description=f"{period} 审核未通过 gate failed")
    run_log().warning("%s: validation gate failed %d critical check(s); see the artifact gate-failed-%s",
                             period, len(gate["critical"]), period)
    return markdown


@task(name="last-load-id", cache_policy=NO_CACHE)
def last_load_id() -> int:
    from warehouse.db import session
    from warehouse.materialize import materialize

    with session(load_settings().db_path) as con:
        materialize(con)
        return con.execute("select coalesce(max(load_id), 0) from audit.loads").fetchone()[0]


@task(name="evaluate-indicators", cache_policy=NO_CACHE)
def evaluate_indicators(period: str) -> dict:
    """The whole catalog for the period into marts, kept as a vintage, then the Parquet export;
    returns counts, the vintage and the path."""
    from warehouse.db import session
    from warehouse.period import parse_period
    from warehouse.publication import publish_period

    settings = load_settings()
    with session(settings.db_path) as con:
        done = publish_period(con, parse_period(period), settings.exports, reason="monthly pipeline")
        rows = con.execute("select count(*) from marts.indicator_values where period = ?", [done.period]).fetchone()[0]
    run_log().info("%s: %d indicator rows, vintage %d (%s), exported to %s", period, rows, done.vintage_id,
                          f"{done.rows_changed} changed" if done.new else "unchanged", done.export_path)
    return {"rows": rows, "parquet": str(done.export_path), "vintage": done.vintage_id}


@task(name="build-report", cache_policy=NO_CACHE)
def build_report(period: str) -> dict[str, str]:
    """The planners' HTML report and workbook and the written bulletin (.docx) for the period, under
    $ZONESTAT_HOME/reports/YYYY-MM/."""
    from report import build_bulletin, build_report as build
    from report.data import NoFilings
    from warehouse.period import parse_period

    settings = load_settings()
    try:
        written = build(settings.db_path, parse_period(period), settings.reports / period,
                        validation_dir=settings.validation_dir)
        written.update(build_bulletin(settings.db_path, parse_period(period), settings.reports / period))
    except NoFilings as err:
        run_log().warning("%s: report skipped: %s", period, err)
        return {"report": f"skipped: {err}"}
    run_log().info("%s: report written: %s", period, ", ".join(str(p) for p in written.values()))
    return {f"report_{kind}": str(path) for kind, path in written.items()}


@task(name="publish-snapshot", cache_policy=NO_CACHE)
def publish_snapshot(label: str) -> str:
    """The analysts' read-only copy of core and marts, swapped in atomically ($ZONESTAT_HOME/analyst.duckdb)."""
    from warehouse.db import session
    from warehouse.snapshot import publish_snapshot as publish

    settings = load_settings()
    with session(settings.db_path, read_only=True) as con:
        done = publish(con, settings.home, label)
    run_log().info("analysts' copy published: %s (%d tables, %d rows, %.1f s)", done.database, done.tables,
                          done.rows, done.seconds)
    return str(done.database)


@task(name="publish-artifacts", cache_policy=NO_CACHE)
def publish_artifacts(period: str, since_load: int, outputs: dict[str, str], gate: str | None = None) -> str:
    """Markdown briefing and table artifacts for the run; returns the markdown."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    from report import publish
    from warehouse.db import session
    from warehouse.period import parse_period

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
