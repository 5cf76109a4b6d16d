"""The Chinese calendar as data: Chinese New Year dates and Spring Festival regressors.

The festival window (10 days before to 7 days after New Year's Day, as in X-13's `genhol`
practice) always falls inside January-February; the "after" window (days 8-22: the Lantern
Festival and the restart of work) reaches into March when New Year is late.
"""
from __future__ import annotations

import csv
import datetime as dt
from functools import lru_cache
from importlib.resources import files
from typing import Iterable, Sequence

import numpy as np

FESTIVAL = (-10, 7)  # days relative to New Year's Day, inclusive
AFTER = (8, 22)
REGRESSOR_NAMES = ("cny_festival", "cny_after")


@lru_cache(maxsize=1)
def lunar_new_year() -> dict[int, dt.date]:
    """Chinese New Year's Day (正月初一) by Gregorian year, 1990-2035, from package data."""
    text = files("models").joinpath("data/lunar_new_year.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return {int(r["year"]): dt.date.fromisoformat(r["cny_date"]) for r in rows}


def new_year_date(year: int) -> dt.date:
    dates = lunar_new_year()
    if year not in dates:
        raise KeyError(f"no Chinese New Year date for {year} (known {min(dates)}-{max(dates)})")
    return dates[year]


def _month_start(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):  # pandas Timestamp, numpy datetime64, string
        import pandas as pd

        value = pd.Timestamp(value).date()
    return value.replace(day=1)


def _next_month(d: dt.date) -> dt.date:
    return dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)


def window_share(periods: Iterable, window: tuple[int, int]) -> np.ndarray:
    """Share of the window's days (relative to New Year's Day) that falls in each month."""
    out = []
    for p in periods:
        start = _month_start(p)
        end = _next_month(start)
        ny = new_year_date(start.year)
        lo, hi = ny + dt.timedelta(days=window[0]), ny + dt.timedelta(days=window[1] + 1)
        overlap = (min(end, hi) - max(start, lo)).days
        out.append(max(overlap, 0) / (window[1] - window[0] + 1))
    return np.asarray(out, dtype=float)


def cny_regressors(periods: Sequence, merged_jan_feb: bool = False) -> np.ndarray:
    """Columns (festival, after) for monthly periods; on a Jan-Feb merged calendar the
    February slot stands for January+February, so it receives both months' shares."""
    periods = [_month_start(p) for p in periods]
    cols = []
    for window in (FESTIVAL, AFTER):
        share = window_share(periods, window)
        if merged_jan_feb:
            jan = window_share([p.replace(month=1) for p in periods], window)
            share = np.where([p.month == 2 for p in periods], share + jan, share)
        cols.append(share)
    return np.column_stack(cols)
