"""Every expectation type the suites use, run through the real GX pandas path: it passes good rows,
fails bad ones (naming exactly those rows), and an expectation that raises is an error, not a failure."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from expectations.results import ExpectationRaised
from expectations.suites import load_config, load_suites
from tests.conftest import credit_code

PERIOD = dt.date(2024, 6, 1)
A, B, C = credit_code(1), credit_code(2), credit_code(3)
WRONG = A[:17] + ("0" if A[17] != "0" else "1")


def frame(**columns) -> pd.DataFrame:
    """A batch with the key columns; rows are numbered from source row 2."""
    n = len(next(iter(columns.values())))
    ids = columns.pop("enterprise_id", [A] * n)
    base = {"enterprise_id": ids, "_load_id": np.ones(n, dtype="int64"),
            "_source_row": np.arange(2, n + 2, dtype="int32")}
    return pd.DataFrame({**base, **columns})


US = "datetime64[us]"
# type, kwargs, good batch, bad batch, the bad batch's failing source rows (None: the whole batch)
CASES = [
    ("expect_table_columns_to_match_set", {"column_set": ["v", "enterprise_id"], "exact_match": False},
     frame(v=[1.0]), frame(w=[1.0]), None),
    ("expect_column_values_to_be_in_type_list", {"column": "v", "type_list": ["float64"]},
     frame(v=[1.0, np.nan]), frame(v=["1", "2"]), [2, 3]),
    ("expect_column_values_to_be_in_type_list", {"column": "p", "type_list": ["datetime64[us]", "datetime64[ns]"]},
     frame(p=pd.Series(["2024-06-01"], dtype=US)), frame(p=[20240601.0]), None),
    ("expect_column_values_to_not_be_null", {"column": "v"},
     frame(v=[1.0, 0.0]), frame(v=[1.0, np.nan, 2.0]), [3]),
    ("expect_column_values_to_be_in_set", {"column": "s", "value_set": ["B204-1"]},
     frame(s=["B204-1", None]), frame(s=["B204-1", "B203", "b204-1"]), [3, 4]),
    ("expect_column_values_to_match_regex", {"column": "s", "regex": "^(?:19|20)\\d{2}-(?:0[1-9]|1[0-2])-01$"},
     frame(s=["2024-06-01", "1999-12-01"]), frame(s=["2024-06-01", "2024-13-01", "2024-06-15"]), [3, 4]),
    ("expect_column_values_to_be_between", {"column": "v", "min_value": 0},
     frame(v=[0.0, 5.0, np.nan]), frame(v=[0.0, -0.01, 3.0]), [3]),
    ("expect_column_values_to_be_between",
     {"column": "v", "min_value": {"$PARAMETER": "sales_ratio_min"}, "max_value": {"$PARAMETER": "sales_ratio_max"}},
     frame(v=[0.7, 1.0, 1.3]), frame(v=[0.69, 1.0, 1.31]), [2, 4]),
    ("expect_column_values_to_be_between", {"column": "p", "max_value": {"$PARAMETER": "current_month"}},
     frame(p=pd.Series(["2024-06-01", "2020-02-01"], dtype=US)),
     frame(p=pd.Series(["2024-06-01", "2024-07-01"], dtype=US)), [3]),
    ("expect_column_values_to_be_valid_credit_code", {"column": "enterprise_id"},
     frame(enterprise_id=[A, B, None], v=[1.0, 2.0, 3.0]), frame(enterprise_id=[A, WRONG, "ABC"], v=[1.0] * 3), [3, 4]),
    ("expect_compound_columns_to_be_unique", {"column_list": ["enterprise_id", "s"]},
     frame(enterprise_id=[A, A, B], s=["x", "y", "x"]), frame(enterprise_id=[A, B, A], s=["x", "x", "x"]), [2, 4]),
    ("expect_column_pair_values_a_to_be_greater_than_b",
     {"column_A": "a", "column_B": "b", "or_equal": True, "ignore_row_if": "either_value_is_missing"},
     frame(a=[2.0, 2.0, np.nan], b=[1.0, 2.0, 9.0]), frame(a=[2.0, 2.0, 1.0], b=[1.0, 2.5, np.nan]), [3]),
]


@pytest.fixture(scope="module")
def context():
    from expectations import gx_runner

    return gx_runner.open_context()


def run(batch: pd.DataFrame, kind: str, kwargs: dict, severity: str = "critical", field: str | None = None):
    from expectations import gx_runner

    meta = {"check": "c", "group": "values", "reason_zh": "理由", "reason_en": "reason", "field": field}
    suite = {"name": "t", "meta": {"version": "test"}, "expectations": [
        {"type": kind, "kwargs": kwargs, "severity": severity, "meta": {k: v for k, v in meta.items() if v}}]}
    params = {"sales_ratio_min": 0.7, "sales_ratio_max": 1.3, "current_month": PERIOD}
    context = gx_runner.open_context()  # one per run: cheap once GX is imported
    return gx_runner.run_suite(context, suite, batch, params, "enterprise_id", PERIOD, "test")


def test_the_cases_cover_every_expectation_type_the_suites_use():
    used = {e["type"] for s in load_suites(load_config()).values() for e in s["expectations"]}
    assert used == {case[0] for case in CASES}


@pytest.mark.parametrize("kind, kwargs, good, bad, failing", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_passes_good_rows_and_fails_exactly_the_bad_ones(context, kind, kwargs, good, bad, failing):
    [ok] = run(good, kind, kwargs)
    assert ok.success and ok.unexpected_count == 0 and ok.failures == []
    [result] = run(bad, kind, kwargs)
    assert not result.success
    expected = list(bad["_source_row"]) if failing is None else failing
    assert sorted(f[1] for f in result.failures) == expected
    assert all(f[3] == PERIOD for f in result.failures)


def test_a_failure_records_the_figure_and_the_bound_it_broke(context):
    [result] = run(frame(a=[2.0, 2.0], b=[1.0, 2.5]), "expect_column_pair_values_a_to_be_greater_than_b",
                   {"column_A": "a", "column_B": "b", "or_equal": True}, field="b")
    assert result.failures == [(1, 3, A, PERIOD, "b", 2.5, 2.0, None)]


def test_severity_comes_through(context):
    [result] = run(frame(v=[-1.0]), "expect_column_values_to_be_between", {"column": "v", "min_value": 0}, "warning")
    assert result.severity == "warning" and not result.success


@pytest.mark.parametrize("kind, kwargs", [
    ("expect_column_values_to_be_between", {"column": "no_such_column", "min_value": 0}),
    ("expect_column_values_to_be_between", {"column": "s", "min_value": 0}),  # text against a number
    ("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "s", "column_B": "v"}),  # text vs number
])
def test_an_expectation_that_raises_is_an_error_never_a_data_failure(context, kind, kwargs):
    with pytest.raises(ExpectationRaised, match="raised instead of answering"):
        run(frame(v=[1.0], s=["a"]), kind, kwargs)


def test_raised_reads_top_level_and_per_metric_exception_info():
    from expectations.gx_runner import raised

    assert raised({"raised_exception": False, "exception_message": None}) is None
    assert raised({"raised_exception": True, "exception_message": "boom"}) == "boom"
    assert raised({"MetricConfigurationID(x)": {"exception_traceback": "tb", "exception_message": "deep",
                                                "raised_exception": True}}) == "deep"
    assert raised(None) is None
