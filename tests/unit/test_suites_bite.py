"""Every suite bites: fed a fixture of good rows plus one defect per row, the real suite (from its
JSON, through GX) fails exactly the checks planted, on exactly those rows, and nothing else."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from expectations.results import ExpectationRaised
from expectations.suites import FORMS, load_config, load_suite
from tests.conftest import credit_code
from warehouse.build import build
from warehouse.db import connect, init_schema

PERIOD = dt.date(2024, 6, 1)
PARAMS = {"sales_ratio_min": 0.7, "sales_ratio_max": 1.3, "current_month": PERIOD}
WRONG = credit_code(1)[:17] + ("0" if credit_code(1)[17] != "0" else "1")
GOOD_ROWS = 3
# checks a single bad row cannot trip without other expectations raising: tested in
# test_a_mistyped_or_missing_column_stops_the_suite and test_suites_expectation_types
STRUCTURE = {"required_columns", "type_period"}
KEYS = {"_load_id": 1, "_source_file": "f.csv", "revisions": 1, "period": "2024-06-01", "period_text": "2024-06-01"}
GOOD = {
    "b204_1": {"gross_output_value": 100.0, "gross_output_value_ytd": 600.0, "gross_output_value_ytd_prior": 550.0,
               "sales_output_value": 95.0, "sales_output_value_ytd": 570.0, "export_delivery_value": 10.0,
               "export_delivery_value_ytd": 60.0, "form_code": "B204-1", "source_unit": "千元", "sales_ratio": 0.95},
    "b203": {"operating_revenue_ytd": 10000.0, "operating_revenue_ytd_prior": 9000.0, "operating_cost_ytd": 8000.0,
             "rd_expense_ytd": 300.0, "rd_expense_ytd_prior": 250.0, "total_profit_ytd": -50.0, "taxes_ytd": 50.0,
             "avg_employees": 120.0, "form_code": "B203", "source_unit": "千元"},
    "f206_1": {"project_name": "年产10万台电动工具项目", "industry_code": "3311", "planned_total_investment": 10000.0,
               "completed_investment_ytd": 3000.0, "start_date": "2023-01-01", "is_manufacturing_given": True,
               "form_code": "206-1", "source_unit": "万元"},
    "e204_1": {"goods_sales": 1000.0, "goods_sales_ytd": 6000.0, "goods_sales_ytd_prior": 5500.0, "retail_sales": 400.0,
               "retail_sales_ytd": 2400.0, "retail_sales_ytd_prior": 2200.0, "form_code": "E204-1", "source_unit": "千元"},
}
COMMON = [  # (checks expected to fail, overrides): identity and structure, every suite
    ({"period_present"}, {"period": None}),
    ({"form_code_allowed"}, {"form_code": "B999"}),
    ({"unit_allowed"}, {"source_unit": "美元"}),
    ({"period_well_formed"}, {"period_text": "2024-06-15"}),
    ({"period_not_in_future"}, {"period": "2099-01-01"}),
    ({"credit_code_check_character"}, {"enterprise_id": WRONG}),
]
ENTERPRISE = [
    ({"enterprise_id_present"}, {"enterprise_id": None}),
    ({"credit_code_format", "credit_code_check_character"}, {"enterprise_id": "ABC"}),
    ({"one_filing_per_enterprise_month"}, {"enterprise_id": "<row 2>"}),
]
DEFECTS = {
    "b204_1": COMMON + ENTERPRISE + [
        ({"gross_output_value_ytd_present"}, {"gross_output_value_ytd": None, "gross_output_value": None}),
        ({"sales_output_value_ytd_present"}, {"sales_output_value_ytd": None}),
        ({"gross_output_value_non_negative"}, {"gross_output_value": -1.0}),
        ({"gross_output_value_ytd_non_negative"}, {"gross_output_value_ytd": -1.0, "gross_output_value": None}),
        ({"gross_output_value_ytd_prior_non_negative"}, {"gross_output_value_ytd_prior": -1.0}),
        ({"sales_output_value_non_negative"}, {"sales_output_value": -1.0, "export_delivery_value": None}),
        ({"sales_output_value_ytd_non_negative"},
         {"sales_output_value_ytd": -1.0, "sales_output_value": None, "export_delivery_value_ytd": None}),
        ({"export_delivery_value_non_negative"}, {"export_delivery_value": -1.0}),
        ({"export_delivery_value_ytd_non_negative"}, {"export_delivery_value_ytd": -1.0, "export_delivery_value": None}),
        ({"export_not_above_sales_ytd"}, {"export_delivery_value_ytd": 1000.0}),
        ({"export_not_above_sales_month"}, {"export_delivery_value": 200.0, "export_delivery_value_ytd": 300.0}),
        ({"gross_output_month_not_above_ytd"}, {"gross_output_value": 700.0}),
        ({"sales_output_month_not_above_ytd"}, {"sales_output_value": 600.0}),
        ({"export_month_not_above_ytd"}, {"export_delivery_value": 70.0}),
        ({"sales_ratio_band"}, {"sales_ratio": 1.5}),
        ({"sales_ratio_band"}, {"sales_ratio": 0.5}),
    ],
    "b203": COMMON + ENTERPRISE + [
        ({"operating_revenue_ytd_present"}, {"operating_revenue_ytd": None}),
        ({"rd_expense_ytd_present"}, {"rd_expense_ytd": None}),
        ({"operating_revenue_ytd_non_negative", "rd_not_above_revenue"}, {"operating_revenue_ytd": -1.0}),
        ({"operating_revenue_ytd_prior_non_negative"}, {"operating_revenue_ytd_prior": -1.0}),
        ({"operating_cost_ytd_non_negative"}, {"operating_cost_ytd": -1.0}),
        ({"rd_expense_ytd_non_negative"}, {"rd_expense_ytd": -1.0}),
        ({"rd_expense_ytd_prior_non_negative"}, {"rd_expense_ytd_prior": -1.0}),
        ({"taxes_ytd_non_negative"}, {"taxes_ytd": -1.0}),
        ({"avg_employees_non_negative"}, {"avg_employees": -1.0}),
        ({"rd_not_above_revenue"}, {"rd_expense_ytd": 20000.0}),
    ],
    "f206_1": COMMON + [
        ({"project_id_present"}, {"project_id": None}),
        ({"project_name_present"}, {"project_name": None}),
        ({"planned_total_investment_present"}, {"planned_total_investment": None}),
        ({"completed_investment_ytd_present"}, {"completed_investment_ytd": None}),
        ({"industry_code_format"}, {"industry_code": "33A1"}),
        (set(), {"enterprise_id": None}),  # the project owner's code is optional
        ({"one_filing_per_project_month"}, {"project_id": "<row 2>"}),
        ({"planned_total_investment_non_negative", "investment_not_above_planned_total"},
         {"planned_total_investment": -1.0}),
        ({"completed_investment_ytd_non_negative"}, {"completed_investment_ytd": -1.0}),
        ({"investment_not_above_planned_total"}, {"completed_investment_ytd": 20000.0}),
    ],
    "e204_1": COMMON + ENTERPRISE + [
        ({"goods_sales_ytd_present"}, {"goods_sales_ytd": None}),
        ({"retail_sales_ytd_present"}, {"retail_sales_ytd": None}),
        ({"goods_sales_non_negative"}, {"goods_sales": -1.0, "retail_sales": None}),
        ({"goods_sales_ytd_non_negative", "retail_not_above_sales_ytd"}, {"goods_sales_ytd": -1.0, "goods_sales": None}),
        ({"goods_sales_ytd_prior_non_negative"}, {"goods_sales_ytd_prior": -1.0}),
        ({"retail_sales_non_negative"}, {"retail_sales": -1.0}),
        ({"retail_sales_ytd_non_negative"}, {"retail_sales_ytd": -1.0, "retail_sales": None}),
        ({"retail_sales_ytd_prior_non_negative"}, {"retail_sales_ytd_prior": -1.0}),
        ({"retail_not_above_sales_ytd"}, {"retail_sales_ytd": 7000.0}),
        ({"retail_not_above_sales_month"}, {"retail_sales": 1500.0}),
        ({"goods_sales_month_not_above_ytd"}, {"goods_sales": 7000.0}),
        ({"retail_sales_month_not_above_ytd"}, {"retail_sales": 2500.0, "goods_sales": None}),
    ],
}


@pytest.fixture(scope="module")
def dtypes() -> dict[str, pd.Series]:
    """The column types of each real batch (from the batch SQL over empty staging tables)."""
    con = connect(":memory:")
    init_schema(con)
    build(con)
    types = {name: con.execute(f.batch_sql, {"period": PERIOD}).df().dtypes for name, f in FORMS.items()}
    con.close()
    return types


def batch(name: str, dtypes: pd.Series, defects: list[tuple[set, dict]]) -> tuple[pd.DataFrame, dict[str, set]]:
    """GOOD_ROWS good rows (source rows 2..), then one row per defect; the failures to expect."""
    unit = FORMS[name].unit_id
    rows, expected = [], {}
    for i in range(GOOD_ROWS + len(defects)):
        row = {**KEYS, **GOOD[name], "_source_row": i + 2, "enterprise_id": credit_code(100 + i),
               unit: credit_code(100 + i) if unit == "enterprise_id" else f"P{i:04d}"}
        if i >= GOOD_ROWS:
            checks, overrides = defects[i - GOOD_ROWS]
            row.update({k: rows[0][k] if v == "<row 2>" else v for k, v in overrides.items()})
            for check in checks:
                expected.setdefault(check, set()).add(i + 2)
            if "<row 2>" in overrides.values():
                expected.setdefault(next(iter(checks)), set()).add(2)
        rows.append(row)
    frame = pd.DataFrame(rows)[list(dtypes.index)]
    return frame.astype({c: t for c, t in dtypes.items() if str(t) != "object"}), expected


@pytest.fixture(scope="module")
def run():
    from expectations import gx_runner

    config = load_config()

    def validate(name: str, frame: pd.DataFrame):
        context = gx_runner.open_context()
        return gx_runner.run_suite(context, load_suite(name, config), frame, PARAMS, FORMS[name].unit_id,
                                   PERIOD, "bite")
    return validate


@pytest.mark.parametrize("name", list(FORMS))
def test_good_rows_pass_every_check(name, dtypes, run):
    frame, _ = batch(name, dtypes[name], [])
    failed = [r.check for r in run(name, frame) if not r.success]
    assert failed == []


@pytest.mark.parametrize("name", list(FORMS))
def test_each_planted_defect_fails_exactly_its_check_on_exactly_its_row(name, dtypes, run):
    frame, expected = batch(name, dtypes[name], DEFECTS[name])
    results = run(name, frame)
    found = {r.check: {f[1] for f in r.failures} for r in results if not r.success}
    assert found == expected
    assert all(r.unexpected_count == len(r.failures) for r in results)
    every_check = {r.check for r in results}
    assert every_check - set(expected) <= STRUCTURE | {c for c in every_check if c.startswith("type_")}


@pytest.mark.parametrize("change", ["drop", "retype"])
def test_a_mistyped_or_missing_column_stops_the_suite(dtypes, run, change):
    frame, _ = batch("b204_1", dtypes["b204_1"], [])
    if change == "drop":
        frame = frame.drop(columns=["sales_output_value_ytd"])
    else:
        frame["gross_output_value_ytd"] = frame["gross_output_value_ytd"].map(lambda v: f"{v:,.0f} 千元")
    with pytest.raises(ExpectationRaised) as err:
        run("b204_1", frame)
    message = str(err.value)
    assert "gross_output_month_not_above_ytd" in message or "sales_output_month_not_above_ytd" in message
    assert ("type_gross_output_value_ytd" in message) == (change == "retype")
