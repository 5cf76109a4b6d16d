"""Environment settings: one object read from environment variables, with working defaults.

Every value is checked when it is read: a bad one raises SettingsError naming the variable, which
the CLI reports with exit code 2 (never a traceback)."""
from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

DEFAULT_LOCK_WAIT = 600.0  # seconds a command waits for a warehouse another process holds (as runs did)
DEFAULT_CLOSE_DAY = 12     # filings of a month close by about the 10th of the next; corrections the day after


class SettingsError(ValueError):
    """An environment variable holds a value zonestat cannot use (a configuration error)."""

    def __init__(self, name: str, value: str, problem: str):
        self.name = name
        super().__init__(f"{name}={value!r}: {problem}")


@dataclass(frozen=True)
class Settings:
    """Where zonestat keeps its state. Two different homes never share anything."""

    home: Path
    db_path: Path
    task_runner: str = "threads"  # threads | dask
    dask_address: str | None = None  # an existing Dask scheduler; None: a local cluster
    workers: int = 2
    lock_wait: float = DEFAULT_LOCK_WAIT
    today: dt.date | None = None    # ZONESTAT_TODAY: a pinned date (replays, tests); None = the real date
    close_day: int = DEFAULT_CLOSE_DAY   # ZONESTAT_CLOSE_DAY: from this day a month's filings count as in

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
    def validation_dir(self) -> Path:
        """The offline pages of validation runs: <YYYY-MM>/validation-run-<id>.html and index.html."""
        return self.home / "validation"

    @property
    def work(self) -> Path:
        """Scratch space of runs (forecast chunks); safe to delete between runs."""
        return self.home / "work"

    @property
    def demo_dir(self) -> Path:
        return self.home / "demo"

    def ensure_dirs(self) -> None:
        for path in (self.home, self.inbox, self.exports, self.reports, self.db_path.parent):
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                own_db_dir = path == self.db_path.parent and not self.db_path.is_relative_to(self.home)
                name, value = ("ZONESTAT_DB", str(self.db_path)) if own_db_dir else ("ZONESTAT_HOME", str(self.home))
                raise SettingsError(name, value, f"cannot create the folder {path} (无法创建目录): "
                                                 f"{err.strerror or err}") from None


def _path(name: str, text: str, want_dir: bool) -> Path:
    """An absolute path that is (or can become) a folder, or a file, as `want_dir` says."""
    path = Path(text).expanduser().resolve()
    kind_zh, kind = ("目录", "a folder") if want_dir else ("文件", "a file")
    if path.exists() and path.is_dir() != want_dir:
        raise SettingsError(name, text, f"{path} exists but is not {kind} (应为{kind_zh})")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise SettingsError(name, text, f"{parent} is a file, so {path} cannot be {kind} (路径中有文件)")
    return path


def all_cores() -> int:
    """The cores this process may use (the default number of worker processes), 1 to 256."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 256))


def _workers(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 256:
        raise SettingsError("ZONESTAT_WORKERS", text, "must be a whole number of worker processes from 1 to 256 "
                                                      "(应为 1-256 的整数)")
    return int(text)


def _runner(text: str) -> str:
    runner = text.strip().lower()
    if runner not in ("threads", "dask"):
        raise SettingsError("ZONESTAT_TASK_RUNNER", text, "must be threads or dask (应为 threads 或 dask)")
    return runner


def _dask_address(text: str) -> str:
    """A scheduler address such as tcp://10.0.0.5:8786 or 10.0.0.5:8786."""
    try:
        parts = urlsplit(text if "://" in text else f"tcp://{text}")
        ok = bool(parts.hostname) and parts.port is not None and not any(c.isspace() for c in text)
    except ValueError:
        ok = False
    if not ok:
        raise SettingsError("ZONESTAT_DASK_ADDRESS", text, "must be a scheduler address such as tcp://host:8786 "
                                                          "(调度器地址格式不对)")
    return text


def _today(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise SettingsError("ZONESTAT_TODAY", text, "must be a date such as 2024-07-12 (日期格式应为 2024-07-12)") from None


def _close_day(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 28:
        raise SettingsError("ZONESTAT_CLOSE_DAY", text, "must be a day of the month from 1 to 28 "
                                                       "(报送截止日应为 1-28)")
    return int(text)


def lock_wait_seconds(environ: Mapping[str, str] | None = None) -> float:
    """ZONESTAT_LOCK_WAIT: how long a command waits for a warehouse another process holds."""
    text = (os.environ if environ is None else environ).get("ZONESTAT_LOCK_WAIT") or ""
    if not text:
        return DEFAULT_LOCK_WAIT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (math.isfinite(value) and 0 <= value <= 86_400):
        raise SettingsError("ZONESTAT_LOCK_WAIT", text, "must be a number of seconds from 0 to 86400 "
                                                       "(等待秒数应为 0-86400)")
    return value


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """ZONESTAT_HOME (default ./data), ZONESTAT_DB (default HOME/warehouse.duckdb), ZONESTAT_LOCK_WAIT
    (seconds, default 600), the reporting calendar: ZONESTAT_CLOSE_DAY (default 12) and ZONESTAT_TODAY
    (a pinned date), and the task runner of fan-out work: ZONESTAT_TASK_RUNNER (threads | dask),
    ZONESTAT_DASK_ADDRESS, ZONESTAT_WORKERS (default: every core). Raises SettingsError naming a bad one."""
    env = os.environ if environ is None else environ
    home = _path("ZONESTAT_HOME", env.get("ZONESTAT_HOME") or "data", want_dir=True)
    db = env.get("ZONESTAT_DB")
    db_path = _path("ZONESTAT_DB", db, want_dir=False) if db else _path(
        "ZONESTAT_HOME", str(home / "warehouse.duckdb"), want_dir=False)
    address = env.get("ZONESTAT_DASK_ADDRESS")
    return Settings(home=home, db_path=db_path, task_runner=_runner(env.get("ZONESTAT_TASK_RUNNER") or "threads"),
                    dask_address=_dask_address(address) if address else None,
                    workers=_workers(env.get("ZONESTAT_WORKERS") or str(all_cores())), lock_wait=lock_wait_seconds(env),
                    today=_today(env["ZONESTAT_TODAY"]) if env.get("ZONESTAT_TODAY") else None,
                    close_day=_close_day(env.get("ZONESTAT_CLOSE_DAY") or str(DEFAULT_CLOSE_DAY)))
