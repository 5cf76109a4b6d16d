"""Chinese New Year dates, the Spring Festival regressor, Jan-Feb detection and series preparation."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from models.calendar_cn import AFTER, FESTIVAL, cny_regressors, lunar_new_year, window_share
from models.janfeb import ABSENT, MERGED, MONTHLY, detect_layout, next_slots, to_flows, to_ytd
from models.prepare import SeriesError, prepare


def monthly(start="2008-01-01", years=12, seed=0) -> pd.Series:
    idx = pd.date_range(start, periods=12 * years, freq="MS")
    rng = np.random.default_rng(seed)
    t = np.arange(len(idx))
    return pd.Series(1000 + 5 * t + 100 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 10, len(idx)), index=idx)


def ytd_of(s: pd.Series) -> pd.Series:
    return s.groupby(s.index.year).cumsum()


@pytest.mark.parametrize("day", ["2024-02-10", "2025-01-29", "2026-02-17", "2027-02-06", "2028-01-26",
                                 "2029-02-13", "2030-02-03"])
def test_known_new_year_dates(day):
    d = dt.date.fromisoformat(day)
    assert lunar_new_year()[d.year] == d


def test_new_year_table_covers_1990_2035_and_stays_in_season():
    dates = lunar_new_year()
    assert sorted(dates) == list(range(1990, 2036))
    assert all(dt.date(y, 1, 21) <= d <= dt.date(y, 2, 20) for y, d in dates.items())


def test_festival_window_shares():
    jan, feb, mar = window_share(["2024-01-01", "2024-02-01", "2024-03-01"], FESTIVAL)
    assert (jan, feb, mar) == pytest.approx((1 / 18, 17 / 18, 0.0))  # 2024-02-10: window Jan 31..Feb 17
    jan25 = window_share(["2025-01-01"], FESTIVAL)[0]
    assert jan25 == pytest.approx(13 / 18)  # 2025-01-29: Jan 19..Feb 5
    assert window_share(["2026-03-01"], AFTER)[0] == pytest.approx(11 / 15)  # late New Year spills into March
    x = cny_regressors(pd.date_range("2010-01-01", "2030-12-01", freq="MS"))
    jan_feb = x[:, 0].reshape(-1, 12)[:, :2].sum(axis=1)
    np.testing.assert_allclose(jan_feb, 1.0)  # the festival is always inside Jan-Feb


def test_merged_calendar_regressor_puts_jan_into_february_slot():
    periods = pd.DatetimeIndex(["2025-02-01", "2025-03-01"])
    x = cny_regressors(periods, merged_jan_feb=True)
    assert x[0, 0] == pytest.approx(1.0) and x[1, 0] == 0.0
    with pytest.raises(KeyError, match="2040"):
        cny_regressors(["2040-01-01"])


def test_detects_level_series_with_jan_feb_absent():
    s = monthly()
    s = s[~((s.index.year >= 2012) & (s.index.month <= 2))]
    layout = detect_layout(s.index, s.to_numpy())
    assert (layout.kind, layout.since, layout.cumulative, layout.m) == (ABSENT, 2012, False, 10)
    prep = prepare("LEVEL", s.index, s.to_numpy())
    assert prep.m == 10 and not any(prep.periods.month <= 2) and len(prep.y) == 120


def test_detects_ytd_series_with_feb_holding_jan_feb():
    flows = monthly()
    ytd = ytd_of(flows)
    ytd = ytd[~((ytd.index.year >= 2012) & (ytd.index.month == 1))]
    layout = detect_layout(ytd.index, ytd.to_numpy())
    assert (layout.kind, layout.since, layout.cumulative) == (MERGED, 2012, True)
    prep = prepare("YTD", ytd.index, ytd.to_numpy())
    feb_slots = prep.y[prep.periods.month == 2]
    jan_feb = flows[flows.index.month <= 2].groupby(flows.index.year[flows.index.month <= 2]).sum()
    np.testing.assert_allclose(feb_slots, jan_feb.to_numpy())
    assert prep.y[prep.periods.month == 3] == pytest.approx(flows[flows.index.month == 3].to_numpy())


def test_plain_monthly_series_with_one_missing_january():
    s = monthly().drop(pd.Timestamp("2015-01-01"))
    prep = prepare("PMI", s.index, s.to_numpy())
    assert prep.layout.kind == MONTHLY and len(prep.y) == 144
    assert "1 missing periods filled" in prep.notes
    assert abs(prep.y[84] - monthly().iloc[84]) < 60  # seasonal fill, not a straight line


def test_ytd_round_trip_and_next_slots():
    periods = pd.date_range("2020-02-01", "2021-12-01", freq="MS")
    periods = periods[periods.month >= 2]
    ytd = np.r_[np.cumsum(np.arange(1.0, 12.0)), np.cumsum(np.arange(2.0, 13.0))]
    flows = to_flows(periods, ytd)
    assert flows[0] == 1.0 and flows[11] == 2.0
    np.testing.assert_allclose(to_ytd(flows[None, 11:], periods[11:], 0.0, 2020)[0], ytd[11:])
    layout = detect_layout(pd.DatetimeIndex(periods), ytd)
    nxt = next_slots(pd.Timestamp("2026-08-01"), 6, type(layout)(MERGED))
    assert [p.strftime("%Y-%m") for p in nxt] == ["2026-09", "2026-10", "2026-11", "2026-12", "2027-02"]


def test_zeros_are_kept_and_flagged():
    s = monthly()
    s.iloc[::7] = 0.0
    prep = prepare("ZEROS", s.index, s.to_numpy())
    assert prep.nonnegative and not prep.positive


@pytest.mark.parametrize("periods, values, problem", [
    (pd.date_range("2020-01-01", periods=15, freq="MS"), np.ones(15), "too short: 15 usable periods"),
    (["2020-01", "2020-01"] + [f"2021-{m:02d}" for m in range(1, 13)], np.ones(14), "duplicate period 2020-01"),
    (["not a month"] * 30, np.ones(30), "unreadable period"),
    (pd.date_range("2020-01-01", periods=30, freq="MS"), ["x"] * 30, "text value 'x' in field value"),
])
def test_unusable_series_name_the_series_and_problem(periods, values, problem):
    with pytest.raises(SeriesError) as err:
        prepare("S1", periods, values)
    assert str(err.value).startswith("S1: ") and problem in str(err.value)


def test_gaps_too_many_or_long():
    s = monthly(years=6)
    holey = s.drop(s.index[1::3][:20])
    with pytest.raises(SeriesError, match="too many gaps"):
        prepare("HOLEY", holey.index, holey.to_numpy())
    broken = s.drop(s.index[10:26])  # 16 months missing: older history is dropped
    prep = prepare("BROKEN", broken.index, broken.to_numpy())
    assert prep.periods[0] == s.index[26] and any("dropped" in n for n in prep.notes)
