"""`zonestat forecast-file`: forecast any long-format monthly series file with automatic model choice."""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from zonestat.cli.common import EXIT_DATA, EXIT_USAGE, console, err_console, fail, print_table, settings

CHOICE_COLUMNS = {"series_id": "序列 series", "model": "模型 model", "calendar": "日历 calendar",
                  "n_obs": "期数 periods", "score_mase": "回测MASE backtest", "width_factor": "区间系数 interval factor",
                  "fallback_reason": "回退 fallback"}


def read_input(path: Path):
    """The input file as an Arrow table (Parquet, or CSV by extension); raises ValueError if unreadable."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    try:
        if path.suffix.lower() == ".csv":
            return pacsv.read_csv(path)
        return pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise ValueError(f"{path.name}: cannot read as {'CSV' if path.suffix.lower() == '.csv' else 'Parquet'} ({exc})") from exc


def check_input(table, name: str, calendar: str | None = None) -> list[tuple[str, str]]:
    """Every unusable series with its problem (prepared once here, before any model is fitted).
    A file without rows, or with text in the value column that is not a number, is named here."""
    from models.prepare import SeriesError, prepare
    from models.tables import iter_series

    if table.num_rows == 0:
        raise ValueError(f"{name}: no rows (空文件 empty input)")
    problems = []
    try:
        for sid, periods, values in iter_series(table):
            try:
                prepare(sid, periods, values, kind=calendar)
            except SeriesError as exc:
                problems.append((sid, exc.problem))
    except ValueError as exc:  # a missing column
        raise ValueError(f"{name}: {exc}") from exc
    return problems


def make_config(horizon: int, models: str | None, calendar: str, festival: bool = False):
    """The run's ForecastConfig; unknown model or calendar names are usage errors. Without --models
    the default combination; with it, the per-series choice among the models named."""
    from models.batch import ForecastConfig
    from models.candidates import ALL_CANDIDATES, COMBINATION
    from models.janfeb import ABSENT, MERGED, MONTHLY

    names = tuple(n.strip() for n in models.split(",") if n.strip()) if models else COMBINATION
    if festival and "stl_ets_cny" not in names:
        names += ("stl_ets_cny",)
    unknown = sorted(set(names) - set(ALL_CANDIDATES))
    if unknown or not names:
        raise fail(f"unknown model(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(ALL_CANDIDATES)}")
    if calendar not in ("auto", MONTHLY, MERGED, ABSENT):
        raise fail(f"--calendar must be auto, {MONTHLY}, {MERGED} or {ABSENT}")
    kind = None if calendar == "auto" else calendar
    if models:
        return ForecastConfig(horizon=horizon, method="select", candidates=names, calendar=kind)
    return ForecastConfig(horizon=horizon, members=names, calendar=kind)


def drop_series(table, bad: set[str]):
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = pc.cast(table["series_id"], pa.string())
    return table.filter(pc.invert(pc.is_in(ids, value_set=pa.array(sorted(bad), pa.string()))))


def filled_path(out: Path) -> Path:
    """The sidecar that lists the filled (not reported) months: OUT.filled.parquet."""
    return out.with_name(out.stem + ".filled.parquet")


def write_output(result, out: Path, backtest_out: Path | None) -> None:
    import pyarrow.parquet as pq

    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(result.forecasts, out)
    sidecar = filled_path(out)
    if result.filled is not None and result.filled.num_rows:
        pq.write_table(result.filled, sidecar)
    elif sidecar.exists():
        sidecar.unlink()  # a stale list from an earlier run would mislabel this one
    if backtest_out is not None:
        backtest_out.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(result.backtests, backtest_out)


def forecast_file(
    input: Path = typer.Argument(..., help="输入 Parquet (or .csv) with columns series_id, period, value."),
    horizon: int = typer.Option(6, "--horizon", min=1, max=36, help="预测月数 months ahead."),
    out: Path = typer.Option(Path("forecast.parquet"), "--out", help="输出 output Parquet file."),
    jobs: int | None = typer.Option(None, "--jobs", min=1, max=256,
                                    help="并行进程 worker processes (default: ZONESTAT_WORKERS, else every core)."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="不可用序列不算错误: exit 0 when some series are left out "
                                                            "(they are listed either way)."),
    models: str | None = typer.Option(None, "--models", help="候选模型 comma-separated candidates: choose per series by "
                                                              "backtest (default: the combination of ETS, ARIMA, Theta)."),
    calendar: str = typer.Option("auto", "--calendar", help="一二月 Jan-Feb layout: auto, monthly, jan_feb_merged, jan_feb_absent."),
    festival: bool = typer.Option(False, "--spring-festival", help="春节 add STL+ETS with the Spring Festival regressors "
                                                                    "(to the combination, or to --models)."),
    backtest_out: Path | None = typer.Option(None, "--backtest-out", help="回测误差 also write backtest errors here."),
    as_json: bool = typer.Option(False, "--json", help="Print the model choices as JSON."),
) -> None:
    """预测文件: forecast each series (automatic model choice by backtest), write mean and 80/95% intervals."""
    from zonestat.cli.output import check_writable

    if not input.is_file():
        raise fail(f"{input}: file not found (文件不存在)", EXIT_USAGE)
    for option, path in (("--out", out), ("--backtest-out", backtest_out)):
        if path is not None:
            check_writable(path, option, [settings().db_path])
    cfg = make_config(horizon, models, calendar, festival)
    try:
        table = read_input(input)
        problems = check_input(table, input.name, cfg.calendar)
    except ValueError as exc:
        raise fail(f"{exc} (数据不可用 unusable input)", EXIT_DATA)
    for sid, problem in problems:
        err_console.print(f"[bold red]不可用 unusable:[/] {input.name}: series {escape(sid)}: {escape(problem)}")
    n_series = len(set(table.column("series_id").to_pylist()))
    if len(problems) == n_series:
        raise fail(f"{input.name}: none of the {n_series} series can be forecast (没有可预测的序列); nothing written",
                   EXIT_DATA)
    result = run(drop_series(table, {sid for sid, _ in problems}) if problems else table, cfg,
                 jobs or settings().workers)
    write_output(result, out, backtest_out)
    report(result, out, as_json)
    left_out = len(problems) + result.errors.num_rows
    if left_out:
        err_console.print(f"[bold red]未预测 left out:[/] {left_out} of {n_series} series (listed above); "
                          f"the other {n_series - left_out} are in {out}")
        if not skip_bad:
            raise typer.Exit(EXIT_DATA)


def run(table, cfg, jobs: int):
    """Forecast the table (in `jobs` processes) and list the series no model could forecast."""
    from models.chunks import forecast_parallel

    result = forecast_parallel(table, cfg, jobs=jobs)
    for row in result.errors.to_pylist():
        err_console.print(f"[bold red]预测失败 failed:[/] series {escape(row['series_id'])}: {escape(row['problem'])}")
    return result


def report(result, out: Path, as_json: bool) -> None:
    choices = result.choices.to_pylist()
    if as_json:
        console.print_json(json.dumps(choices, ensure_ascii=False, default=str))
        return
    print_table(choices, CHOICE_COLUMNS, title="模型选择 Model choice")
    console.print(f"已写入 wrote {result.forecasts.num_rows} rows for {len(choices)} series -> {out}")
    filled = result.filled.num_rows if result.filled is not None else 0
    if filled:
        n = len(set(result.filled.column("series_id").to_pylist()))
        console.print(f"已填补 filled: {filled} missing months in {n} series were filled before modelling; they are "
                      f"not data. Listed in {filled_path(out)}")
