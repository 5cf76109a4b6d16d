"""Who holds the warehouse: the process DuckDB names in its lock error, described for a person."""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

_PID = re.compile(r"\(PID (\d+)\)")


def holder_pid(duckdb_message: str) -> int | None:
    """The PID in DuckDB's 'Conflicting lock is held in ... (PID n)' message, if any."""
    match = _PID.search(duckdb_message)
    return int(match.group(1)) if match else None


def describe_process(pid: int) -> str:
    """'pid 123: zonestat ingest a.csv, running 42 s' from /proc when it can be read, else 'pid 123'."""
    proc = Path(f"/proc/{pid}")
    try:
        argv = (proc / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
        started = proc.stat().st_mtime
    except OSError:
        return f"pid {pid}"
    seconds = max(0.0, time.time() - started)
    return f"pid {pid}: {_short_command([a for a in argv if a])}, running {seconds:.0f} s (已运行 {seconds:.0f} 秒)"


def _short_command(argv: list[str]) -> str:
    """`zonestat ingest x.csv` for our own CLI however it was started, else the program and arguments."""
    for i, arg in enumerate(argv):
        if os.path.basename(arg) == "zonestat" or (arg == "zonestat" and i and argv[i - 1] == "-m"):
            return " ".join(["zonestat", *argv[i + 1:]])[:160]
    return " ".join([os.path.basename(argv[0]), *argv[1:]])[:160] if argv else "unknown command"
