"""The reporting period: one parse, one set of labels, used by every command and the SQL macros."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from warehouse.db import read_sql
from warehouse.period import Period, PeriodError, month_label, parse_period


@pytest.mark.parametrize("text, expected", [("2024-06", Period(2024, 6)), (" 2024-02 ", Period(2024, 2)),
                                            ("2023-12", Period(2023, 12))])
def test_a_typed_month_is_a_period(text, expected):
    assert Period.parse(text) == expected
    assert parse_period(text) == expected.first_day


@pytest.mark.parametrize("text, message", [
    ("2024-6", "is not a month like 2024-06"), ("2024-13", "is not a month like"), ("June", "is not a month"),
    ("2024/06", "is not a month like"), ("2024-01", "January is exempt"), ("2024-01", "use 2024-02"),
])
def test_a_malformed_period_or_a_january_is_refused_with_the_reason(text, message):
    with pytest.raises(PeriodError, match=message):
        Period.parse(text)
    assert issubclass(PeriodError, ValueError)


def test_a_month_that_has_not_begun_is_refused_only_against_a_today():
    today = dt.date(2024, 7, 12)
    assert Period.parse("2024-07", today) == Period(2024, 7)
    with pytest.raises(PeriodError, match="is in the future"):
        Period.parse("2024-08", today)
    with pytest.raises(PeriodError, match="is in the future"):   # a future January: the future is the reason
        Period.parse("2099-01", today)
    assert Period.parse("2099-08") == Period(2099, 8)


def test_labels_follow_the_reporting_calendar():
    assert (Period(2024, 6).label, Period(2024, 6).ytd_label, Period(2024, 6).ytd_months) == (
        "2024年6月", "2024年1-6月", "1-6月")
    assert (Period(2024, 2).label, Period(2024, 2).ytd_label) == ("2024年1-2月", "2024年1-2月")
    assert [month_label(m) for m in (2, 3, 12)] == ["1-2月", "3月", "12月"]
    assert str(Period(2024, 6)) == "2024-06" and Period.of(dt.date(2024, 6, 1)) == Period(2024, 6)


def test_periods_through_a_later_one_leave_out_january():
    assert [str(p) for p in Period(2023, 11).through(Period(2024, 3))] == ["2023-11", "2023-12", "2024-02", "2024-03"]
    assert Period(2024, 3).through(Period(2024, 2)) == []


def test_the_sql_label_macros_say_what_the_python_labels_say():
    con = duckdb.connect()
    con.execute(read_sql("init/core_macros.sql"))
    for year in (2023, 2024):
        for month in range(2, 13):
            day = dt.date(year, month, 1)
            got = con.execute("select zs_period_label(?::date), zs_ytd_label(?::date)", [day, day]).fetchone()
            assert got == (Period(year, month).label, Period(year, month).ytd_label)
