"""The reporting calendar: which month a run on a given day reports.

Enterprises file a month through 联网直报 by about the 10th of the next month, and the statistics
centre asks for corrections in the day or two after; so from the close day (default the 12th,
ZONESTAT_CLOSE_DAY) a run reports the month before, and before it the month before that. January
is reported together with February (1-2月), so a run whose month would be January reports the
December before it (the February run recomputes December; January appears in March's run as 1-2月).
"""
from __future__ import annotations

import datetime as dt

DEFAULT_CLOSE_DAY = 12


def _back(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - months
    return index // 12, index % 12 + 1


def reporting_period(today: dt.date, close_day: int = DEFAULT_CLOSE_DAY) -> str:
    """The month (YYYY-MM) a run on `today` reports."""
    year, month = _back(today.year, today.month, 1 if today.day >= close_day else 2)
    if month == 1:                     # reported with February: the run recomputes last December
        year, month = year - 1, 12
    return f"{year}-{month:02d}"
