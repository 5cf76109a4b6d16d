"""The one batch runner of the models: chunks of whole series (Arrow tables or a Parquet file),
each run through the one loop over series (`models.tables.forecast_batch`), fanned out to
processes by `map_in_processes`. The pipeline runs its chunks as files (`run_chunk_files`: the
flows send them to threads, processes or a Dask cluster, and the warehouse stores what comes
back); `forecast-file` and the benchmarks run Arrow tables (`forecast_parallel`). Pure: no
database, no Prefect.
"""
from __future__ import annotations

import datetime as dt

import pyarrow as pa

N_PATHS = 1000
SEED = 20240630
JUNE_FOLDS = 3  # backtest on the last three years' "fit through June, forecast Jul-Dec"


def horizon(as_of: dt.date) -> int:
    """Months from the as-of month to December (the rest of the year)."""
    return 12 - as_of.month


def pipeline_config(steps: int, n_paths: int = N_PATHS, seed: int = SEED):
    """The pipeline's forecast: `steps` months, model choice by the June backtest of the last
    JUNE_FOLDS years, `n_paths` sample paths for the full-year outlook."""
    from models.batch import ForecastConfig

    return ForecastConfig(horizon=steps, backtest="june", max_june_folds=JUNE_FOLDS, n_paths=n_paths, seed=seed)


def forecast_chunk(series: pa.Table, steps: int, n_paths: int = N_PATHS, seed: int = SEED,
                   quiet: bool = True) -> dict[str, pa.Table]:
    """The pipeline's forecast (pipeline_config) of each series of the chunk, in series order, by
    the one loop over series (models.tables.forecast_batch).

    Returns Arrow tables: monthly (the file format), paths (series_id, path, period, value),
    backtests, choices (model per series, fallback reasons) and errors (unusable series)."""
    from models.tables import forecast_batch

    ordered = series.select(["series_id", "period", "value"]).sort_by("series_id")   # stable: periods keep order
    result = forecast_batch(ordered, pipeline_config(steps, n_paths, seed), quiet=quiet, with_paths=True)
    return {"monthly": result.forecasts, "paths": result.paths, "backtests": result.backtests,
            "choices": result.choices, "errors": result.errors}


def run_chunk_files(series_path: str, series_ids: list[str], steps: int, out_prefix: str,
                    quiet: bool = True, n_paths: int = N_PATHS) -> dict[str, str]:
    """forecast_chunk over the given series of a Parquet file; each result table to its own Parquet file."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(series_path, filters=[("series_id", "in", series_ids)])
    chunk = table.filter(pc.is_in(table["series_id"], value_set=pa.array(series_ids)))
    paths = {}
    for name, result in forecast_chunk(chunk, steps, n_paths=n_paths, quiet=quiet).items():
        paths[name] = f"{out_prefix}.{name}.parquet"
        pq.write_table(result, paths[name])
    return paths


def chunks_of(series_ids: list[str], size: int) -> list[list[str]]:
    """Consecutive runs of `size` series (sorted ids): many series per task, so that scheduling
    costs little against the fits (Dask adds about 0.2 s per task)."""
    ids = sorted(set(series_ids))
    return [ids[i:i + size] for i in range(0, len(ids), max(1, size))]


def read_chunk_files(outputs: list[dict[str, str]]) -> dict[str, pa.Table]:
    import pyarrow.parquet as pq

    return concat_chunks([{name: pq.read_table(path) for name, path in out.items()} for out in outputs])


def split_series(series_ids: list[str], workers: int) -> list[list[str]]:
    """About two chunks per worker, whole series each, in a stable order."""
    ids = sorted(set(series_ids))
    n = max(1, min(len(ids), workers * 2))
    return [ids[i::n] for i in range(n) if ids[i::n]]


def concat_chunks(chunks: list[dict[str, pa.Table]]) -> dict[str, pa.Table]:
    """Glue the per-chunk tables together (empty tables are skipped)."""
    names = {n for c in chunks for n in c}
    return {n: pa.concat_tables([c[n] for c in chunks if n in c and c[n].num_rows], promote_options="default")
            if any(n in c and c[n].num_rows for c in chunks) else pa.table({}) for n in names}


def default_jobs() -> int:
    """Every core this process may use."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_in_processes(fn, calls: list[tuple], workers: int) -> list:
    """fn(*call) for every call in `workers` spawned processes with one math thread each (a thread
    pool is held to about one core by the GIL), results in the order of `calls`. The one process
    fan-out of the models: the pipeline's chunk files and forecast-file's tables both use it."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from models.threads import single_threaded_math

    single_threaded_math()  # inherited by the spawned workers before they import numpy
    with ProcessPoolExecutor(max(1, min(workers, len(calls))), mp_context=mp.get_context("spawn")) as pool:
        futures = [pool.submit(fn, *call) for call in calls]
        return [f.result() for f in futures]


def run_chunks_in_processes(series_path: str, chunks: list[list[str]], steps: int, folder: str,
                            workers: int, n_paths: int = N_PATHS) -> list[dict[str, str]]:
    """run_chunk_files for every chunk in `workers` spawned processes. Each series is forecast on
    its own, so the figures are those of a thread or a Dask run."""
    return map_in_processes(run_chunk_files, [(series_path, ids, steps, f"{folder}/chunk{n:03d}", True, n_paths)
                                              for n, ids in enumerate(chunks)], workers)


def table_chunks(table: pa.Table, size: int) -> list[pa.Table]:
    """Split a long table into tables of at most `size` whole series each (first-seen order)."""
    import pyarrow.compute as pc

    ids = pc.unique(table["series_id"]).to_pylist()
    groups = [ids[i:i + size] for i in range(0, len(ids), size)]
    return [table.filter(pc.is_in(table["series_id"], value_set=pa.array(g, table["series_id"].type)))
            for g in groups]


def concat_results(results: list):
    """One BatchResult from the BatchResults of chunks, in chunk order."""
    from models.tables import BatchResult

    def cat(name: str) -> pa.Table | None:
        tables = [getattr(r, name) for r in results if getattr(r, name) is not None and getattr(r, name).num_rows]
        return pa.concat_tables(tables, promote_options="permissive") if tables else getattr(results[0], name)

    return BatchResult(cat("forecasts"), cat("backtests"), cat("choices"), cat("errors"), cat("filled"),
                       cat("paths"))


def forecast_parallel(table: pa.Table, cfg=None, jobs: int | None = None, chunk_size: int | None = None):
    """models.tables.forecast_batch over chunks of whole series in `jobs` processes (default:
    every core; jobs=1 runs in this process): forecast-file's runner. Each series is forecast on
    its own, so the result does not depend on `jobs`; chunks default to about four per worker (at
    most 20 series) to keep both cores busy to the end."""
    import pyarrow.compute as pc

    from models.batch import ForecastConfig
    from models.tables import forecast_batch

    cfg = cfg or ForecastConfig()
    jobs = jobs or default_jobs()
    if chunk_size is None:
        n = len(pc.unique(table["series_id"])) if table.num_rows else 0
        chunk_size = max(1, min(20, -(-n // (4 * jobs))))
    parts = table_chunks(table, chunk_size)
    if jobs <= 1 or len(parts) <= 1:
        return forecast_batch(table, cfg)
    return concat_results(map_in_processes(forecast_batch, [(part, cfg) for part in parts], jobs))
