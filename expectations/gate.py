"""The validation gate of one period: suites and SQL checks over staging, results into audit,
critically failing rows quarantined, core rebuilt without them, and the run's offline page written
from what was stored. `run_gate` is what the CLI and flows call; it knows no Typer and no Prefect.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from expectations import CONFIG_FILE, SUITE_DIR
from expectations import checks, pages, quarantine, store
from expectations.results import CheckResult, GateError
from expectations.suites import FORMS, ValidationConfig, load_config, load_suites, runtime_parameters
from warehouse.build import FORM_OF
from warehouse.db import session
from warehouse.materialize import materialize
from warehouse.period import parse_period
from warehouse.publication import republish

# DuckDB's share of the gate's memory: its joins and aggregates spill to disk beyond it (the pandas
# batches and GX come on top). Keeps a 1,000,000-row period under 2 GiB in all.
MEMORY_LIMIT = "1GB"
_SIZE = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$")


@dataclass
class GateResult:
    """What the gate found for a period; `exit_code` is 1 when any critical check failed."""

    run_id: int
    period: dt.date
    status: str
    results: list[CheckResult] = field(default_factory=list)
    rows_checked: int = 0
    quarantined: int = 0
    released: int = 0
    held: int = 0
    coverage: dict[str, float | None] = field(default_factory=dict)
    provisional: bool = False
    page: Path | None = None    # the run's offline page (validation-run-<id>.html), once written
    index: Path | None = None   # the index of every run beside it

    @property
    def critical_failures(self) -> list[CheckResult]:
        return [r for r in self.results if r.critical and not r.success]

    @property
    def exit_code(self) -> int:
        return 1 if self.critical_failures else 0


def load_batches(con: duckdb.DuckDBPyConnection, period: dt.date) -> dict[str, pd.DataFrame]:
    """The period batch of every validated table, pulled from DuckDB into pandas."""
    return {name: con.execute(form.batch_sql, {"period": period}).df() for name, form in FORMS.items()}


def run_suites(batches: dict[str, pd.DataFrame], suites: dict[str, dict], config: ValidationConfig,
               period: dt.date, today: dt.date, run_id: int) -> list[CheckResult]:
    """Every suite on its batch in one ephemeral GX context (no Data Docs: the run's page is ours)."""
    from expectations import gx_runner

    context = gx_runner.open_context()
    params = runtime_parameters(config, today)
    run_name = f"run-{run_id}-{period:%Y-%m}"
    return [r for name, batch in batches.items()
            for r in gx_runner.run_suite(context, suites[name], batch, params, FORMS[name].unit_id, period, run_name)]


def record_run(con: duckdb.DuckDBPyConnection, gate: GateResult, period: dt.date) -> None:
    """Results, failures, quarantine and the run's counts, in one transaction."""
    con.execute("begin transaction")
    try:
        store.write_results(con, gate.run_id, gate.results)
        gate.quarantined, gate.released = quarantine.update_quarantine(con, gate.run_id, period)
        gate.held = quarantine.active(con, period)
        critical, warned = con.execute(
            "select count(distinct (suite, load_id, source_row)) filter (where severity = 'critical'), "
            "count(distinct (suite, unit_id)) filter (where severity = 'warning') "
            "from audit.validation_failures where run_id = ?", [gate.run_id]).fetchone()
        store.finish_run(con, gate.run_id, "failed" if gate.exit_code else "passed",
                         rows_checked=gate.rows_checked, critical_failed=critical, warning_flagged=warned,
                         quarantined=gate.quarantined, released=gate.released, provisional=gate.provisional,
                         docs_path=str(gate.page) if gate.page else None)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


@contextmanager
def memory_limit(con: duckdb.DuckDBPyConnection, limit: str | None) -> Iterator[None]:
    """DuckDB's memory limit set for a block of work, and restored after it."""
    if not limit:
        yield
        return
    if not _SIZE.match(limit):
        raise ValueError(f"memory limit {limit!r} is not a size like 1GB")
    before = con.execute("select current_setting('memory_limit')").fetchone()[0]
    con.execute(f"set memory_limit = '{limit}'")
    try:
        yield
    finally:
        con.execute(f"set memory_limit = '{before}'")


def _coverage(results: list[CheckResult]) -> dict[str, float | None]:
    return {r.suite: r.observed_value for r in results if r.expectation_type == "sql:coverage"}


def run_gate(db_path: Path | str, period: dt.date | str, *, today: dt.date | None = None, pages_dir: Path | None = None,
             suite_dir: Path | None = None, config_path: Path | None = None, rebuild: bool = True,
             duckdb_memory: str | None = MEMORY_LIMIT) -> GateResult:
    """Validate one period ('2024-06' or its first day); quarantine critical failures; rebuild core;
    write the run's page and the index under pages_dir (also for a run that errs), when given.
    Raises GateError when a check could not answer (nothing is quarantined then), SuiteError on a
    malformed suite and ValueError on a bad period."""
    today = today or dt.date.today()
    period = parse_period(period, today) if isinstance(period, str) else period
    config = load_config(config_path or CONFIG_FILE)
    suites = load_suites(config, suite_dir or SUITE_DIR)
    with session(db_path) as con:
        materialize(con)    # loads not yet in core (e.g. a run killed after its loads)
        run_id = store.start_run(con, period, config.version)
        page = pages.page_path(pages_dir, period, run_id) if pages_dir else None
        try:
            con.execute(f"create or replace temp table {_HELD_BEFORE} as {_HELD}")
            gate = _judge(con, run_id, period, today, config, suites, duckdb_memory, page)
            if rebuild:
                _rebuild(con, run_id, _held_changes(con, period))
        finally:
            written = pages.write_pages(con, run_id, pages_dir)
        gate.page, gate.index = written
    return gate


def _judge(con: duckdb.DuckDBPyConnection, run_id: int, period: dt.date, today: dt.date, config: ValidationConfig,
           suites: dict[str, dict], duckdb_memory: str | None, page: Path | None) -> GateResult:
    """Evaluate and record the run; an error is recorded on the run, then raised as a GateError."""
    with memory_limit(con, duckdb_memory):
        try:
            gate = _evaluate(con, run_id, period, today, config, suites)
            gate.page = page
            record_run(con, gate, period)
        except Exception as err:  # recorded, then raised: an error is never a verdict on the data
            store.finish_run(con, run_id, "error", str(err)[:2000], docs_path=str(page) if page else None)
            raise err if isinstance(err, GateError) else GateError(f"{type(err).__name__}: {err}") from err
    return gate


# the rows held out of core now (core's fact models anti-join exactly these)
_HELD = "select form, load_id, source_row, period from audit.quarantine where released_at is null"
_HELD_BEFORE = "_held_before_gate"


def _held_changes(con: duckdb.DuckDBPyConnection, period: dt.date) -> dict[str, list[dt.date]]:
    """Fact table -> periods whose held rows this run changed (rows newly held or released; a row
    without a period counts as the validated one): the only periods of core the run can have
    changed. Empty: core stays as it is."""
    rows = con.execute(f"select form, list(distinct coalesce(period, $period)) from (({_HELD} except select * "
                       f"from {_HELD_BEFORE}) union all (select * from {_HELD_BEFORE} except {_HELD})) group by form",
                       {"period": period}).fetchall()
    con.execute(f"drop table if exists {_HELD_BEFORE}")
    table_of = {form: name for name, form in FORM_OF.items()}
    return {table_of[form]: sorted(periods) for form, periods in rows if form in table_of}


def _rebuild(con: duckdb.DuckDBPyConnection, run_id: int, touched: dict[str, list[dt.date]]) -> None:
    """Core without the quarantined rows: only the fact tables and periods whose held rows this run
    changed (and the months after them that derive from them), nothing when it changed none; a
    failure here leaves the results recorded, core as before."""
    if not touched:
        return
    try:
        changed = materialize(con, declared=True, touched=touched).changed
        # published figures resting on rows this run held or released: a new vintage, now
        republish(con, changed, f"validation run {run_id}")
    except Exception as err:
        raise GateError(f"run {run_id} is recorded, but core could not be rebuilt: "
                        f"{type(err).__name__}: {err}") from err


def _evaluate(con: duckdb.DuckDBPyConnection, run_id: int, period: dt.date, today: dt.date,
              config: ValidationConfig, suites: dict[str, dict]) -> GateResult:
    batches = load_batches(con, period)
    elements = {name: len(batch) for name, batch in batches.items()}
    checks.prepare(con, period, config)
    sql_results = checks.run_sql_checks(con, period, config, elements)
    gx_results = run_suites(batches, suites, config, period, today, run_id)
    gate = GateResult(run_id=run_id, period=period, status="", results=gx_results + sql_results,
                      rows_checked=sum(elements.values()))
    gate.coverage = _coverage(sql_results)
    threshold = float(config.thresholds["coverage_threshold"])
    gate.provisional = any(share is not None and share < threshold for share in gate.coverage.values())
    gate.status = "failed" if gate.exit_code else "passed"
    return gate
