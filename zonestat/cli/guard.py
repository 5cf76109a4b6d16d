"""No traceback reaches a user: the command group every zonestat command runs under.

Before a command runs, the settings are read and checked (a bad one: exit 2 naming it; `--help`
still works). While it runs, known problems become one line and an exit code: a busy or unusable
warehouse or a setting found bad late 2, Ctrl-C 130, a closed pipe 0 (quietly, as `head` expects).
Anything else is a bug: one line naming a file that holds the traceback, exit 3."""
from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import tempfile
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import typer
from typer.core import TyperGroup

from warehouse.errors import WarehouseError
from warehouse.interrupts import owned_sigint
from zonestat.cli.common import EXIT_USAGE, err_console, escape
from zonestat.settings import SettingsError, load_settings

EXIT_INTERNAL, EXIT_INTERRUPTED = 3, 130
HELP = {"--help"}


class GuardedGroup(TyperGroup):
    def resolve_command(self, ctx, args: list[str]):
        name, cmd, rest = super().resolve_command(ctx, args)
        if cmd is not None and not HELP.intersection(rest):
            load_settings()   # every command, before its own options: a broken setting is exit 2
        return name, cmd, rest

    def invoke(self, ctx):
        with ctrl_c_noted() as seen:
            try:
                return super().invoke(ctx)
            except (KeyboardInterrupt, Exception) as err:   # noqa: BLE001 - the one place that catches all
                if _is_cli_exit(err):
                    raise
                raise typer.Exit(_report(err, bool(seen))) from None


def _is_cli_exit(err: BaseException) -> bool:
    """Exits and usage errors of Typer/Click (Typer may bundle its own Click): they tell the user themselves."""
    return hasattr(err, "exit_code") and type(err).__module__.split(".")[0] in ("typer", "click")


def _report(err: BaseException, interrupted: bool) -> int:
    """Tell the user in one or two lines; the exit code."""
    if isinstance(err, KeyboardInterrupt) or interrupted:
        err_console.print("已中断 interrupted (Ctrl-C)")
        return EXIT_INTERRUPTED
    if isinstance(err, SettingsError):
        err_console.print(f"[bold red]配置错误 configuration error:[/] {escape(str(err))}")
        return EXIT_USAGE
    if isinstance(err, WarehouseError):
        err_console.print(f"[bold red]错误 error:[/] {escape(str(err))}")
        return EXIT_USAGE
    if isinstance(err, BrokenPipeError):   # the reader went away (`| head`): nothing more to say
        _silence_stdout()
        return 0
    path = save_traceback(err)
    first = (str(err).strip().splitlines() or [""])[0]
    err_console.print(f"[bold red]内部错误 internal error:[/] {type(err).__name__}: {escape(first)}\n"
                      f"这是 zonestat 的缺陷, 请报告 this is a zonestat bug; please report it with {escape(str(path))}")
    return EXIT_INTERNAL


@contextmanager
def ctrl_c_noted() -> Iterator[list]:
    """Ctrl-C raises KeyboardInterrupt as usual and is also noted in the list, because DuckDB may
    turn it into an ordinary error on its way out. Left alone where SIGINT is ignored."""
    seen: list[bool] = []

    def handler(signum, frame):
        seen.append(True)
        raise KeyboardInterrupt

    previous = owned_sigint()
    if previous is not None:
        signal.signal(signal.SIGINT, handler)
    try:
        yield seen
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def save_traceback(err: BaseException) -> Path:
    """The traceback in $ZONESTAT_HOME/logs (or the temp folder): for the bug report, not the screen."""
    text = "".join(traceback.format_exception(err))
    name = f"zonestat-error-{dt.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.txt"
    for folder in (_logs_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
            return folder / name
        except OSError:
            continue
    return Path(name)


def _logs_dir() -> Path:
    try:
        return load_settings().home / "logs"
    except SettingsError:
        return Path(tempfile.gettempdir())


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's own flush at exit does not complain again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
