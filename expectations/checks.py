"""The edit checks GX cannot express cleanly (across months, tables, the register), run as SQL.

Each file in expectations/sql/checks/ named by config.yaml returns failing rows in one shape (form,
load_id, source_row, unit_id, period, field, value, expected, detail); they become CheckResults
like the suites' answers. Values go in as bound parameters; the files name no value.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import duckdb

from expectations import read_sql, render_sql
from expectations.results import CheckResult, Failure
from expectations.suites import FORMS, SqlCheck, ValidationConfig
from warehouse.spec import load_contract

_PARAM = re.compile(r"\$([a-z_]+)")


def months_before(period: dt.date, months: int) -> dt.date:
    index = period.year * 12 + period.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def run_sql(con: duckdb.DuckDBPyConnection, relative: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """Execute a SQL file with the parameters it names (and only those)."""
    sql = read_sql(relative)
    used = set(_PARAM.findall(sql))
    missing = used - set(params)
    if missing:
        raise KeyError(f"{relative} needs parameters {sorted(missing)}")
    return con.execute(sql, {k: v for k, v in params.items() if k in used})


def measures_sql() -> str:
    """The validated forms' year-to-date flows in long form (sql/checks/measures.sql.j2)."""
    contract = load_contract()
    forms = []
    for name, batch in FORMS.items():
        form = contract.forms[name]
        flows = [{"name": f.name[:-len("_ytd")],
                  "month": f.name[:-len("_ytd")] if f.name[:-len("_ytd")] in form.fields else None,
                  "prior": f"{f.name}_prior" if f"{f.name}_prior" in form.fields else None}
                 for f in form.fields.values() if f.ytd_flow]
        forms.append({"table": form.table, "unit_id": batch.unit_id, "flows": flows})
    return render_sql("checks/measures.sql.j2", forms=forms)


def prepare(con: duckdb.DuckDBPyConnection, period: dt.date, config: ValidationConfig) -> None:
    """What the checks share: the flows in long form (a view), and who is expected to file (a table)."""
    con.execute(f"create or replace temp view _zs_measures as {measures_sql()}")
    contract = load_contract()
    pairs = [(form, unit_type) for form, types in config.completeness.items() for unit_type in types]
    exempt = [name for name in FORMS if contract.forms[name].january_exempt]
    con.execute(f"create or replace temp table _zs_expected as {read_sql('checks/expected_filers.sql')}",
                {"period": period, "forms": [p[0] for p in pairs], "unit_types": [p[1] for p in pairs],
                 "exempt_forms": exempt})


def parameters(check: SqlCheck, period: dt.date, config: ValidationConfig) -> dict[str, Any]:
    """Every value a check file may name, from the period and config.yaml."""
    t = config.thresholds
    slip = t["unit_slip"]
    fields = t["yoy_fields"] if check.file == "yoy_band" else slip["fields"]
    return {"period": period, "tolerance": float(t["ytd_tolerance"]),
            "abs_tolerance": float(t["month_delta_tolerance"]["absolute"]),
            "rel_tolerance": float(t["month_delta_tolerance"]["relative"]),
            "slip_tolerance": float(slip["tolerance"]),
            "band": float(t["yoy_band"]), "min_base": float(t["yoy_min_base"]), "fields": list(fields),
            "factors": [float(f) for f in slip["factors"]], "min_history": int(slip["min_history"]),
            "since_history": months_before(period, int(slip["history_months"])),
            "forms": list(check.forms)}


def _result(check: SqlCheck, form: str, version: str, failures: list[Failure], elements: int | None) -> CheckResult:
    return CheckResult(
        suite=form, suite_version=version, check=check.check, expectation_type=f"sql:{check.file}",
        group=check.group, column=None, severity=check.severity, success=not failures,
        element_count=elements, unexpected_count=len(failures), reason_zh=check.reason_zh,
        reason_en=check.reason_en, failures=failures)


def run_row_check(con: duckdb.DuckDBPyConnection, check: SqlCheck, period: dt.date, config: ValidationConfig,
                  elements: dict[str, int]) -> list[CheckResult]:
    """One SQL check: a CheckResult per form it applies to (success when no row came back)."""
    rows = run_sql(con, f"checks/{check.file}.sql", parameters(check, period, config)).fetchall()
    by_form: dict[str, list[Failure]] = {form: [] for form in check.forms}
    for form, *failure in rows:
        by_form.setdefault(form, []).append(tuple(failure))
    return [_result(check, form, config.version, failures, elements.get(form))
            for form, failures in by_form.items()]


def run_coverage(con: duckdb.DuckDBPyConnection, check: SqlCheck, config: ValidationConfig) -> list[CheckResult]:
    """Period-level completeness: filed share of expected filers per form, against the threshold."""
    threshold = float(config.thresholds["coverage_threshold"])
    found = {form: (expected, filed, share) for form, expected, filed, share
             in run_sql(con, "checks/coverage.sql", {}).fetchall()}
    out = []
    for form in check.forms:
        expected, filed, share = found.get(form, (0, 0, None))
        result = _result(check, form, config.version, [], expected)
        result.success = share is None or share >= threshold
        result.unexpected_count = expected - filed
        result.observed_value = share
        out.append(result)
    return out


def run_sql_checks(con: duckdb.DuckDBPyConnection, period: dt.date, config: ValidationConfig,
                   elements: dict[str, int]) -> list[CheckResult]:
    """All SQL checks of config.yaml for the period (after `prepare`)."""
    results: list[CheckResult] = []
    expected = dict(con.execute("select form, count(*) from _zs_expected group by form").fetchall())
    for check in config.sql_checks:
        check = SqlCheck(**{**check.__dict__, "severity": config.severity(check.check, check.severity)})
        if check.kind == "period":
            results.extend(run_coverage(con, check, config))
        else:
            counts = expected if check.group == "completeness" else elements
            results.extend(run_row_check(con, check, period, config, counts))
    return results
