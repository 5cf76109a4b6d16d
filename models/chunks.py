"""The batch runner of the forecast stage: chunks of series (Arrow tables or a Parquet file), the
models of `models.batch` run per series, results as Arrow tables (monthly, sample paths,
backtests, choices, errors). Pure: no database, no Prefect; the flows fan the chunks out to
threads, processes or a Dask cluster, and the warehouse stores what comes back.
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


def forecast_chunk(series: pa.Table, steps: int, n_paths: int = N_PATHS, seed: int = SEED,
                   quiet: bool = True) -> dict[str, pa.Table]:
    """Model selection by June backtest and forecast of `steps` months for each series of the chunk.

    Returns Arrow tables: monthly (the file format), paths (series_id, path, period, value),
    backtests, choices (model per series, fallback reasons) and errors (unusable series)."""
    import warnings

    import statsmodels.tools.sm_exceptions  # noqa: F401 - imported first: it resets warning filters

    from models.batch import ForecastConfig, forecast_series
    from models.prepare import SeriesError
    from models.tables import backtest_rows, choice_row, forecast_rows

    cfg = ForecastConfig(horizon=steps, backtest="june", max_june_folds=JUNE_FOLDS, n_paths=n_paths, seed=seed)
    out: dict[str, list] = {"monthly": [], "paths": [], "backtests": [], "choices": [], "errors": []}
    frame = series.select(["series_id", "period", "value"]).to_pandas()
    with warnings.catch_warnings():
        if quiet:
            warnings.simplefilter("ignore")
        for sid, grp in frame.groupby("series_id", sort=True):
            try:
                sf = forecast_series(sid, grp["period"], grp["value"], cfg)
            except SeriesError as err:
                out["errors"].append({"series_id": sid, "problem": err.problem})
                continue
            out["monthly"] += forecast_rows(sf)
            out["backtests"] += backtest_rows(sf)
            out["choices"].append(choice_row(sf))
            if sf.paths is not None:
                out["paths"] += [{"series_id": sid, "path": p, "period": period.date(), "value": float(v)}
                                 for p, row in enumerate(sf.paths) for period, v in zip(sf.periods, row)]
    return {name: pa.Table.from_pylist(rows) for name, rows in out.items()}


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


def run_chunks_in_processes(series_path: str, chunks: list[list[str]], steps: int, folder: str,
                            workers: int, n_paths: int = N_PATHS) -> list[dict[str, str]]:
    """run_chunk_files for every chunk in `workers` spawned processes with one math thread each:
    a thread pool is held to about one core by the GIL. Each series is forecast on its own, so
    the figures are those of a thread or a Dask run."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from models.threads import single_threaded_math

    single_threaded_math()  # inherited by the spawned workers before they import numpy
    with ProcessPoolExecutor(max(1, min(workers, len(chunks))), mp_context=mp.get_context("spawn")) as pool:
        futures = [pool.submit(run_chunk_files, series_path, ids, steps, f"{folder}/chunk{n:03d}", True, n_paths)
                   for n, ids in enumerate(chunks)]
        return [f.result() for f in futures]
