"""The rules a statistics officer signs, worked by hand (issue #12): months from year to date, one
comparable-scope rule, pulls that add up, full-year bases from year-to-date values.

Investment projects (206-1, 万元, year to date; planned total >= 500 万元, all in scope):
    P1 3465 电动工具 (manufacturing)   2023: Feb 100, Mar 250         2024: Feb 120, Mar 260
    P2 3312 门业 (manufacturing)       2024: enters in March with 300 (no earlier filing this year)
    P3 3381 厨具 (manufacturing)       2023: enters in March with 200, Dec 900; nothing in 2024
    P1 Dec 2023 YTD 1000

Retail units (E204-1, 千元, year to date), trade register 2023 and 2024, all above quota:
    R1  2023: Feb 100 Mar 150 Apr 210 May 260 Jun 300   2024: Feb 110 Mar 170 Apr 230 (May skipped) Jun 340
    R2  2024 only, no 上年同期 column and no 2023 filing: Feb 50 Mar 80 Apr 120 May 160 Jun 200
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import credit_code, write_csv
from warehouse.build import build
from warehouse.indicators import evaluate
from warehouse.ingest import load_file

R1, R2, R3 = credit_code(301), credit_code(302), credit_code(303)
FAI = ["项目代码", "报告期", "项目名称", "行业代码", "计划总投资", "本年完成投资"]
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码", "所在片区"]
TRADE = ["统一社会信用代码", "报告期", "商品销售额本年累计", "零售额本年累计"]
MAR, JUN = dt.date(2024, 3, 1), dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def zone(tmp_path_factory):
    from warehouse.db import connect, init_schema

    tmp: Path = tmp_path_factory.mktemp("numbers")
    con = connect(tmp / "w.duckdb")
    init_schema(con)
    files = [
        write_csv(tmp / "fai2023.csv", FAI, [["P1", "2023-02", "一", "3465", 5000, 100], ["P1", "2023-03", "一", "3465", 5000, 250],
                                            ["P3", "2023-03", "三", "3381", 3000, 200], ["P1", "2023-12", "一", "3465", 5000, 1000],
                                            ["P3", "2023-12", "三", "3381", 3000, 900]]),
        write_csv(tmp / "fai2024.csv", FAI, [["P1", "2024-02", "一", "3465", 5000, 120], ["P1", "2024-03", "一", "3465", 5000, 260],
                                            ["P2", "2024-03", "二", "3312", 8000, 300]]),
        write_csv(tmp / "reg.csv", REG, [[R1, "甲", 2023, "批零", "是", "5211", "核心区"], [R1, "甲", 2024, "批零", "是", "5211", "核心区"],
                                         [R2, "乙", 2024, "批零", "是", "5211", "古山片区"]]),
        write_csv(tmp / "trade2023.csv", TRADE, [[R1, f"2023-{m:02d}", 2 * v, v] for m, v in
                                                 ((2, 100), (3, 150), (4, 210), (5, 260), (6, 300))]),
        write_csv(tmp / "trade2024.csv", TRADE, [[R1, f"2024-{m:02d}", 2 * v, v] for m, v in ((2, 110), (3, 170), (4, 230), (6, 340))]
                  + [[R2, f"2024-{m:02d}", 2 * v, v] for m, v in ((2, 50), (3, 80), (4, 120), (5, 160), (6, 200))]),
        # R3 files with its 上年同期 but is in no register: held out of every figure
        write_csv(tmp / "trade2024_r3.csv", [*TRADE, "零售额上年同期累计"], [[R3, "2024-06", 300, 100, 80]]),
    ]
    for f in files:
        assert load_file(con, f).status == "loaded", f
    build(con)
    for period in (MAR, JUN):
        evaluate(con, period)
    yield con
    con.close()


def value(con, indicator, period, window="ytd", breakdown="zone", member="全区", column="value"):
    row = con.execute(f"select {column} from marts.indicator_values where indicator_id = ? and period = ? "
                      "and \"window\" = ? and breakdown = ? and member = ?",
                      [indicator, period, window, breakdown, member]).fetchone()
    return None if row is None else row[0]


def test_a_project_entering_in_march_counts_its_whole_ytd_as_its_first_month(zone):
    rows = zone.execute("select project_id, strftime(period, '%Y-%m'), completed_investment_month, months_covered, "
                        "month_basis from core.investment order by period, project_id").fetchall()
    assert rows == [("P1", "2023-02", 100.0, 2, "consecutive"), ("P1", "2023-03", 150.0, 1, "consecutive"),
                    ("P3", "2023-03", 200.0, 3, "first_of_year"), ("P1", "2023-12", 750.0, 9, "after_gap"),
                    ("P3", "2023-12", 700.0, 9, "after_gap"),
                    ("P1", "2024-02", 120.0, 2, "consecutive"), ("P1", "2024-03", 140.0, 1, "consecutive"),
                    ("P2", "2024-03", 300.0, 3, "first_of_year")]


def test_investment_month_growth_equals_the_change_in_ytd(zone):
    # March 2024: P1 140 + P2 300 = 440 = YTD 560 - YTD 120; March 2023: P1 150 + P3 200 = 350 = 450 - 100
    assert value(zone, "fai_value", MAR, "month") == pytest.approx(440 / 1e4)
    assert value(zone, "fai_growth", MAR, "month") == pytest.approx((440 / 350 - 1) * 100)
    assert value(zone, "fai_growth", MAR) == pytest.approx((560 / 450 - 1) * 100)


def test_industries_without_a_base_or_without_investment_still_add_up(zone):
    # published basis: 门业 has 300 and no base (pull +300/450), 厨具 had 200 and has none (-200/450),
    # 电动工具 260 over 250 (+10/450): the pulls add to the zone's 24.44 points
    pulls = dict(zone.execute("select member, pull_pp from marts.indicator_values where indicator_id = 'fai_growth' "
                              "and period = ? and \"window\" = 'ytd' and breakdown = 'local_industry'", [MAR]).fetchall())
    assert pulls == {"doors": pytest.approx(300 / 450 * 100), "kitchenware": pytest.approx(-200 / 450 * 100),
                     "power_tools": pytest.approx(10 / 450 * 100)}
    assert sum(pulls.values()) == pytest.approx(value(zone, "fai_growth", MAR))
    assert value(zone, "fai_growth", MAR, breakdown="local_industry", member="kitchenware") == pytest.approx(-100.0)
    assert value(zone, "fai_growth", MAR, breakdown="local_industry", member="doors", column="status") == "no_base"
    contributions = zone.execute("select sum(contribution_pct) from marts.indicator_values where indicator_id = "
                                 "'fai_growth' and period = ? and breakdown = 'local_industry'", [MAR]).fetchall()
    assert contributions[0][0] == pytest.approx(200.0)  # 100 per window


def test_a_skipped_month_is_carried_by_the_next_filing_and_marked(zone):
    row = zone.execute("select retail_sales_month, retail_sales_month_py, months_covered, month_basis, prev_period "
                       "from core.trade where enterprise_id = ? and period = ?", [R1, JUN]).fetchone()
    # June carries May and June: 340 - 230 = 110 千元; its base 300 - 210 = 90; nothing dropped
    assert row == (110.0, 90.0, 2, "after_gap", dt.date(2024, 4, 1))


def test_a_unit_without_a_base_is_out_of_both_sides_of_a_comparable_growth(zone):
    # June YTD: R1 340 over 300; R2 (200, no base) is out of both sides, counted, and in the level
    assert value(zone, "retail_sales_growth", JUN) == pytest.approx((340 / 300 - 1) * 100)
    assert value(zone, "retail_sales_growth", JUN, column="n_without_base") == 1
    assert value(zone, "retail_sales_growth", JUN, column="amount_without_base") == pytest.approx(20.0)  # 万元
    assert value(zone, "retail_sales_growth", JUN, column="comparable_amount") == pytest.approx(34.0)
    assert value(zone, "retail_sales_value", JUN) == pytest.approx(540 / 10 / 1e4)  # 亿元, every unit
    # June alone: R1's carried 110 over 90; the zone's month is its YTD change over the same units
    assert value(zone, "retail_sales_growth", JUN, "month") == pytest.approx((110 / 90 - 1) * 100)
    assert value(zone, "retail_sales_value", JUN, "month") == pytest.approx((110 + 40) / 10 / 1e4)


def test_sub_area_pulls_add_up_with_a_member_that_has_no_base(zone):
    rows = zone.execute("select member, pull_pp, value from marts.indicator_values where indicator_id = "
                        "'retail_sales_growth' and period = ? and \"window\" = 'ytd' and breakdown = 'sub_area'",
                        [JUN]).fetchall()
    assert {m: p for m, p, _ in rows} == {"核心区": pytest.approx(40 / 300 * 100), "古山片区": 0.0}
    assert {m: v for m, _, v in rows}["古山片区"] is None


def test_full_year_bases_come_from_december_ytd(zone):
    from warehouse.catalog import write_meta
    from warehouse.db import read_sql

    write_meta(zone)
    bases = {(r[0], r[1]): r[2:] for r in zone.execute(
        "select indicator_id, member, base_ytd, base_full_year, base_rest, n_estimated from ("
        + read_sql("marts/forecast_bases.sql") + ")", {"as_of": MAR}).fetchall()}
    # published: the sums of last year's YTD at March (250 + 200) and at December (1000 + 900)
    assert bases[("fai_growth", "全区")] == (pytest.approx(450.0), pytest.approx(1900.0), pytest.approx(1450.0), 0)
    # 厨具 has no project this year, and still gets its base
    assert bases[("fai_growth", "kitchenware")][:2] == (pytest.approx(200.0), pytest.approx(900.0))


def test_a_filer_outside_the_register_is_listed_with_the_figure_it_would_change(zone):
    from report import read_sql
    from warehouse.db import fetch_dicts

    [row] = fetch_dicts(zone, read_sql("report_outside_register.sql"), {"period": JUN})
    assert (row["form"], row["enterprise_id"], row["amount"], row["base"]) == ("E204-1", R3, 10.0, 8.0)
    # retail growth now 34 / 30 (R1 only); with R3 admitted (34 + 10) / (30 + 8)
    assert row["indicator_value"] == pytest.approx((34 / 30 - 1) * 100)
    assert row["value_if_admitted"] == pytest.approx((44 / 38 - 1) * 100)
    assert value(zone, "retail_sales_value", JUN) == pytest.approx(540 / 10 / 1e4)   # R3 is in no figure
