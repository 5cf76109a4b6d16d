"""The SQL edit checks (expectations/sql/checks/) on tiny literal filings, with exact expected rows."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from expectations import checks
from expectations.suites import load_config
from tests.conftest import credit_code, write_csv
from warehouse.build import build
from warehouse.ingest import load_file

JUNE = dt.date(2024, 6, 1)
A, B, C, D, E, G, H, U, N, M, X, T = (credit_code(200 + i) for i in range(12))
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码"]
B204 = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本月(千元)", "工业总产值(当年价格)本年累计(千元)",
        "工业总产值(当年价格)上年同期累计(千元)", "工业销售产值(当年价格)本年累计(千元)"]
STEADY = {2: 200.0, 3: 300.0, 4: 400.0, 5: 500.0, 6: 600.0}  # YTD by month: 100 a month
# enterprise -> June (month value, YTD, reported prior-year YTD); every filer has STEADY for Feb-May
JUNE_ROWS = {
    A: (100.0, 600.0, None),     # steady; 2023-06 filed 540: +11%
    B: (100.0, 450.0, None),     # YTD falls below May's 500
    C: (80.0, 600.0, None),      # month 80 but YTD grew by 100
    D: (100.5, 600.0, None),     # off by 0.5: within the rounding tolerance
    E: (100.0, 600.0, 300.0),    # +100% on the form's own prior-year column
    G: (100.0, 600.0, None),     # 2023-06 filed 2000: -70%
    H: (100.0, 600.0, 50.0),     # +1100% but on a base below yoy_min_base: not judged
    U: (100.0, 600000.0, None),  # YTD typed in 元 instead of 千元: x1000
    N: (100.0, 600.0, None),     # files, but is not in the register
}


def row(code: str, period: str, month: float | None, ytd: float, prior: float | None = None) -> list:
    return [code, period, "" if month is None else month, ytd, "" if prior is None else prior, round(ytd * 0.95, 2)]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from warehouse.db import connect, init_schema

    tmp = tmp_path_factory.mktemp("checks")
    con = connect(tmp / "w.duckdb")
    init_schema(con)
    registered = [A, B, C, D, E, G, H, U, M]
    files = [
        write_csv(tmp / "reg.csv", REG, [[c, f"企业{i}", 2024, "工业", "是", "3311"] for i, c in enumerate(registered)]
                  + [[X, "小厂", 2024, "工业", "否", "3311"], [T, "商店", 2024, "批零", "是", "5212"]]),
        write_csv(tmp / "o2023.csv", B204, [row(A, "2023-06", 90, 540), row(G, "2023-06", 330, 2000)]),
        write_csv(tmp / "o2024.csv", B204, [row(c, f"2024-{m:02d}", 100 if m > 2 else 200, ytd)
                                            for c in JUNE_ROWS if c != N for m, ytd in STEADY.items() if m < 6]),
        write_csv(tmp / "o2024-06.csv", B204, [row(c, "2024-06", *v) for c, v in JUNE_ROWS.items()]),
    ]
    for path in files:
        assert load_file(con, path).status == "loaded", path
    build(con)
    config = load_config()
    config = dataclasses.replace(config, completeness={"b204_1": ["industry"]})
    checks.prepare(con, JUNE, config)
    yield con, config
    con.close()


def failing(warehouse, name: str) -> list[tuple]:
    """(unit, field, value, expected) of the check's failing rows, sorted."""
    con, config = warehouse
    check = next(c for c in config.sql_checks if c.check == name)
    rows = checks.run_sql(con, f"checks/{check.file}.sql", checks.parameters(check, JUNE, config)).fetchall()
    assert all(r[0] == "b204_1" and r[4] == JUNE for r in rows)
    return sorted((r[3], r[5], r[6], r[7]) for r in rows)


def test_ytd_not_below_previous_month(warehouse):
    assert failing(warehouse, "ytd_not_below_previous_month") == sorted([
        (B, "gross_output_value_ytd", 450.0, 500.0), (B, "sales_output_value_ytd", 427.5, 475.0)])


def test_month_equals_ytd_difference_within_tolerance(warehouse):
    assert failing(warehouse, "month_equals_ytd_difference") == sorted([
        (B, "gross_output_value", 100.0, -50.0), (C, "gross_output_value", 80.0, 100.0),
        (U, "gross_output_value", 100.0, 599500.0)])


def test_yoy_band_uses_the_reported_prior_else_last_years_filing(warehouse):
    assert failing(warehouse, "yoy_change_within_band") == sorted([
        (E, "gross_output_value_ytd", 600.0, 300.0), (G, "gross_output_value_ytd", 600.0, 2000.0)])


def test_unit_slip_against_the_usual_monthly_level(warehouse):
    assert failing(warehouse, "no_unit_slip") == sorted([
        (U, "gross_output_value_ytd", 600000.0, 600.0), (U, "sales_output_value_ytd", 570000.0, 570.0)])


def test_in_register(warehouse):
    assert failing(warehouse, "enterprise_in_register") == [(N, "enterprise_id", None, None)]


def test_missing_filing_and_coverage(warehouse):
    con, config = warehouse
    assert failing(warehouse, "filed_for_period") == [(M, None, None, None)]
    coverage = next(c for c in config.sql_checks if c.kind == "period")
    [result] = checks.run_coverage(con, dataclasses.replace(coverage, forms=("b204_1",)), config)
    # expected: the 9 above-scale industrial units of the 2024 register (not X: below scale; not T: trade)
    assert (result.element_count, result.unexpected_count, result.observed_value) == (9, 1, 8 / 9)
    assert not result.success  # 88.9% < 95%: the period is provisional


def test_january_is_not_expected_of_exempt_forms(warehouse):
    con, config = warehouse
    checks.prepare(con, dt.date(2024, 1, 1), config)
    try:
        assert con.execute("select count(*) from _zs_expected").fetchone()[0] == 0
    finally:
        checks.prepare(con, JUNE, config)


def test_run_sql_checks_gives_one_result_per_form_and_check(warehouse):
    con, config = warehouse
    results = checks.run_sql_checks(con, JUNE, config, {"b204_1": 9})
    pairs = {(r.suite, r.check) for r in results}
    assert len(pairs) == len(results)
    assert {r.check for r in results if not r.success and r.suite == "b204_1"} == {
        "ytd_not_below_previous_month", "month_equals_ytd_difference", "yoy_change_within_band", "no_unit_slip",
        "enterprise_in_register", "filed_for_period", "coverage_at_least_threshold"}
    assert all(r.success for r in results if r.suite != "b204_1")


def test_unit_slip_flags_levels_about_a_factor_off_within_its_own_tolerance():
    """'About' a factor means within config.yaml's unit_slip.tolerance (2.0) of it: a month at 700x
    the usual level is a slip (元 for 千元, a little over), 3x is not (a real jump); the median of
    the last 12 months is the usual level, computed by sorting so it fits the gate's memory."""
    import duckdb

    config = load_config()
    check = next(c for c in config.sql_checks if c.check == "no_unit_slip")
    con = duckdb.connect()
    con.execute("create temp table _zs_measures (form varchar, load_id bigint, source_row integer, unit_id varchar, "
                "period date, field varchar, ytd double)")
    rows = []
    for unit, june_level in (("slip", 700.0), ("jump", 3.0), ("even", 1.0)):
        for k in range(12):      # 2023-06..2024-05: a level of 1 a month, one outlier that a median ignores
            month = dt.date(2023 + (5 + k) // 12, (5 + k) % 12 + 1, 1)
            level = 50.0 if k == 3 else 1.0
            rows.append(("b204_1", 1, k, unit, month, "gross_output_value", level * month.month))
        rows.append(("b204_1", 2, 1, unit, JUNE, "gross_output_value", june_level * 6))
    con.executemany("insert into _zs_measures values (?, ?, ?, ?, ?, ?, ?)", rows)
    flagged = checks.run_sql(con, "checks/unit_slip.sql", checks.parameters(check, JUNE, config)).fetchall()
    assert [(r[3], r[6], r[7]) for r in flagged] == [("slip", 4200.0, 6.0)]
