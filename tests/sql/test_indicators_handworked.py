"""A five-enterprise zone worked by hand: comparable growth, naive growth, months, shares,
contributions, pulls, counts and status, checked exactly against the set-based catalog model.

Register (local industry from the GB/T 4754 code: 3465 -> 电动工具 power_tools, 3312 -> 门业 doors):
    A 3465, above scale 2023 and 2024
    B 3312, above scale 2023 and 2024
    C 3312, enters above scale in 2024 (reports its prior-year values in the 上年同期 column)
    D 3465, above scale 2023, leaves in 2024 (files nothing in 2024)
    E 3465, above scale 2023 and 2024, strategic emerging industry; resubmits its Jan-Feb 2024 figure

Gross output value, year to date, 千元 (Feb = Jan-Feb; January is never filed):
           2023-02  2023-03  2024-02            2024-03
    A        100      160      120                190
    B        200      290      190                280
    C         -        -        60 (上年同期 40)   100 (上年同期 70)
    D         50       80       -                  -
    E        100      150      110 -> 130 (更正)   200
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import credit_code, write_csv
from warehouse.build import build
from warehouse.indicators import evaluate
from warehouse.ingest import load_file

A, B, C, D, E = (credit_code(100 + i) for i in range(5))
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码", "是否战略性新兴产业", "所在片区"]
OUT = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计(千元)", "工业销售产值(当年价格)本年累计(千元)",
       "工业总产值(当年价格)上年同期累计(千元)"]
FIN = ["统一社会信用代码", "报告期", "营业收入本年累计(千元)", "研发费用本年累计(千元)"]
MAR, FEB = dt.date(2024, 3, 1), dt.date(2024, 2, 1)


@pytest.fixture(scope="module")
def zone(tmp_path_factory):
    from warehouse.db import connect, init_schema

    tmp: Path = tmp_path_factory.mktemp("zone")
    con = connect(tmp / "w.duckdb")
    init_schema(con)
    files = [
        write_csv(tmp / "reg2023.csv", REG, [[A, "甲", 2023, "工业", "是", "3465", "否", "核心区"],
                                            [B, "乙", 2023, "工业", "是", "3312", "否", "核心区"],
                                            [D, "丁", 2023, "工业", "是", "3465", "否", "古山片区"],
                                            [E, "戊", 2023, "工业", "是", "3465", "是", "古山片区"]]),
        write_csv(tmp / "reg2024.csv", REG, [[A, "甲", 2024, "工业", "是", "3465", "否", "核心区"],
                                            [B, "乙", 2024, "工业", "是", "3312", "否", "核心区"],
                                            [C, "丙", 2024, "工业", "是", "3312", "否", "核心区"],
                                            [D, "丁", 2024, "工业", "否", "3465", "否", "古山片区"],
                                            [E, "戊", 2024, "工业", "是", "3465", "是", "古山片区"]]),
        write_csv(tmp / "out2023.csv", OUT, [[A, "2023-02", 100, 100, ""], [B, "2023-02", 200, 200, ""],
                                            [D, "2023-02", 50, 50, ""], [E, "2023-02", 100, 100, ""],
                                            [A, "2023-03", 160, 160, ""], [B, "2023-03", 290, 290, ""],
                                            [D, "2023-03", 80, 80, ""], [E, "2023-03", 150, 150, ""]]),
        write_csv(tmp / "out2024.csv", OUT, [[A, "2024-02", 120, 120, ""], [B, "2024-02", 190, 190, ""],
                                            [C, "2024-02", 60, 60, 40], [E, "2024-02", 110, 110, ""],
                                            [A, "2024-03", 190, 190, ""], [B, "2024-03", 280, 280, ""],
                                            [C, "2024-03", 100, 100, 70], [E, "2024-03", 200, 200, ""]]),
        write_csv(tmp / "out2024_更正.csv", OUT, [[E, "2024-02", 130, 130, ""]]),
        # R&D: only A and B file B203 for 2024-03 (C and E have not filed yet)
        write_csv(tmp / "fin2024.csv", FIN, [[A, "2024-03", 1000, 30], [B, "2024-03", 2000, 70]]),
    ]
    for f in files:
        assert load_file(con, f).status == "loaded"
    build(con)
    evaluate(con, FEB)
    evaluate(con, MAR)
    yield con
    con.close()


def row(con, indicator, period=MAR, window="ytd", breakdown="zone", member="全区"):
    return con.execute(
        "select value, current_amount, base_amount, growth_pct, contribution_pct, pull_pp, n_in_scope, n_filed, "
        "status, growth_2y_avg_pct, detail from marts.indicator_values where indicator_id = ? and period = ? "
        "and \"window\" = ? and breakdown = ? and member = ?", [indicator, period, window, breakdown, member]
    ).fetchone()


def test_comparable_growth_uses_this_years_units_and_their_own_prior_values(zone):
    # this year's units A, B, C, E: 190 + 280 + 100 + 200 = 770 千元 = 77 万元
    # their prior-year values: A 160, B 290, C 70 (its 上年同期 column), E 150 = 670 千元 = 67 万元
    # D left the scope and is not in either sum. 770 / 670 - 1 = 14.9253731...%
    value, cur, base, growth, *_ = row(zone, "industrial_output_growth")
    assert cur == pytest.approx(77.0) and base == pytest.approx(67.0)
    assert value == pytest.approx((770 / 670 - 1) * 100) == growth


def test_naive_growth_is_published_over_published(zone):
    # 2024 published total 770 over 2023 published total of 2023's units A, B, D, E: 160+290+80+150 = 680
    value, cur, base, *_ = row(zone, "industrial_output_growth_naive")
    assert base == pytest.approx(68.0)
    assert value == pytest.approx((770 / 680 - 1) * 100)


def test_contributions_and_pulls_by_local_industry(zone):
    # 电动工具 power_tools = A + E: 390 vs 310, change +80; 门业 doors = B + C: 380 vs 360, change +20
    # total change 100: contributions 80% and 20%; pulls 80/670 and 20/670 of the base, in points
    power = row(zone, "industrial_output_growth", breakdown="local_industry", member="power_tools")
    doors = row(zone, "industrial_output_growth", breakdown="local_industry", member="doors")
    assert power[0] == pytest.approx((390 / 310 - 1) * 100) and doors[0] == pytest.approx((380 / 360 - 1) * 100)
    assert (power[4], doors[4]) == (pytest.approx(80.0), pytest.approx(20.0))
    assert (power[5], doors[5]) == (pytest.approx(80 / 670 * 100), pytest.approx(20 / 670 * 100))
    assert power[5] + doors[5] == pytest.approx(row(zone, "industrial_output_growth")[0])


def test_month_growth_uses_ytd_differences_and_the_resubmission(zone):
    # March alone: A 190-120=70, B 90, C 40, E 200-130=70 (the 更正 130 replaced 110) = 270
    # base months: A 160-100=60, B 290-200=90, C 70-40=30, E 150-100=50 = 230
    value, cur, base, *_ = row(zone, "industrial_output_growth", window="month")
    assert (cur, base) == (pytest.approx(27.0), pytest.approx(23.0))
    assert value == pytest.approx((270 / 230 - 1) * 100)


def test_jan_feb_is_one_period(zone):
    # 1-2月: 120 + 190 + 60 + 130 = 500 over 100 + 200 + 40 + 100 = 440; the 本月 window is the same
    for window in ("ytd", "month"):
        assert row(zone, "industrial_output_growth", period=FEB, window=window)[0] == pytest.approx((500 / 440 - 1) * 100)


def test_share_ratio_and_count(zone):
    # SEI share: E's 200 of 770
    assert row(zone, "sei_output_share")[0] == pytest.approx(200 / 770 * 100)
    # R&D ratio over the units that filed B203: (30 + 70) / (1000 + 2000); 2 of 4 filed -> provisional
    ratio = row(zone, "rd_expense_ratio")
    assert ratio[0] == pytest.approx(100 / 3000 * 100)
    assert (ratio[6], ratio[7], ratio[8]) == (4, 2, "provisional")
    # hardware industries growing: power tools and doors grew; the 6 others have no filings
    count = row(zone, "hardware_industries_growing")
    assert count[0] == 2 and count[2] == 8 and count[8] == "provisional"
    assert count[10].startswith("增长: 门业、电动工具; 下降: 无; 无数据:")


def test_status_and_two_year_average_without_history(zone):
    value, *_, n_scope, n_filed, status, two_year, _ = row(zone, "industrial_output_growth")
    assert (n_scope, n_filed, status) == (4, 4, "final")
    assert two_year is None  # 2022 is not loaded: no two-year average


def test_reevaluating_a_period_replaces_its_rows(zone):
    before = zone.execute("select count(*) from marts.indicator_values where period = ?", [MAR]).fetchone()[0]
    evaluate(zone, MAR)
    after = zone.execute("select count(*) from marts.indicator_values where period = ?", [MAR]).fetchone()[0]
    assert before == after > 0
