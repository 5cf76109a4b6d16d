"""The forecast stage as a Prefect flow: series from the marts, model work fanned out in chunks
through the configured task runner (threads, or Dask for more than one machine), results stored."""
from __future__ import annotations

import os
import warnings

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.logs import run_log
from models.threads import SINGLE_THREADED_MATH  # the Dask workers' environment
from zonestat.settings import Settings, load_settings


def make_task_runner(settings: Settings):
    """Threads by default; ZONESTAT_TASK_RUNNER=dask uses prefect-dask: an existing cluster at
    ZONESTAT_DASK_ADDRESS, or a local cluster of ZONESTAT_WORKERS single-threaded processes."""
    if settings.task_runner != "dask":
        return ThreadPoolTaskRunner(max_workers=settings.workers)
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": settings.workers, "threads_per_worker": 1, "processes": True, "host": "127.0.0.1",
        "dashboard_address": "127.0.0.1:0", "worker_dashboard_address": "127.0.0.1:0",
        "local_directory": str(settings.work / "dask"), "env": dict(SINGLE_THREADED_MATH)})


@task(name="prepare-forecast-series", cache_policy=NO_CACHE)
def prepare(as_of: str, targets_path: str | None = None) -> dict:
    """Write the series and their full-year bases to Parquet under the work folder; return paths and chunks."""
    import pyarrow.parquet as pq

    from models import chunks as runner
    from warehouse import forecasts
    from warehouse.db import session
    from warehouse.period import parse_period
    from warehouse.publication import publish_period
    from warehouse.targets import load_targets

    settings = load_settings()
    period = parse_period(as_of)
    folder = settings.work / f"forecast-{as_of}"
    folder.mkdir(parents=True, exist_ok=True)
    with session(settings.db_path) as con:
        publish_period(con, period, settings.exports, reason="forecast")   # the figures it forecasts from
        series = forecasts.series_table(con, period)
        meta = forecasts.series_meta(con, period, series, load_targets(period.year, targets_path))
    pq.write_table(series, folder / "series.parquet")
    pq.write_table(meta, folder / "meta.parquet")
    chunks = runner.split_series(series["series_id"].to_pylist(), settings.workers)
    run_log().info("%s: %d series (%d months of history) in %d chunks, %d steps ahead", as_of,
                   meta.num_rows, series.num_rows, len(chunks), runner.horizon(period))
    return {"series": str(folder / "series.parquet"), "meta": str(folder / "meta.parquet"),
            "chunks": chunks, "steps": runner.horizon(period), "folder": str(folder)}


@task(name="forecast-chunk", cache_policy=NO_CACHE)
def forecast_chunk(series_path: str, series_ids: list[str], steps: int, out_prefix: str) -> dict[str, str]:
    """Model selection and forecasts for one chunk of series (pure model work, files in and out)."""
    from models.chunks import run_chunk_files

    return run_chunk_files(series_path, series_ids, steps, out_prefix, quiet=False)


@task(name="forecast-chunks-in-processes", cache_policy=NO_CACHE)
def forecast_in_processes(series_path: str, chunks: list[list[str]], steps: int, folder: str,
                          workers: int) -> list[dict[str, str]]:
    """Every chunk in `workers` local processes (every core by default; threads share one)."""
    from models.chunks import run_chunks_in_processes

    return run_chunks_in_processes(series_path, chunks, steps, folder, workers)


@task(name="store-forecasts", cache_policy=NO_CACHE)
def store(as_of: str, meta_path: str, outputs: list[dict[str, str]]) -> dict:
    """Forecast marts for the as-of month, and the Parquet exports for planners."""
    import pyarrow.parquet as pq

    from models.chunks import read_chunk_files
    from warehouse import forecasts
    from warehouse.db import session
    from warehouse.exports import export_forecasts
    from warehouse.period import parse_period

    settings = load_settings()
    period = parse_period(as_of)
    with session(settings.db_path) as con:
        counts = forecasts.store(con, period, pq.read_table(meta_path), read_chunk_files(outputs))
        if "skipped" not in counts:
            counts["exports"] = export_forecasts(con, period, settings.exports)
    run_log().info("%s: forecasts stored: %s", as_of, {k: v for k, v in counts.items() if k != "exports"})
    return counts


def forecast_stage(as_of: str, targets_path: str | None = None) -> dict:
    """Prepare, fan out the chunks (to ZONESTAT_WORKERS local processes, or as tasks on Dask), store.
    December (nothing left to forecast) and a warehouse without series are skipped with the reason,
    not failed."""
    if as_of.endswith("-12"):
        return {"skipped": "December: the year is complete, nothing left to forecast"}
    plan = prepare(as_of, targets_path)
    if not plan["chunks"]:
        return {"skipped": "no forecast series in the warehouse for this year"}
    settings = load_settings()
    if settings.task_runner != "dask" and settings.workers > 1 and len(plan["chunks"]) > 1:
        outputs = forecast_in_processes(plan["series"], plan["chunks"], plan["steps"], plan["folder"],
                                        settings.workers)
    else:  # one worker, or Dask: the chunks as tasks on the flow's runner
        futures = [forecast_chunk.submit(plan["series"], ids, plan["steps"], f"{plan['folder']}/chunk{n:03d}")
                   for n, ids in enumerate(plan["chunks"])]
        outputs = [f.result() for f in futures]
    return store(as_of, plan["meta"], outputs)



def _quiet_fit_warnings() -> None:
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # convergence is recorded per model
    warnings.filterwarnings("ignore", message=".*(frequency|starting|non-invertible|non-stationary).*")


@flow(name="forecast", flow_run_name="forecast-{as_of}")
def forecast_flow(as_of: str, targets_path: str | None = None) -> dict:
    """Forecast the rest of the year as of a month and track the annual targets."""
    _quiet_fit_warnings()
    return forecast_stage(as_of, targets_path)


def forecast_with_runner(as_of: str, targets_path: str | None = None) -> dict:
    """The forecast flow on the task runner the settings ask for."""
    runner = make_task_runner(load_settings())
    return forecast_flow.with_options(task_runner=runner)(as_of=as_of, targets_path=targets_path)


def forecast_in_run(as_of: str, targets_path: str | None = None) -> dict:
    """Inside the pipeline's flow run: the chunks as tasks of that run, on its thread pool; on Dask
    (ZONESTAT_TASK_RUNNER=dask) as a flow run of its own, which carries the Dask task runner. A
    subflow costs about a second of Prefect bookkeeping, so the usual case does without one."""
    if load_settings().task_runner == "dask":
        return forecast_with_runner(as_of, targets_path)
    _quiet_fit_warnings()
    return forecast_stage(as_of, targets_path)


def pipeline_task_runner() -> ThreadPoolTaskRunner:
    """The pipeline flows' own runner: ZONESTAT_WORKERS threads (the CLI has checked the setting;
    a bad value here falls back to 2, and every command reports it before a run starts)."""
    from zonestat.settings import all_cores

    text = os.environ.get("ZONESTAT_WORKERS", "").strip()
    return ThreadPoolTaskRunner(max_workers=int(text) if text.isdigit() and 1 <= int(text) <= 256 else all_cores())
