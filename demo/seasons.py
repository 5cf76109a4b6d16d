"""Calendar effects: the moving Spring Festival, the 2020 COVID dip and monthly patterns."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

import numpy as np

YEARS = tuple(range(2018, 2025))  # 2018 is simulated only for the first year's 上年同期 values
FILE_YEARS = tuple(range(2019, 2025))
CNY = {
    2018: date(2018, 2, 16), 2019: date(2019, 2, 5), 2020: date(2020, 1, 25),
    2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
}
DAYS_BEFORE, DAYS_AFTER = 10, 15
# Factory output by month outside the festival: year-end push, a soft July/August.
_INDUSTRY_BASE = np.array([1.0, 1.0, 1.02, 1.0, 1.0, 1.02, 0.97, 0.97, 1.02, 1.0, 1.04, 1.1])
_RETAIL_BASE = np.array([1.05, 0.95, 0.92, 0.93, 0.98, 1.06, 0.94, 0.95, 1.0, 1.06, 1.2, 1.12])
_BUILD_BASE = np.array([0.55, 0.55, 0.95, 1.0, 1.05, 1.1, 1.0, 0.95, 1.05, 1.05, 1.1, 1.3])
_COVID = {2: 0.45, 3: 0.82}  # 2020 production factor by month
_COVID_RETAIL = {2: 0.6, 3: 0.8}


def year_index(year: int) -> int:
    """Position of a year on the simulated axis."""
    return YEARS.index(year)


def days_in_months(year: int) -> np.ndarray:
    """Calendar days of each month."""
    return np.array([calendar.monthrange(year, m)[1] for m in range(1, 13)], dtype=float)


def festival_days(year: int) -> np.ndarray:
    """Days of each month that fall in the Spring Festival shutdown window."""
    out = np.zeros(12)
    start = CNY[year] - timedelta(days=DAYS_BEFORE)
    for offset in range(DAYS_BEFORE + DAYS_AFTER):
        day = start + timedelta(days=offset)
        if day.year == year:
            out[day.month - 1] += 1
    return out


def industry_weights() -> np.ndarray:
    """(year, month) share of an annual production level produced in each month."""
    rows = []
    for year in YEARS:
        working = days_in_months(year) - 0.72 * festival_days(year)
        row = working * _INDUSTRY_BASE / 365.0
        if year == 2020:
            for month, factor in _COVID.items():
                row[month - 1] *= factor
        rows.append(row)
    return np.array(rows)


def retail_weights() -> np.ndarray:
    """(year, month) share of annual sales; shopping peaks before the festival."""
    rows = []
    for year in YEARS:
        row = days_in_months(year) * _RETAIL_BASE / 365.0
        row *= 1.0 + 0.012 * _pre_festival_days(year)
        if year == 2020:
            for month, factor in _COVID_RETAIL.items():
                row[month - 1] *= factor
        rows.append(row)
    return np.array(rows)


def build_weights() -> np.ndarray:
    """(year, month) construction activity pattern: slow around the festival, year-end push."""
    rows = [_BUILD_BASE * (1.0 - 0.015 * festival_days(year)) for year in YEARS]
    rows[year_index(2020)] = rows[year_index(2020)] * np.array([1, 0.5, 0.8] + [1] * 9)
    return np.array(rows)


def _pre_festival_days(year: int) -> np.ndarray:
    out = np.zeros(12)
    for offset in range(1, 15):
        day = CNY[year] - timedelta(days=offset)
        if day.year == year:
            out[day.month - 1] += 1
    return out
