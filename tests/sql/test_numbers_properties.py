"""Properties of the numbers for any zone (issue #12), checked on zones drawn by hypothesis and
loaded through the real files -> raw -> staging -> core -> marts path:

- 本月 of every form, month and breakdown member equals the change in its members' year to date
  over the same units (each unit's YTD minus its latest earlier YTD of the year, 0 before its first
  filing), recomputed here in Python from the drawn filings;
- for every growth and level indicator of the catalog, every breakdown, period and window, the
  members' pulls add up to the zone's growth and their contributions to 100%;
- adding a unit without a prior-year base never changes a comparable growth.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.conftest import credit_code, write_csv
from warehouse.build import build
from warehouse.indicators import evaluate
from warehouse.ingest import load_file

MONTHS = [2, 3, 4, 5, 6]
PERIODS = [dt.date(2024, m, 1) for m in MONTHS]
CODES = ["3465", "3312", "3381", "3130"]                   # 电动工具, 门业, 厨具, 金属材料
AREAS = ["核心区", "古山片区"]
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码", "所在片区", "是否战略性新兴产业"]
OUT = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计", "工业销售产值(当年价格)本年累计",
       "出口交货值本年累计", "工业总产值(当年价格)上年同期累计"]
TRADE = ["统一社会信用代码", "报告期", "商品销售额本年累计", "零售额本年累计"]
FAI = ["项目代码", "报告期", "项目名称", "行业代码", "计划总投资", "本年完成投资"]

# a unit: industry code, area, which months it files in 2024 and 2023 (None: not at all), monthly
# amounts, whether it reports a 上年同期 column in 2024, SEI flag
unit = st.fixed_dictionaries({
    "code": st.sampled_from(CODES), "area": st.sampled_from(AREAS), "sei": st.booleans(),
    "months_now": st.lists(st.sampled_from(MONTHS), min_size=1, max_size=5, unique=True).map(sorted),
    "months_before": st.one_of(st.none(), st.lists(st.sampled_from(MONTHS), min_size=1, max_size=5,
                                                   unique=True).map(sorted)),
    "flows": st.lists(st.integers(0, 500), min_size=5, max_size=5),
    "prior_column": st.booleans(),
})
zones = st.lists(unit, min_size=2, max_size=8)


def ytd_path(flows: list[int], months: list[int]) -> dict[int, int]:
    """Year to date at each filed month: the flows of every month up to it (Jan-Feb in Feb)."""
    return {m: sum(flows[:MONTHS.index(m) + 1]) + 7 for m in months}


def files_for(tmp: Path, units: list[dict], tag: str) -> list[Path]:
    reg, out, trade, fai = [], [], [], []
    for n, u in enumerate(units):
        ent, proj = credit_code(7000 + n), f"P{n:03d}"
        now = ytd_path(u["flows"], u["months_now"])
        before = ytd_path([f // 2 for f in u["flows"]], u["months_before"]) if u["months_before"] else {}
        for year in (2023, 2024):
            for kind in ("工业", "批零"):
                reg.append([ent if kind == "工业" else credit_code(8000 + n), f"单位{n}", year, kind, "是",
                            u["code"], u["area"], "是" if u["sei"] else "否"])
        for year, path in ((2023, before), (2024, now)):
            for m, v in path.items():
                prior = before.get(m, 3) if (year == 2024 and u["prior_column"]) else ""
                out.append([ent, f"{year}-{m:02d}", v, v, v // 3, prior])
                trade.append([credit_code(8000 + n), f"{year}-{m:02d}", 2 * v, v])
                fai.append([proj, f"{year}-{m:02d}", f"项目{n}", u["code"], 1000, v])
    return [write_csv(tmp / f"reg{tag}.csv", REG, reg), write_csv(tmp / f"out{tag}.csv", OUT, out),
            write_csv(tmp / f"trade{tag}.csv", TRADE, trade), write_csv(tmp / f"fai{tag}.csv", FAI, fai)]


def load_zone(tmp: Path, units: list[dict], tag: str = "a"):
    from warehouse.db import connect, init_schema

    con = connect(tmp / f"w{tag}.duckdb")
    init_schema(con)
    for f in files_for(tmp, units, tag):
        assert load_file(con, f).status == "loaded"
    build(con)
    for period in PERIODS:
        evaluate(con, period)
    return con


def expected_months(units: list[dict]) -> dict[tuple, float]:
    """(form measure, period, local industry) -> the sum of each filing's YTD minus the unit's latest
    earlier YTD of the year (0 before its first filing), 万元: recomputed from the drawn filings."""
    industry = {"3465": "power_tools", "3312": "doors", "3381": "kitchenware", "3130": "metal_materials"}
    out: dict[tuple, float] = defaultdict(float)
    for u in units:
        path = ytd_path(u["flows"], u["months_now"])
        previous = 0
        for m in u["months_now"]:
            month = path[m] - previous
            previous = path[m]
            out[("gross_output_value", m, industry[u["code"]])] += month / 10      # 千元 -> 万元
            out[("retail_sales", m, "zone")] += month / 10
            out[("completed_investment", m, industry[u["code"]])] += month         # already 万元
    return out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(zones)
def test_month_is_the_change_in_ytd_over_the_same_units(tmp_path_factory, units):
    con = load_zone(tmp_path_factory.mktemp("months"), units)
    expected = expected_months(units)
    got = con.execute("""
        select measure, month(period), local_industry, sum(mon) from marts.measure_facts
        where year = 2024 and measure in ('gross_output_value', 'completed_investment') group by all
        union all
        select measure, month(period), 'zone', sum(mon) from marts.measure_facts
        where year = 2024 and measure = 'retail_sales' group by all""").fetchall()
    assert {(r[0], r[1], r[2]): pytest.approx(r[3]) for r in got} == dict(expected)
    # and the marts' 本月 of every breakdown member agrees with core's months
    mart = con.execute("""
        select v.period, v.breakdown, v.member, v.current_amount, m.total
        from marts.indicator_values as v
        join (select period, local_industry, sum(mon) as total from marts.measure_facts
              where measure = 'completed_investment' group by all) as m
          on m.period = v.period and m.local_industry = v.member
        where v.indicator_id = 'fai_value' and v."window" = 'month' and v.breakdown = 'local_industry'""").fetchall()
    for _, _, _, amount, total in mart:
        assert amount == pytest.approx(total)
    con.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(zones)
def test_members_add_up_to_the_zone_for_every_growth_breakdown_period_and_window(tmp_path_factory, units):
    con = load_zone(tmp_path_factory.mktemp("sums"), units)
    rows = con.execute("""
        select v.indicator_id, v.period, v."window", v.breakdown, sum(v.pull_pp), sum(v.contribution_pct),
               sum(v.comparable_amount - v.base_amount), sum(v.comparable_amount), sum(v.base_amount),
               any_value(z.growth_pct), any_value(z.comparable_amount), any_value(z.base_amount)
        from marts.indicator_values as v
        join meta.indicators as i using (indicator_id)
        join marts.indicator_values as z
          on z.indicator_id = v.indicator_id and z.period = v.period and z."window" = v."window"
         and z.breakdown = 'zone'
        where i.kind in ('growth', 'level') and v.breakdown <> 'zone' and z.base_amount > 0 and z.n_filed > 0
        group by all""").fetchall()
    for ind, period, window, breakdown, pulls, contributions, _, num, base, zone_growth, zone_num, zone_base in rows:
        where = (ind, period, window, breakdown)
        assert pulls == pytest.approx(zone_growth, abs=1e-9), where
        assert (num or 0) == pytest.approx(zone_num, abs=1e-9), where
        assert (base or 0) == pytest.approx(zone_base, abs=1e-9), where
        if abs(zone_num - zone_base) > 1e-9:
            assert contributions == pytest.approx(100.0), where
    con.close()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(zones, unit.filter(lambda u: u["months_before"] is None and not u["prior_column"]))
def test_adding_a_unit_without_a_base_never_changes_a_comparable_growth(tmp_path_factory, units, newcomer):
    tmp = tmp_path_factory.mktemp("nobase")
    query = ("select indicator_id, period, \"window\", breakdown, member, value from marts.indicator_values "
             "join meta.indicators using (indicator_id) where kind = 'growth' and basis = 'comparable'")
    before_con = load_zone(tmp, units, "a")
    before = {r[:5]: r[5] for r in before_con.execute(query).fetchall()}
    before_con.close()
    after_con = load_zone(tmp, [*units, newcomer], "b")
    after = {r[:5]: r[5] for r in after_con.execute(query).fetchall()}
    after_con.close()
    for key, value in before.items():
        assert after[key] == (pytest.approx(value) if value is not None else None), key
    assert set(after) >= set(before)
    assert all(after[k] is None for k in set(after) - set(before))   # a member of newcomers only: no base


def test_generator_draws_gaps_entries_and_units_without_a_base():
    """The strategy reaches every case the properties are about (so they are not vacuous)."""
    example = [{"code": "3465", "area": "核心区", "sei": False, "months_now": [2, 4, 6], "months_before": None,
                "flows": [1, 2, 3, 4, 5], "prior_column": False},
               {"code": "3312", "area": "古山片区", "sei": True, "months_now": [3, 4], "months_before": [2, 3, 4, 5, 6],
                "flows": [5, 5, 5, 5, 5], "prior_column": True}]
    months = expected_months(example)
    # the first unit's April carries March (gap), the second enters in March with its whole YTD
    assert months[("gross_output_value", 4, "power_tools")] == pytest.approx((2 + 3) / 10)
    assert months[("gross_output_value", 3, "doors")] == pytest.approx((5 + 5 + 7) / 10)
    assert list(itertools.chain(*[u["months_now"] for u in example])) == [2, 4, 6, 3, 4]
