"""The zonestat command line: one Typer app, one module per command group.

Heavy libraries (Great Expectations, statsmodels, Prefect) are imported inside the commands
that need them, so `zonestat --help` stays fast.
"""
from __future__ import annotations

from models.threads import single_threaded_math

single_threaded_math()  # before numpy loads: small fits, reproducible results

import typer  # noqa: E402

from zonestat.cli import (  # noqa: E402
    demo, evaluate, forecast, forecast_file, indicators, loading, query, report, revisions, run, snapshot, validation)
from zonestat.cli.guard import GuardedGroup  # noqa: E402

app = typer.Typer(
    name="zonestat",
    help="zonestat: 开发区统计数据管线 statistics pipeline for a development zone's monthly filings.",
    cls=GuardedGroup,   # settings checked first; no traceback reaches a user
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("demo")(demo.demo)
app.command("ingest")(loading.ingest)
app.command("loads")(loading.loads)
app.command("query")(query.query)
app.command("snapshot")(snapshot.snapshot)
app.command("indicators")(indicators.indicators)
app.command("revisions")(revisions.revisions)
app.command("run")(run.run)
app.command("forecast")(forecast.forecast)
app.command("forecast-check")(forecast.forecast_check)
app.command("forecast-enterprises")(forecast.forecast_enterprises)
app.command("forecast-file")(forecast_file.forecast_file)
app.command("report")(report.report)
app.command("bulletin")(report.bulletin)
app.command("validate")(validation.validate)
app.command("validation-pages")(validation.validation_pages)
app.command("followups")(validation.followups)
app.command("evaluate")(evaluate.evaluate)


def main() -> None:
    app()
