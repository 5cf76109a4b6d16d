"""Ctrl-C handling shared by the query watchdog and the CLI (no DuckDB import: the CLI loads it early)."""
from __future__ import annotations

import signal
import threading


def owned_sigint():
    """The current SIGINT handler if this thread may replace it (the main thread, SIGINT not ignored), else None."""
    if threading.current_thread() is not threading.main_thread():
        return None
    previous = signal.getsignal(signal.SIGINT)
    return None if previous in (None, signal.SIG_IGN) else previous
