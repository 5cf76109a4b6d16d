"""What a check answered, in one shape for GX expectations and SQL checks alike."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

SEVERITIES = ("critical", "warning")
# a failing row: load_id, source_row, unit_id, period, field, value, expected, detail
FAILURE_FIELDS = ("load_id", "source_row", "unit_id", "period", "field", "value", "expected", "detail")
Failure = tuple[int | None, int | None, str | None, dt.date, str | None, float | None, float | None, str | None]


@dataclass
class CheckResult:
    """One check of one suite in one run: success, counts and every failing row."""

    suite: str
    suite_version: str
    check: str
    expectation_type: str
    group: str | None
    column: str | None
    severity: str
    success: bool
    element_count: int | None = None
    unexpected_count: int = 0
    observed_value: float | None = None
    reason_zh: str | None = None
    reason_en: str | None = None
    failures: list[Failure] = field(default_factory=list)

    @property
    def critical(self) -> bool:
        return self.severity == "critical"


class GateError(RuntimeError):
    """The gate could not give a trustworthy answer (e.g. an expectation raised). Not a data failure."""


class ExpectationRaised(GateError):
    """A GX expectation raised instead of answering; its `success` must not be read as a data verdict."""

    def __init__(self, suite: str, check: str, message: str) -> None:
        super().__init__(f"suite {suite}: expectation(s) raised instead of answering: {message}")
        self.suite, self.check = suite, check
