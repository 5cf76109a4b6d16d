"""The reporting period (报告期): one month, keyed on its first day. Parsed, checked and labelled
here and nowhere else (SQL labels it with the macro zs_period_label, init/macros.sql).

January is never a period of its own: Chinese monthly statistics report January and February
together (1-2月), keyed on February, so a period given as January is refused with that reason.
Reading the periods *inside filings* (2024年6月, 202406, ...) is the ingest's business
(zs_parse_period); this is the period a person types: `2024-06`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_TEXT = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class PeriodError(ValueError):
    """A period that is malformed or cannot carry figures (a January, or a month not begun)."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str, today: dt.date | None = None) -> Period:
        """'2024-06' -> Period(2024, 6). A January is refused (it is part of 1-2月); with `today`,
        so is a month that has not begun."""
        match = _TEXT.match(text.strip())
        if not match:
            raise PeriodError(f"period {text!r} is not a month like 2024-06 (报告期应为 2024-06 这样的年月)")
        period = cls(int(match.group(1)), int(match.group(2)))
        if today is not None and period.first_day > today.replace(day=1):
            raise PeriodError(f"period {text.strip()} is in the future (报告期尚未开始)")
        if period.month == 1:
            raise PeriodError(f"{text.strip()}: January is exempt: it is reported together with February; use "
                              f"{period.year}-02 (1月与2月合并为1-2月报送)")
        return period

    @classmethod
    def of(cls, day: dt.date) -> Period:
        """The period keyed on this date's month (a period's first day, as stored)."""
        return cls(day.year, day.month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def label(self) -> str:
        """The month: 2024年6月, or 2024年1-2月."""
        return f"{self.year}年{month_label(self.month)}"

    @property
    def ytd_months(self) -> str:
        """The months of the year to date: 1-6月 (1-2月 for February)."""
        return f"1-{self.month}月"

    @property
    def ytd_label(self) -> str:
        """The year to the month (本年累计): 2024年1-6月."""
        return f"{self.year}年{self.ytd_months}"

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def through(self, last: Period) -> list[Period]:
        """The periods from this one to `last` inclusive (January, part of 1-2月, left out)."""
        out, year, month = [], self.year, self.month
        while (year, month) <= (last.year, last.month):
            if month != 1:
                out.append(Period(year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


def month_label(month: int) -> str:
    """A month of the reporting calendar: 6月, or 1-2月 for February (January is part of it)."""
    return "1-2月" if month == 2 else f"{month}月"


def parse_period(text: str, today: dt.date | None = None) -> dt.date:
    """'2024-06' -> date(2024, 6, 1), by `Period.parse`'s rules."""
    return Period.parse(text, today).first_day
