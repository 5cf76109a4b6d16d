"""Properties of the indicator model that must hold for any zone (hypothesis)."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from warehouse.build import build
from warehouse.indicators import evaluate

PERIOD = dt.date(2024, 6, 1)
INDUSTRIES = ["doors", "cups", "power_tools", "vehicles", "other"]
AREAS = ["核心区", "古山片区", "石柱片区"]

unit = st.tuples(
    st.sampled_from(INDUSTRIES), st.sampled_from(AREAS), st.booleans(),
    st.floats(1, 1e6, allow_nan=False), st.floats(1, 1e6, allow_nan=False))
zones = st.lists(unit, min_size=2, max_size=25)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    from warehouse.db import connect, init_schema

    connection = connect(tmp_path_factory.mktemp("prop") / "w.duckdb")
    init_schema(connection)
    build(connection)  # empty core tables with their real schemas
    yield connection
    connection.close()


def load_zone(con, units, scale=1.0) -> None:
    con.execute("delete from core.register_year")
    con.execute("delete from core.industrial_output")
    codes = [f"U{n:03d}" for n in range(len(units))]
    industry, area, sei, cur, base = (list(col) for col in zip(*units))
    con.execute("insert into core.register_year by name select unnest($code) as enterprise_id, 2024 as year, "
                "'industry' as unit_type, true as above_scale, unnest($industry) as local_industry, "
                "unnest($area) as sub_area, unnest($sei) as sei_flag, false as is_manufacturing",
                {"code": codes, "industry": industry, "area": area, "sei": sei})
    con.execute("insert into core.industrial_output by name select unnest($code) as enterprise_id, "
                "$period::date as period, 2024 as year, 6 as month, unnest($cur) as gross_output_value_ytd, "
                "unnest($base) as gross_output_value_ytd_py",
                {"code": codes, "period": PERIOD, "cur": [c * scale for c in cur], "base": [b * scale for b in base]})
    evaluate(con, PERIOD)


def values(con, indicator, breakdown):
    return con.execute("select member, value, pull_pp, share_of_total_pct from marts.indicator_values "
                       "where indicator_id = ? and breakdown = ? and \"window\" = 'ytd' and period = ?",
                       [indicator, breakdown, PERIOD]).fetchall()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(zones)
def test_pulls_add_up_to_total_growth(con, units):
    load_zone(con, units)
    total = values(con, "industrial_output_growth", "zone")[0][1]
    for breakdown in ("local_industry", "sub_area", "sei_area"):
        pulls = [r[2] for r in values(con, "industrial_output_growth", breakdown)]
        assert sum(pulls) == pytest.approx(total, abs=1e-7)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(zones)
def test_shares_of_a_full_breakdown_add_up_to_100(con, units):
    load_zone(con, units)
    for breakdown in ("local_industry", "sub_area", "sei_area"):
        shares = [r[3] for r in values(con, "industrial_output_value", breakdown)]
        assert sum(shares) == pytest.approx(100.0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(zones, st.floats(0.001, 1000, allow_nan=False))
def test_growth_unchanged_when_every_value_is_scaled(con, units, k):
    load_zone(con, units)
    before = {(r[0]): r[1] for r in values(con, "industrial_output_growth", "local_industry")}
    load_zone(con, units, scale=k)
    after = {(r[0]): r[1] for r in values(con, "industrial_output_growth", "local_industry")}
    assert before.keys() == after.keys()
    for member, value in before.items():
        assert after[member] == pytest.approx(value, rel=1e-9, abs=1e-9)
