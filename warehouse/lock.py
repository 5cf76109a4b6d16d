"""One writer at a time: a run-level lock beside the warehouse file.

DuckDB lets one process write a file; two pipeline runs for the same warehouse would otherwise
interleave their stages. The second run waits for the first (up to `wait_seconds`, by default the
setting ZONESTAT_LOCK_WAIT) and then fails with a message saying who holds the lock.
"""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from warehouse.errors import WarehouseBusy


def lock_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".lock")


@contextmanager
def exclusive(db_path: Path, wait_seconds: float | None = None, holder: str = "zonestat") -> Iterator[None]:
    """Hold the warehouse's run lock; raise WarehouseBusy after waiting `wait_seconds`."""
    if wait_seconds is None:
        from zonestat.settings import lock_wait_seconds

        wait_seconds = lock_wait_seconds()
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    who = fh.read().strip() or "another process"
                    raise WarehouseBusy(f"仓库正被占用 the warehouse {db_path} is busy: {who} is running; waited "
                                        f"{wait_seconds:.0f} s (ZONESTAT_LOCK_WAIT). Try again when it has "
                                        "finished (请待其结束后重试).") from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"{holder} (pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')})")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
