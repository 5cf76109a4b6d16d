"""The suite and config files themselves: well formed, consistent with the batches, cheap to import."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expectations import SUITE_DIR
from expectations import SQL_DIR
from expectations.credit_codes import valid_credit_codes
from expectations.suites import FORMS, SuiteError, load_config, load_suite, load_suites
from tests.conftest import credit_code
from warehouse.build import build
from warehouse.codes import CHARSET, is_valid

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config():
    return load_config()


def expectation_columns(item: dict) -> set[str]:
    kw = item["kwargs"]
    cols = {kw.get("column"), kw.get("column_A"), kw.get("column_B"), *kw.get("column_list", []),
            *kw.get("column_set", [])}
    return {c for c in cols if c}


def test_every_suite_loads_with_reasons_severities_and_unique_checks(config):
    suites = load_suites(config)
    assert set(suites) == set(FORMS)
    for name, suite in suites.items():
        checks = [e["meta"]["check"] for e in suite["expectations"]]
        assert len(checks) == len(set(checks)) > 10, name
        assert all(e["severity"] in ("critical", "warning") for e in suite["expectations"])
        assert all(e["meta"]["reason_zh"] and e["meta"]["reason_en"] for e in suite["expectations"])


def test_every_expectation_names_a_column_of_its_batch(con, config):
    build(con)  # empty staging tables
    for name, form in FORMS.items():
        columns = {d[0] for d in con.execute(form.batch_sql, {"period": dt.date(2024, 6, 1)}).description}
        for item in load_suite(name, config)["expectations"]:
            assert expectation_columns(item) <= columns, (name, item["meta"]["check"])


def test_sql_checks_of_the_config_exist(config):
    assert config.sql_checks
    for check in config.sql_checks:
        assert (SQL_DIR / "checks" / f"{check.file}.sql").is_file(), check.file
        assert set(check.forms) <= set(FORMS)


def test_severity_override_applies(tmp_path):
    text = (SUITE_DIR / "config.yaml").read_text(encoding="utf-8")
    path = tmp_path / "config.yaml"
    path.write_text(text.replace("severity_overrides: {}", "severity_overrides: {sales_ratio_band: critical}"),
                    encoding="utf-8")
    overridden = load_config(path)
    suite = load_suite("b204_1", overridden)
    assert next(e for e in suite["expectations"] if e["meta"]["check"] == "sales_ratio_band")["severity"] == "critical"


@pytest.mark.parametrize("breakage, message", [
    (lambda e: e.pop("severity"), "severity must be one of"),
    (lambda e: e["meta"].pop("reason_zh"), "reason_zh"),
    (lambda e: e["kwargs"].update(min_value={"$PARAMETER": "nowhere"}), "suite parameters not in config.yaml"),
])
def test_a_malformed_suite_is_a_configuration_error(tmp_path, config, breakage, message):
    for path in SUITE_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    suite = json.loads((tmp_path / "b203.json").read_text(encoding="utf-8"))
    breakage(suite["expectations"][-1])
    (tmp_path / "b203.json").write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SuiteError, match=message):
        load_suites(config, tmp_path)


def test_the_cli_and_the_gate_module_do_not_import_great_expectations():
    code = ("import sys; import zonestat.cli, zonestat.cli.validation, expectations.gate; "
            "sys.exit(1 if 'great_expectations' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_vectorised_credit_codes_agree_on_known_codes():
    good = [credit_code(i) for i in range(50)]
    bad = [c[:17] + ("0" if c[17] != "0" else "1") for c in good[:10]]
    odd = [None, "", "short", "Ä" * 9, good[0].lower(), good[0] + "0"]
    result = valid_credit_codes(pd.Series(good + bad + odd, dtype=object))
    assert result.tolist() == [True] * 50 + [False] * 10 + [False] * 6


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet=CHARSET, min_size=17, max_size=19), st.text(max_size=20)), max_size=30))
def test_vectorised_credit_codes_match_the_scalar_rule(values):
    expected = [is_valid(v) if len(v) == 18 and v == v.upper() else False for v in values]
    assert valid_credit_codes(pd.Series(values, dtype=object)).tolist() == expected
