"""Fan a batch out to worker processes in chunks of series (one statsmodels thread each)."""
from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc

from models.batch import ForecastConfig
from models.tables import BatchResult, forecast_batch
from models.threads import single_threaded_math


def chunks(table: pa.Table, size: int) -> list[pa.Table]:
    """Split a long table into tables of at most `size` whole series each."""
    ids = pc.unique(table["series_id"]).to_pylist()
    groups = [ids[i:i + size] for i in range(0, len(ids), size)]
    return [table.filter(pc.is_in(table["series_id"], value_set=pa.array(g, table["series_id"].type)))
            for g in groups]


def concat(results: list[BatchResult]) -> BatchResult:
    def cat(name: str) -> pa.Table:
        tables = [getattr(r, name) for r in results if getattr(r, name).num_rows]
        return pa.concat_tables(tables, promote_options="permissive") if tables else getattr(results[0], name)

    return BatchResult(cat("forecasts"), cat("backtests"), cat("choices"), cat("errors"), cat("filled"))


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def forecast_parallel(table: pa.Table, cfg: ForecastConfig = ForecastConfig(), jobs: int | None = None,
                      chunk_size: int | None = None) -> BatchResult:
    """forecast_batch over chunks in `jobs` spawned processes (default: every core; jobs=1 runs in
    this process). Each series is forecast on its own, so the result does not depend on `jobs`;
    chunks default to about four per worker (at most 20 series) to keep both cores busy to the end."""
    jobs = jobs or default_jobs()
    if chunk_size is None:
        n = len(pc.unique(table["series_id"])) if table.num_rows else 0
        chunk_size = max(1, min(20, -(-n // (4 * jobs))))
    parts = chunks(table, chunk_size)
    if jobs <= 1 or len(parts) <= 1:
        return forecast_batch(table, cfg)
    single_threaded_math()  # inherited by the spawned workers before they import numpy
    with ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn")) as pool:
        results = list(pool.map(forecast_batch, parts, [cfg] * len(parts)))
    return concat(results)
