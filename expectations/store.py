"""Writing a gate run to audit.validation_runs, audit.validation_results and validation_failures."""
from __future__ import annotations

import datetime as dt
import json

import duckdb
import pyarrow as pa

from expectations.results import FAILURE_FIELDS, CheckResult

SAMPLE_SIZE = 20
_FAILURE_TYPES = [pa.int64(), pa.int32(), pa.string(), pa.date32(), pa.string(), pa.float64(), pa.float64(),
                  pa.string()]


def start_run(con: duckdb.DuckDBPyConnection, period: dt.date, config_version: str) -> int:
    run_id = con.execute("select nextval('audit.validation_run_seq')").fetchone()[0]
    con.execute("insert into audit.validation_runs (run_id, period, status, config_version, started_at) "
                "values (?, ?, 'running', ?, now()::timestamp)", [run_id, period, config_version])
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: int, status: str, message: str | None = None,
               **counts) -> None:
    """Close a run with its status and counts (rows_checked, critical_failed, quarantined, ...)."""
    allowed = {"rows_checked", "critical_failed", "warning_flagged", "quarantined", "released",
               "provisional", "docs_path"}
    sets = "".join(f", {name} = ${name}" for name in counts if name in allowed)
    con.execute(f"update audit.validation_runs set status = $status, message = $message, "
                f"finished_at = now()::timestamp{sets} where run_id = $run_id",
                {"status": status, "message": message, "run_id": run_id,
                 **{k: v for k, v in counts.items() if k in allowed}})


def _sample(result: CheckResult) -> str:
    keys = [{"load_id": f[0], "source_row": f[1], "unit_id": f[2]} for f in result.failures[:SAMPLE_SIZE]]
    return json.dumps(keys, ensure_ascii=False)


def write_results(con: duckdb.DuckDBPyConnection, run_id: int, results: list[CheckResult]) -> None:
    """One row per check, then every failing row."""
    if not results:
        return
    con.executemany(
        "insert into audit.validation_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(run_id, r.suite, r.suite_version, r.check, r.expectation_type, r.group, r.column, r.severity,
          r.success, r.element_count, r.unexpected_count, r.observed_value, _sample(r), r.reason_zh,
          r.reason_en) for r in results])
    write_failures(con, run_id, results)


def write_failures(con: duckdb.DuckDBPyConnection, run_id: int, results: list[CheckResult]) -> None:
    columns: dict[str, list] = {name: [] for name in ("suite", "check_name", "severity", *FAILURE_FIELDS)}
    for r in results:
        for failure in r.failures:
            columns["suite"].append(r.suite)
            columns["check_name"].append(r.check)
            columns["severity"].append(r.severity)
            for name, value in zip(FAILURE_FIELDS, failure):
                columns[name].append(value)
    if not columns["suite"]:
        return
    types = [pa.string()] * 3 + _FAILURE_TYPES
    failures = pa.table({name: pa.array(values, type=t) for (name, values), t in zip(columns.items(), types)})
    con.register("_zs_failures", failures)
    try:
        con.execute("insert into audit.validation_failures select $run_id, suite, check_name, severity, load_id, "
                    "source_row, unit_id, period, field, value, expected, detail from _zs_failures",
                    {"run_id": run_id})
    finally:
        con.unregister("_zs_failures")
