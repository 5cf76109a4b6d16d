"""Environment settings: one object read from environment variables, with working defaults."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Where zonestat keeps its state. Two different homes never share anything."""

    home: Path
    db_path: Path
    task_runner: str = "threads"  # threads | dask
    dask_address: str | None = None  # an existing Dask scheduler; None: a local cluster
    workers: int = 2
    today: dt.date | None = None  # ZONESTAT_TODAY: the date loads take as today (None: today in Asia/Shanghai)

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def work(self) -> Path:
        """Scratch space of runs (forecast chunks); safe to delete between runs."""
        return self.home / "work"

    @property
    def demo_dir(self) -> Path:
        return self.home / "demo"

    def ensure_dirs(self) -> None:
        for path in (self.home, self.inbox, self.exports, self.reports, self.db_path.parent):
            path.mkdir(parents=True, exist_ok=True)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """ZONESTAT_HOME (default ./data), ZONESTAT_DB (default HOME/warehouse.duckdb), and the task
    runner of fan-out work: ZONESTAT_TASK_RUNNER (threads | dask), ZONESTAT_DASK_ADDRESS, ZONESTAT_WORKERS;
    ZONESTAT_TODAY (YYYY-MM-DD) pins the date loads take as today (which months have ended)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("ZONESTAT_HOME") or "data").expanduser().resolve()
    db = env.get("ZONESTAT_DB")
    db_path = Path(db).expanduser().resolve() if db else home / "warehouse.duckdb"
    runner = (env.get("ZONESTAT_TASK_RUNNER") or "threads").strip().lower()
    if runner not in ("threads", "dask"):
        raise ValueError(f"ZONESTAT_TASK_RUNNER must be threads or dask, not {runner!r}")
    workers = int(env.get("ZONESTAT_WORKERS") or 2)
    today = env.get("ZONESTAT_TODAY") or None
    try:
        pinned = dt.date.fromisoformat(today.strip()) if today else None
    except ValueError:
        raise ValueError(f"ZONESTAT_TODAY must be a date like 2024-07-15, not {today!r}") from None
    return Settings(home=home, db_path=db_path, task_runner=runner,
                    dask_address=env.get("ZONESTAT_DASK_ADDRESS") or None, workers=max(1, workers), today=pinned)
