"""The edit-check definitions: GX suites (expectations/<table>.json) and expectations/config.yaml.

Both are business definitions, versioned with the code. They are read and checked here without
importing Great Expectations (that happens only in gx_runner, when the suites run).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from expectations import CONFIG_FILE, SUITE_DIR, suite_path
from expectations.results import SEVERITIES
from warehouse.spec import read_yaml

GROUPS = ("structure", "identity", "values", "plausibility", "completeness")
RUNTIME_PARAMETERS = ("current_month",)


class SuiteError(ValueError):
    """A suite or the check configuration is malformed (a configuration error, exit code 2)."""


@dataclass(frozen=True)
class FormBatch:
    """A validated staging table: its suite name, its unit column, its form code, the field whose
    declared unit the batch reports (source_unit), and columns its suite checks that the batch
    derives (SQL over the staging row `f`)."""

    name: str
    unit_id: str
    code: str
    unit_field: str
    derived: tuple[tuple[str, str], ...] = ()

    @property
    def table(self) -> str:
        return f"staging.{self.name}"

    @property
    def batch_sql(self) -> str:
        """The SQL of one period's batch (sql/checks/batch.sql.j2; parameter $period)."""
        from expectations import render_sql

        return render_sql("checks/batch.sql.j2", table=self.name, unit_id=self.unit_id,
                          unit_field=self.unit_field, derived=self.derived)


# The allow-list of validated tables: names reach SQL only from here.
FORMS: dict[str, FormBatch] = {
    "b204_1": FormBatch("b204_1", "enterprise_id", "B204-1", "gross_output_value_ytd", derived=(
        ("f.sales_output_value_ytd / nullif(f.gross_output_value_ytd, 0)", "sales_ratio"),)),   # 产品销售率
    "b203": FormBatch("b203", "enterprise_id", "B203", "operating_revenue_ytd"),
    "f206_1": FormBatch("f206_1", "project_id", "206-1", "completed_investment_ytd"),
    "e204_1": FormBatch("e204_1", "enterprise_id", "E204-1", "goods_sales_ytd"),
}


@dataclass(frozen=True)
class SqlCheck:
    """A check written as SQL in expectations/sql/checks/<file>.sql, beside the suites."""

    check: str
    file: str
    group: str
    severity: str
    reason_zh: str
    reason_en: str
    forms: tuple[str, ...] = ()  # the validated tables it applies to
    kind: str = "rows"  # rows: failing rows; period: one figure per form (coverage)


@dataclass(frozen=True)
class ValidationConfig:
    version: str
    severity_overrides: dict[str, str]
    suite_parameters: dict[str, float]
    thresholds: dict[str, Any]
    completeness: dict[str, list[str]]
    sql_checks: list[SqlCheck] = field(default_factory=list)

    def severity(self, check: str, default: str) -> str:
        return self.severity_overrides.get(check, default)


def _sql_check(raw: dict) -> SqlCheck:
    try:
        item = SqlCheck(**{**raw, "forms": tuple(raw.get("forms") or ())})
    except TypeError as err:
        raise SuiteError(f"config.yaml: bad sql_checks entry {raw!r}: {err}") from err
    if item.severity not in SEVERITIES or item.group not in GROUPS or item.kind not in ("rows", "period"):
        raise SuiteError(f"config.yaml: sql check {item.check!r} has a bad severity, group or kind")
    if not set(item.forms) <= set(FORMS) or not item.file.replace("_", "").isalnum():
        raise SuiteError(f"config.yaml: sql check {item.check!r} has a bad file name or form")
    return item


def load_config(path: Path = CONFIG_FILE) -> ValidationConfig:
    """Read and check expectations/config.yaml."""
    try:
        raw = read_yaml(path)
        config = ValidationConfig(
            version=str(raw["version"]), severity_overrides=dict(raw.get("severity_overrides") or {}),
            suite_parameters=dict(raw.get("suite_parameters") or {}), thresholds=dict(raw["thresholds"]),
            completeness={k: list(v) for k, v in (raw.get("completeness") or {}).items()},
            sql_checks=[_sql_check(item) for item in raw.get("sql_checks") or []])
    except (OSError, KeyError, TypeError, yaml.YAMLError) as err:
        raise SuiteError(f"{path}: cannot read the check configuration: {err}") from err
    bad = {k: v for k, v in config.severity_overrides.items() if v not in SEVERITIES}
    if bad or not set(config.completeness) <= set(FORMS):
        raise SuiteError(f"{path}: bad severity override or completeness form: {bad or config.completeness}")
    return config


def _parameters_used(value: Any) -> set[str]:
    if isinstance(value, dict):
        if set(value) == {"$PARAMETER"}:
            return {value["$PARAMETER"]}
        return set().union(*(_parameters_used(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_parameters_used(v) for v in value)) if value else set()
    return set()


def _check_expectation(name: str, item: dict, config: ValidationConfig, seen: set[str]) -> None:
    meta = item.get("meta") or {}
    check = meta.get("check")
    where = f"suite {name}, expectation {item.get('type')} ({check})"
    if not check or check in seen:
        raise SuiteError(f"{where}: meta.check is missing or not unique in the suite")
    seen.add(check)
    if item.get("severity") not in SEVERITIES:
        raise SuiteError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    if meta.get("group") not in GROUPS or not meta.get("reason_zh") or not meta.get("reason_en"):
        raise SuiteError(f"{where}: meta needs a group ({', '.join(GROUPS)}), reason_zh and reason_en")
    unknown = _parameters_used(item.get("kwargs")) - set(config.suite_parameters) - set(RUNTIME_PARAMETERS)
    if unknown:
        raise SuiteError(f"{where}: uses suite parameters not in config.yaml: {', '.join(sorted(unknown))}")


def load_suite(name: str, config: ValidationConfig, suite_dir: Path = SUITE_DIR) -> dict:
    """The suite as a JSON dict, checked, with the configured severity overrides applied."""
    if name not in FORMS:
        raise SuiteError(f"no validated table {name!r}; known: {', '.join(FORMS)}")
    path = suite_path(name, suite_dir)
    try:
        suite = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise SuiteError(f"{path}: cannot read the suite: {err}") from err
    if suite.get("name") != name or not (suite.get("meta") or {}).get("version"):
        raise SuiteError(f"{path}: the suite must be named {name!r} and carry meta.version")
    seen: set[str] = set()
    for item in suite.get("expectations") or []:
        _check_expectation(name, item, config, seen)
        item["severity"] = config.severity(item["meta"]["check"], item["severity"])
    return suite


def load_suites(config: ValidationConfig, suite_dir: Path = SUITE_DIR) -> dict[str, dict]:
    return {name: load_suite(name, config, suite_dir) for name in FORMS}


def runtime_parameters(config: ValidationConfig, today: dt.date) -> dict[str, Any]:
    """The GX suite parameters of a run: the configured ones plus the current month."""
    return {**config.suite_parameters, "current_month": today.replace(day=1)}
