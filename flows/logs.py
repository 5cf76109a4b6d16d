"""The logger of a stage: Prefect's run logger inside a flow or task run (its lines go to the run's
logs on the server), a plain logger when a stage's function is called directly (tests, benchmarks)."""
from __future__ import annotations

import logging

from prefect import get_run_logger
from prefect.exceptions import MissingContextError


def run_log() -> logging.Logger | logging.LoggerAdapter:
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("zonestat.flows")
