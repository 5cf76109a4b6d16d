"""Running the GX suites on period batches (pandas path, ephemeral context) and reading the answers.

GX is imported here and only here, inside the functions (it takes seconds). An expectation that
raised is never read as a data failure: `run_suite` raises ExpectationRaised instead.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pandas as pd

from expectations.results import CheckResult, ExpectationRaised, Failure

KEY = ("_load_id", "_source_row")


def open_context():
    """An ephemeral GX context: no progress bars, no analytics, no Data Docs (the gate renders its
    own offline page of every check, see pages.py)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    import expectations.gx_custom  # noqa: F401  (registers the custom expectation)

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for site in list(context.get_config().data_docs_sites or {}):
        context.delete_data_docs_site(site)
    return context


def _gx_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    """Dates become pandas Timestamps: GX compares them with datetime64 columns."""
    return {k: pd.Timestamp(v) if isinstance(v, dt.date) else v for k, v in parameters.items()}


def raised(exception_info: Any) -> str | None:
    """The message of an exception GX caught, at the top level or keyed by metric; else None."""
    if not isinstance(exception_info, dict):
        return None
    if "raised_exception" in exception_info:
        if exception_info.get("raised_exception"):
            return str(exception_info.get("exception_message") or "unknown error")
        return None
    for value in exception_info.values():
        message = raised(value)
        if message:
            return message
    return None


def run_suite(context, suite: dict, batch: pd.DataFrame, parameters: dict[str, Any], unit_id: str,
              period: dt.date, run_name: str) -> list[CheckResult]:
    """Validate one period batch against one suite; one CheckResult per expectation."""
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    name = suite["name"]
    gx_suite = context.suites.add(gx.ExpectationSuite(**_fresh(suite)))
    batch_definition = (context.data_sources.add_pandas(f"staging_{name}")
                        .add_dataframe_asset(name).add_batch_definition_whole_dataframe("period"))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=gx_suite))
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [*KEY, unit_id],
                     "return_unexpected_index_query": False, "partial_unexpected_count": 20}
    answer = definition.run(batch_parameters={"dataframe": for_gx(batch)}, result_format=result_format,
                            expectation_parameters=_gx_parameters(parameters),
                            run_id=RunIdentifier(run_name=run_name))
    _raise_if_any_raised(name, answer.results)
    version = str(suite["meta"]["version"])
    return [_check_result(name, version, r, batch, unit_id, period) for r in answer.results]


def _raise_if_any_raised(suite: str, results: list) -> None:
    """One ExpectationRaised naming every expectation that raised (and the ones that failed)."""
    def check(r) -> str:
        return (r.expectation_config.meta or {}).get("check", r.expectation_config.type)

    errors = [(check(r), raised(r.exception_info)) for r in results if raised(r.exception_info)]
    if not errors:
        return
    failed = [check(r) for r in results if not r.success and not raised(r.exception_info)]
    message = "; ".join(f"{c}: {m[:300]}" for c, m in errors)
    if failed:
        message += f" (checks that answered and failed: {', '.join(failed)})"
    raise ExpectationRaised(suite, ", ".join(c for c, _ in errors), message)


def for_gx(batch: pd.DataFrame) -> pd.DataFrame:
    """Dates as datetime64[ns]: GX 1.24 compares only that unit vectorised (DuckDB gives [us], which
    GX compares value by value in Python: seconds per million rows)."""
    dates = [c for c in batch.columns if pd.api.types.is_datetime64_dtype(batch[c].dtype)
             and not pd.api.types.is_datetime64_ns_dtype(batch[c].dtype)]
    return batch.astype({c: "datetime64[ns]" for c in dates}) if dates else batch


def _fresh(suite: dict) -> dict:
    """The suite dict for GX, without ids (each run builds its own in-memory copy)."""
    expectations = [{k: v for k, v in e.items() if k != "id"} for e in suite["expectations"]]
    return {"name": suite["name"], "meta": suite.get("meta", {}), "expectations": expectations}


def _check_result(suite: str, version: str, r, batch: pd.DataFrame, unit_id: str,
                  period: dt.date) -> CheckResult:
    config = r.expectation_config
    meta = config.meta or {}
    kwargs = config.kwargs
    column = kwargs.get("column") or kwargs.get("column_A")
    value_field = meta.get("field") or column
    result = r.result or {}
    other = kwargs.get("column_B") if value_field == kwargs.get("column_A") else kwargs.get("column_A")
    failures = [] if r.success else _failures(result, batch, unit_id, period, value_field, other)
    severity = config.severity.value if hasattr(config.severity, "value") else str(config.severity)
    return CheckResult(
        suite=suite, suite_version=version, check=meta.get("check", config.type), expectation_type=config.type,
        group=meta.get("group"), column=column, severity=severity.lower(), success=bool(r.success),
        element_count=result.get("element_count", len(batch)),
        unexpected_count=int(result.get("unexpected_count") or len(failures)),
        reason_zh=meta.get("reason_zh"), reason_en=meta.get("reason_en"), failures=failures)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _failures(result: dict, batch: pd.DataFrame, unit_id: str, period: dt.date, value_field: str | None,
              other_field: str | None) -> list[Failure]:
    """Every failing row; a failure without row detail (table or column level) fails every row."""
    rows = result.get("unexpected_index_list")
    if rows is None:
        rows = batch[[c for c in (*KEY, unit_id) if c in batch.columns]].to_dict("records")
    return [(int(row["_load_id"]) if "_load_id" in row else None,
             int(row["_source_row"]) if "_source_row" in row else None,
             _text(row.get(unit_id)), period, value_field, _number(row.get(value_field)),
             _number(row.get(other_field)) if other_field else None, None)
            for row in rows]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
