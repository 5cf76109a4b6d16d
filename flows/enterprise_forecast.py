"""Enterprise-level forecasts: one series per enterprise and measure, fanned out in chunks of a few
hundred series: on one machine in ZONESTAT_WORKERS local processes (every core), on a Dask cluster
(prefect-dask) for a province or more (ZONESTAT_TASK_RUNNER=dask; ZONESTAT_DASK_ADDRESS for an
existing cluster), each chunk a task of the flow.

Files in and out: the series go to one Parquet file that every worker reads its chunk from (on a
cluster: a shared folder, ZONESTAT_HOME on a network file system or object storage mounted alike),
each chunk writes its results beside it, and the flow gathers them into one export:
exports/forecasts/enterprises/forecast_enterprises_<measure>_YYYY-MM.parquet.
"""
from __future__ import annotations

import os
import resource
import time

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.forecast import _quiet_fit_warnings, make_task_runner
from flows.logs import run_log
from zonestat.settings import load_settings

CHUNK = 250          # series per task


@task(name="prepare-enterprise-series", cache_policy=NO_CACHE)
def prepare(as_of: str, measure: str, limit: int, chunk: int) -> dict:
    import pyarrow.parquet as pq

    from models import chunks as runner
    from warehouse import forecasts
    from warehouse.catalog import load_catalog
    from warehouse.db import session
    from warehouse.period import parse_period

    settings = load_settings()
    period = parse_period(as_of)
    folder = settings.work / f"enterprise-forecast-{measure}-{as_of}"
    folder.mkdir(parents=True, exist_ok=True)
    known, _ = load_catalog()
    if measure not in known:
        raise ValueError(f"unknown measure {measure!r}; one of: {', '.join(sorted(known))}")
    with session(settings.db_path, read_only=True) as con:
        series = forecasts.enterprise_series(con, period, measure, limit)
    pq.write_table(series, folder / "series.parquet")
    chunks = runner.chunks_of(series["series_id"].to_pylist(), chunk)
    n = len({*series["series_id"].to_pylist()})
    run_log().info("%s %s: %d enterprise series (%d months) in %d chunks", measure, as_of, n, series.num_rows,
                   len(chunks))
    return {"series": str(folder / "series.parquet"), "chunks": chunks, "steps": runner.horizon(period),
            "folder": str(folder), "n_series": n}


@task(name="enterprise-forecast-chunk", cache_policy=NO_CACHE)
def forecast_chunk(series_path: str, series_ids: list[str], steps: int, out_prefix: str) -> dict:
    """Model choice and forecasts for one chunk (no sample paths: intervals only); returns the
    result files and what the worker spent (its process id, seconds and peak RSS)."""
    from models.chunks import run_chunk_files

    started = time.perf_counter()
    files = run_chunk_files(series_path, series_ids, steps, out_prefix, n_paths=0)
    return {"files": files, "pid": os.getpid(), "seconds": time.perf_counter() - started,
            "series": len(series_ids), "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


@task(name="enterprise-forecast-chunks-in-processes", cache_policy=NO_CACHE)
def chunks_in_processes(series_path: str, chunks: list[list[str]], steps: int, folder: str, workers: int) -> list[dict]:
    """Every chunk in `workers` local processes (per-worker figures are collected on Dask only)."""
    from models.chunks import run_chunks_in_processes

    files = run_chunks_in_processes(series_path, chunks, steps, folder, workers, n_paths=0)
    return [{"files": f, "series": len(ids)} for f, ids in zip(files, chunks)]


@task(name="gather-enterprise-forecasts", cache_policy=NO_CACHE)
def gather(as_of: str, measure: str, outputs: list[dict]) -> dict:
    from models.chunks import read_chunk_files
    from warehouse.exports import write_atomic

    settings = load_settings()
    tables = read_chunk_files([o["files"] for o in outputs])
    monthly, errors = tables.get("monthly"), tables.get("errors")
    target = settings.exports / "forecasts" / "enterprises" / f"forecast_enterprises_{measure}_{as_of}.parquet"
    unusable = target.with_name(target.stem + "_unusable.parquet")
    # this run's files replace an earlier run's, and a file this run has nothing for goes: a stale
    # export must never pass for this run's
    for table, path in ((monthly, target), (errors, unusable)):
        if table is not None and table.num_rows:
            write_atomic(table, path)
        else:
            path.unlink(missing_ok=True)
    n_fc = len(set(monthly["series_id"].to_pylist())) if monthly is not None and monthly.num_rows else 0
    n_err = errors.num_rows if errors is not None else 0
    run_log().info("%s %s: %d enterprises forecast, %d unusable series; %s", measure, as_of, n_fc, n_err, target)
    return {"forecast": n_fc, "unusable": n_err, "export": str(target) if n_fc else None,
            "unusable_export": str(unusable) if n_err else None}


@flow(name="enterprise-forecast", flow_run_name="enterprise-forecast-{measure}-{as_of}")
def enterprise_forecast_flow(as_of: str, measure: str = "gross_output_value", limit: int = 0,
                             chunk: int = CHUNK) -> dict:
    """Forecast the rest of the year for every enterprise (or the first `limit`) of a measure."""
    _quiet_fit_warnings()
    started = time.perf_counter()
    plan = prepare(as_of, measure, limit, chunk)
    settings = load_settings()
    if settings.task_runner != "dask" and settings.workers > 1 and len(plan["chunks"]) > 1:
        # one machine: local processes on every core (a thread pool is held to one by the GIL)
        outputs = chunks_in_processes(plan["series"], plan["chunks"], plan["steps"], plan["folder"],
                                      settings.workers)
    else:
        futures = [forecast_chunk.submit(plan["series"], ids, plan["steps"], f"{plan['folder']}/chunk{n:05d}")
                   for n, ids in enumerate(plan["chunks"])]
        outputs = [f.result() for f in futures]
    result = gather(as_of, measure, outputs)
    if result["forecast"] + result["unusable"] != plan["n_series"]:     # nothing may go missing unsaid
        raise RuntimeError(f"{plan['n_series']} enterprise series prepared, but {result['forecast']} forecast "
                           f"and {result['unusable']} listed as unusable")
    workers: dict[int, dict] = {}
    for o in (o for o in outputs if "pid" in o):
        w = workers.setdefault(o["pid"], {"chunks": 0, "series": 0, "seconds": 0.0, "peak_rss_kib": 0})
        w["chunks"] += 1
        w["series"] += o["series"]
        w["seconds"] += o["seconds"]
        w["peak_rss_kib"] = max(w["peak_rss_kib"], o["peak_rss_kib"])
    return {**result, "series": plan["n_series"], "chunks": len(plan["chunks"]),
            "seconds": time.perf_counter() - started, "workers": workers}


def enterprise_forecast_with_runner(as_of: str, measure: str = "gross_output_value", limit: int = 0,
                                    chunk: int = CHUNK) -> dict:
    """The flow on the task runner the settings ask for (threads, or Dask)."""
    runner = make_task_runner(load_settings())
    return enterprise_forecast_flow.with_options(task_runner=runner)(as_of=as_of, measure=measure, limit=limit,
                                                                      chunk=chunk)
