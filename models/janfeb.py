"""The combined January-February period: detect how a series reports it and map it to model slots.

Three calendars ("layouts"):
- monthly: 12 slots a year;
- jan_feb_merged: January absent, the February row holds the Jan-Feb period (11 slots);
- jan_feb_absent: January and February both absent (10 slots, March-December).
Models work on the layout's slots with season length = slots per year, so the Jan-Feb period is
one season of its own and the moving Spring Festival stays inside it. A year-to-date
(cumulative) series is turned into per-slot flows; its Feb slot is then the Jan-Feb total.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MONTHLY, MERGED, ABSENT = "monthly", "jan_feb_merged", "jan_feb_absent"
_MONTHS = {MONTHLY: tuple(range(1, 13)), MERGED: tuple(range(2, 13)), ABSENT: tuple(range(3, 13))}


@dataclass(frozen=True)
class Layout:
    """Which months a series reports (`kind`), from which year (`since`), and whether it is YTD."""

    kind: str = MONTHLY
    cumulative: bool = False
    since: int | None = None

    @property
    def months(self) -> tuple[int, ...]:
        return _MONTHS[self.kind]

    @property
    def m(self) -> int:
        return len(self.months)


def _candidate_years(periods: pd.DatetimeIndex) -> list[int]:
    """Years in which Jan and Feb would have been reported had the series reported them."""
    first, last = periods[0], periods[-1]
    years = [y for y in range(first.year, last.year + 1)
             if (y > first.year or first.month == 1) and (y < last.year or last.month >= 3)]
    return years


def detect_kind(periods: pd.DatetimeIndex) -> tuple[str, int | None]:
    """The calendar of the recent years (at least two of the last three agree) and its first year."""
    present = set(zip(periods.year, periods.month))
    years = _candidate_years(periods)

    def pattern(y: int) -> str:
        jan, feb = (y, 1) in present, (y, 2) in present
        return ABSENT if not (jan or feb) else MERGED if not jan else MONTHLY

    recent = [pattern(y) for y in years[-3:]]
    if len(recent) < 2 or recent[-1] == MONTHLY or recent.count(recent[-1]) < 2:
        return MONTHLY, None
    kind, since = recent[-1], years[-1]
    for y in reversed(years):
        if pattern(y) != kind:
            break
        since = y
    return kind, since


def looks_cumulative(periods: pd.DatetimeIndex, values: np.ndarray) -> bool:
    """Year-to-date values: never negative, non-decreasing within each year and reset each year."""
    if len(values) < 24 or np.any(values < 0):
        return False
    frame = pd.DataFrame({"year": periods.year, "v": values})
    steps, resets = [], []
    for _, grp in frame.groupby("year", sort=True):
        v = grp["v"].to_numpy()
        steps.extend(np.diff(v) >= 0)
        resets.append((v[0], v[-1], len(v)))
    drops = [nxt[0] < 0.6 * cur[1] for cur, nxt in zip(resets[:-1], resets[1:]) if cur[2] >= 6]
    return len(drops) >= 2 and np.mean(steps) >= 0.95 and np.mean(drops) >= 0.8


def detect_layout(periods: pd.DatetimeIndex, values: np.ndarray) -> Layout:
    kind, since = detect_kind(periods)
    return Layout(kind, looks_cumulative(periods, np.asarray(values, float)), since)


def slot_periods(start: pd.Timestamp, stop: pd.Timestamp, layout: Layout) -> pd.DatetimeIndex:
    """All reported month starts of the layout from `start` to `stop` inclusive."""
    months = pd.date_range(start, stop, freq="MS")
    return months[months.month.isin(layout.months)]


def next_slots(last: pd.Timestamp, horizon_months: int, layout: Layout) -> pd.DatetimeIndex:
    """Reported periods within `horizon_months` calendar months after `last`."""
    months = pd.date_range(last + pd.offsets.MonthBegin(1), periods=horizon_months, freq="MS")
    return months[months.month.isin(layout.months)]


def to_flows(periods: pd.DatetimeIndex, ytd: np.ndarray) -> np.ndarray:
    """Per-slot flows from gap-free year-to-date values (the first slot of a year is its YTD)."""
    ytd = np.asarray(ytd, float)
    flows = np.diff(ytd, prepend=0.0)
    new_year = np.r_[True, periods.year[1:] != periods.year[:-1]]
    flows[new_year] = ytd[new_year]
    return flows


def to_ytd(flows: np.ndarray, periods: pd.DatetimeIndex, start_ytd: float,
           last_year: int) -> np.ndarray:
    """Cumulate forecast flows (..., steps) within each year, carrying `start_ytd` in `last_year`."""
    flows = np.asarray(flows, float)
    out = np.empty_like(flows)
    running = np.full(flows.shape[:-1], start_ytd, dtype=float)
    year = last_year
    for i, p in enumerate(periods):
        if p.year != year:
            running, year = np.zeros_like(running), p.year
        running = running + flows[..., i]
        out[..., i] = running
    return out
