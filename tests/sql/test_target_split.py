"""marts/target_split.sql and marts/target_tracking.sql on literal rows, with hand-worked numbers,
and the property that the industries' shares add up to the zone's target (hypothesis).

Zone (万元): full-year base 1000, base to June 400, 1-6月 actual 440, target +8% -> 1080.
Industries A (base 600, base to June 240, actual 270) and B (400, 160, 170).
Four simulated paths of the rest of the year: zone 600 / 640 / 660 / 700; A 360 / 380 / 400 / 420,
B 240 / 240 / 240 / 300 (the industries add up to 600 / 620 / 640 / 720 and are scaled path by
path to the zone's).
"""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from warehouse.db import read_sql

JUNE, DEC = dt.date(2024, 6, 1), dt.date(2024, 12, 1)
IND = "industrial_output_growth"


def stage(con, series: list[tuple], paths: dict[str, list[float]], full_year: dict[str, float], rule: str) -> None:
    """_fc_series / _fc_paths and the two forecast marts the split reads, from literal rows.
    series: (series_id, breakdown, member, ytd_actual, base_ytd, base_full_year, target_growth_pct)."""
    con.execute("create or replace temp table _fc_series (series_id varchar, indicator_id varchar, breakdown varchar, "
                "member varchar, ytd_actual double, base_ytd double, base_full_year double, target_growth_pct double, "
                "split_rule varchar)")
    con.executemany("insert into _fc_series values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(s[0], IND, s[1], s[2], s[3], s[4], s[5], s[6], rule) for s in series])
    con.execute("create or replace temp table _fc_paths (series_id varchar, path integer, period date, value double)")
    con.executemany("insert into _fc_paths values (?, ?, ?, ?)",
                    [(sid, p, DEC, v) for sid, values in paths.items() for p, v in enumerate(values)])
    con.execute("create or replace table marts.forecast_monthly as select ?::date as as_of, indicator_id, breakdown, "
                "member, ?::date as period, 1.0 as reconcile_factor from _fc_series", [JUNE, DEC])
    con.execute("create or replace table marts.forecast_full_year (as_of date, indicator_id varchar, "
                "breakdown varchar, member varchar, model varchar, full_year_mean double)")
    con.executemany("insert into marts.forecast_full_year values (?, ?, ?, ?, 'ets', ?)",
                    [(JUNE, IND, s[1], s[2], full_year[s[0]]) for s in series])


def split(con) -> dict[str, dict]:
    rows = con.execute(read_sql("marts/target_split.sql"), {"as_of": JUNE})
    names = [d[0] for d in rows.description]
    return {r["member"]: r for r in (dict(zip(names, row)) for row in rows.fetchall())}


ZONE = [("z", "zone", "全区", 440, 400, 1000, 8.0), ("a", "local_industry", "A", 270, 240, 600, None),
        ("b", "local_industry", "B", 170, 160, 400, None)]
PATHS = {"z": [600, 640, 660, 700], "a": [360, 380, 400, 420], "b": [240, 240, 240, 300]}
FULL_YEAR = {"z": 1100, "a": 700, "b": 300}


def test_split_in_proportion_to_last_years_base(con):
    stage(con, ZONE, PATHS, FULL_YEAR, "base")
    s = split(con)
    assert s["全区"]["target_full_year"] == pytest.approx(1080)
    assert (s["A"]["target_full_year"], s["B"]["target_full_year"]) == (pytest.approx(648), pytest.approx(432))
    assert s["A"]["target_share_pct"] == pytest.approx(60) and s["B"]["target_growth_pct"] == pytest.approx(8)
    assert s["A"]["required_rest_growth_pct"] == pytest.approx((648 - 270) / 360 * 100 - 100)      # 5.0
    assert s["B"]["required_rest_growth_pct"] == pytest.approx((432 - 170) / 240 * 100 - 100)      # 9.17
    assert s["全区"]["required_rest_growth_pct"] == pytest.approx((1080 - 440) / 600 * 100 - 100)  # 6.67
    # zone full years 1040 / 1080 / 1100 / 1140: three of four reach 1080
    assert s["全区"]["prob_meet_target"] == pytest.approx(0.75)
    # A scaled: 360, 380*640/620, 400*660/640, 420*700/720 -> full 630, 662.3, 682.5, 678.3 vs 648
    assert s["A"]["prob_meet_target"] == pytest.approx(0.75)
    # B scaled: 240, 247.7, 247.5, 291.7 -> full 410, 417.7, 417.5, 461.7 vs 432
    assert s["B"]["prob_meet_target"] == pytest.approx(0.25)
    assert {r["n_paths"] for r in s.values()} == {4} and {r["split_rule"] for r in s.values()} == {"base"}


def test_split_in_proportion_to_the_forecast_and_with_an_override(con):
    stage(con, ZONE, PATHS, FULL_YEAR, "forecast")
    s = split(con)
    assert (s["A"]["target_full_year"], s["B"]["target_full_year"]) == (pytest.approx(756), pytest.approx(324))
    overridden = [ZONE[0], ("a", "local_industry", "A", 270, 240, 600, 10.0), ZONE[2]]
    stage(con, overridden, PATHS, FULL_YEAR, "base")
    s = split(con)
    assert s["A"]["target_full_year"] == pytest.approx(660) and s["A"]["override_growth_pct"] == 10.0
    assert s["B"]["target_full_year"] == pytest.approx(1080 - 660)    # B takes what is left


# the views these tests give inputs of their own (the briefing reads columns they leave out)
SPLIT_VIEWS = ("marts.target_split_in_force", "marts.zone_outlook", "marts.target_tracking")


def tracking_inputs(con, splits: list[dt.date]) -> None:
    """The split of the staged forecast, made in each month of `splits`, and what the tracking
    view reads besides: the catalog, last year's profile (Jun-Dec 2023) and the actuals table."""
    from warehouse.catalog import write_meta

    stage(con, ZONE, PATHS, FULL_YEAR, "base")
    con.execute("create or replace temp table _made as " + read_sql("marts/target_split.sql"), {"as_of": JUNE})
    con.execute("create or replace table marts.target_split as select * replace (s as as_of) "
                "from _made cross join (select unnest(?::date[]) as s)", [splits])
    write_meta(con)
    con.execute("create or replace table meta.local_industries (id varchar, label_zh varchar, label_en varchar, "
                "hardware boolean, codes varchar[])")
    con.execute("create or replace table marts.measure_facts as select 'gross_output_value' as measure, "
                "'industry_above_scale' as scope, false as is_manufacturing, false as sei_flag, false as hardware, "
                "'A' as local_industry, make_date(2023, m, 1) as period, 100.0 * m - 200 as ytd "
                "from range(6, 13) as t(m)")
    con.execute("create or replace table marts.indicator_values (indicator_id varchar, period date, \"window\" varchar, "
                "breakdown varchar, member varchar, comparable_amount double, status varchar)")


def test_the_target_path_and_actual_against_it(con):
    """Last year's YTD profile (zone): Jun 400, Jul 500 .. Dec 1000. What is left after June, 1080 - 440,
    is spread by it: July's path is 440 + 640 x 100/600 = 546.67 (50.62% of the target). July's
    actual 530 is 49.07% of the target, 1.54 points behind the path."""
    from warehouse.marts_schema import ensure_views

    tracking_inputs(con, [JUNE])
    con.executemany("insert into marts.indicator_values values (?, ?, 'ytd', ?, ?, ?, 'final')",
                    [(IND, JUNE, "zone", "全区", 440), (IND, dt.date(2024, 7, 1), "zone", "全区", 530)])
    ensure_views(con, SPLIT_VIEWS)
    rows = {r[0]: r[1:] for r in con.execute(
        "select period, path_ytd, path_pct, done_pct, gap_pp, path_month from marts.target_tracking "
        "where member = '全区' order by period").fetchall()}
    assert len(rows) == 7 and rows[JUNE][:4] == (pytest.approx(440), pytest.approx(440 / 10.8),
                                                  pytest.approx(440 / 10.8), pytest.approx(0))
    path, path_pct, done, gap, month = rows[dt.date(2024, 7, 1)]
    assert path == pytest.approx(440 + 640 / 6) and path_pct == pytest.approx(546.6667 / 10.8, rel=1e-5)
    assert done == pytest.approx(530 / 10.8) and gap == pytest.approx((530 - 546.6667) / 10.8, rel=1e-5)
    assert month == pytest.approx(640 / 6)
    assert rows[DEC][0] == pytest.approx(1080) and rows[DEC][2] is None       # December not filed yet
    # industry A has last year's profile 400..1000 too (all units are A): its path ends on its share
    a_dec = con.execute("select path_ytd from marts.target_tracking where member = 'A' and period = ?", [DEC]).fetchone()
    assert a_dec[0] == pytest.approx(648)


amounts = st.floats(10, 1e5, allow_nan=False)
industry = st.tuples(amounts, amounts, st.floats(0.05, 0.95), st.one_of(st.none(), st.floats(-20, 40)),
                     st.lists(amounts, min_size=3, max_size=3))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(industry, min_size=1, max_size=6), st.floats(-10, 30), st.sampled_from(["base", "forecast"]),
       st.lists(amounts, min_size=3, max_size=3))
def test_industry_shares_add_up_to_the_zone_target(con, industries, target, rule, zone_rests):
    """Any bases, forecasts, overrides and rule: the shares add up to the zone's target, and on the
    same paths the zone meets its target only where some industry meets its share."""
    series, paths, full_year = [], {"z": zone_rests}, {}
    for n, (base, fy, done, override, rests) in enumerate(industries):
        sid = f"i{n}"
        series.append((sid, "local_industry", sid, base * done * 1.05, base * done, base, override))
        paths[sid], full_year[sid] = rests, fy
    zone_base = sum(s[5] for s in series)
    zone_ytd, zone_base_ytd = sum(s[3] for s in series), sum(s[4] for s in series)
    series.insert(0, ("z", "zone", "全区", zone_ytd, zone_base_ytd, zone_base, target))
    full_year["z"] = sum(full_year.values())
    stage(con, series, paths, full_year, rule)
    s = split(con)
    zone_target = zone_base * (1 + target / 100)
    assert s["全区"]["target_full_year"] == pytest.approx(zone_target)
    assert sum(r["target_full_year"] for m, r in s.items() if m != "全区") == pytest.approx(zone_target, rel=1e-9)
    assert sum(r["target_share_pct"] for m, r in s.items() if m != "全区") == pytest.approx(100)
    p_zone = s["全区"]["prob_meet_target"]
    p_each = [r["prob_meet_target"] for m, r in s.items() if m != "全区"]
    assert p_zone == pytest.approx(_zone_prob(zone_ytd, zone_rests, zone_target))
    assert p_zone <= sum(p_each) + 1e-9      # a path where the zone meets has an industry meeting its share
    if len(p_each) == 1:                     # one industry is the zone
        assert p_each[0] == pytest.approx(p_zone)


def _zone_prob(ytd: float, rests: list[float], goal: float) -> float:
    return sum(ytd + r >= goal for r in rests) / len(rests)


def test_the_split_in_force_is_the_latest_of_the_year_made_in_or_before_the_month(con):
    """Splits made in November 2023, June 2024 and September 2024: July 2024 reads June's, October
    September's, December 2023 November's; March 2024 has none (a split is for its own year)."""
    from warehouse.marts_schema import ensure_views

    tracking_inputs(con, [dt.date(2023, 11, 1), JUNE, dt.date(2024, 9, 1)])
    ensure_views(con, SPLIT_VIEWS)
    in_force = dict(con.execute("select period, as_of from marts.target_split_in_force").fetchall())
    assert in_force[dt.date(2024, 7, 1)] == dt.date(2024, 6, 1)
    assert in_force[dt.date(2024, 10, 1)] == in_force[dt.date(2024, 12, 1)] == dt.date(2024, 9, 1)
    assert in_force[dt.date(2023, 12, 1)] == dt.date(2023, 11, 1)
    assert dt.date(2024, 3, 1) not in in_force and dt.date(2024, 1, 1) not in in_force
    assert len(in_force) == 2 + 7          # Nov-Dec 2023, Jun-Dec 2024


def test_the_zone_outlook_is_one_model_per_indicator_and_month(con):
    from warehouse.marts_schema import ensure_views

    con.execute("create or replace table marts.forecast_full_year as select * from (values "
                "(date '2024-06-01', 'gio', 'zone', 'ets', 1.0), (date '2024-06-01', 'gio', 'zone', 'arima', 2.0), "
                "(date '2024-06-01', 'gio', 'local_industry', 'arima', 3.0), "
                "(date '2024-07-01', 'gio', 'zone', 'ets', 4.0)) as t(as_of, indicator_id, breakdown, model, value)")
    ensure_views(con, SPLIT_VIEWS)
    rows = con.execute("select month, indicator_id, model, value from marts.zone_outlook order by month").fetchall()
    assert rows == [(dt.date(2024, 6, 1), "gio", "arima", 2.0), (dt.date(2024, 7, 1), "gio", "ets", 4.0)]
