"""Second-half forecasts from the warehouse: series out of the marts, models run per chunk,
results (monthly, full year against the target, backtests) stored per as-of month.

The model work (`forecast_chunk`) is a pure function of Arrow tables so an orchestrator can fan
chunks out to threads or a Dask cluster; everything else is SQL.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from warehouse.catalog import write_meta
from warehouse.db import read_sql
from warehouse.target_split import store_split
from warehouse.targets import Targets

N_PATHS = 1000
SEED = 20240630
JUNE_FOLDS = 3  # backtest on the last three years' "fit through June, forecast Jul-Dec"
MARTS = ("forecast_monthly", "forecast_full_year", "forecast_backtest", "forecast_models", "target_split")


def horizon(as_of: dt.date) -> int:
    """Months from the as-of month to December (the rest of the year)."""
    return 12 - as_of.month


def series_table(con: duckdb.DuckDBPyConnection, as_of: dt.date, through: dt.date | None = None) -> pa.Table:
    """Monthly series to forecast (series_id, indicator_id, breakdown, member, period, value) on the
    scope of the as-of month's growth, up to `through` (default: the as-of month; forecast-check
    reads the months after it on the same scope)."""
    write_meta(con)
    return con.sql(read_sql("marts/forecast_series.sql"),
                   params={"as_of": as_of, "through": through or as_of}).to_arrow_table()


def series_meta(con: duckdb.DuckDBPyConnection, as_of: dt.date, series: pa.Table, targets: Targets) -> pa.Table:
    """Per series: the year-to-date actual on the growth's own units (the indicator mart's
    comparable_amount), the prior-year bases to the as-of month and to December from year-to-date
    values (marts/forecast_bases.sql), the target and the status of the figures. Amounts are
    rounded to 0.01 yuan, so the summing order of a parallel aggregate never shows in a forecast."""
    con.register("_series", series)
    try:
        rows = con.execute(f"""
            with bases as ({read_sql("marts/forecast_bases.sql")}),
            series as (select distinct series_id, indicator_id, breakdown, member from _series)
            select s.series_id, s.indicator_id, s.breakdown, s.member, i.measure,
                   round(coalesce(v.comparable_amount, 0), 6) as ytd_actual,
                   round(coalesce(b.base_ytd, 0), 6) as base_ytd, round(b.base_full_year, 6) as base_full_year,
                   coalesce(v.status, 'no_data') as status
            from series as s
            join meta.indicators as i using (indicator_id)
            left join bases as b using (indicator_id, breakdown, member)
            left join marts.indicator_values as v
              on v.indicator_id = s.indicator_id and v.breakdown = s.breakdown and v.member = s.member
             and v.period = $as_of::date and v."window" = 'ytd'
            order by s.series_id""", {"as_of": as_of}).fetchall()
    finally:
        con.unregister("_series")
    names = ["series_id", "indicator_id", "breakdown", "member", "measure", "ytd_actual", "base_ytd",
             "base_full_year", "status"]
    table = pa.Table.from_pylist([dict(zip(names, r)) for r in rows])
    goals = [targets.growth_pct(r[1], r[2], r[3]) for r in rows]
    table = table.append_column("target_growth_pct", pa.array(goals, pa.float64()))
    return table.append_column("split_rule", pa.array([targets.split_rule] * len(rows), pa.string()))


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


def enterprise_series(con: duckdb.DuckDBPyConnection, as_of: dt.date, measure: str, limit: int = 0) -> pa.Table:
    """One monthly series per enterprise of `measure` (marts/enterprise_series.sql)."""
    return con.sql(read_sql("marts/enterprise_series.sql"),
                   params={"as_of": as_of, "measure": measure, "limit": limit}).to_arrow_table()


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


def store(con: duckdb.DuckDBPyConnection, as_of: dt.date, meta: pa.Table, results: dict[str, pa.Table]) -> dict:
    """Replace the as-of month's rows of the forecast marts in one transaction; returns row counts."""
    monthly, paths = results.get("monthly"), results.get("paths")
    if monthly is None or monthly.num_rows == 0:
        errors = results.get("errors")
        problems = "; ".join(f"{r['series_id']}: {r['problem']}" for r in errors.to_pylist()[:5]) if errors else ""
        return {"skipped": f"no series could be forecast as of {as_of:%Y-%m} ({problems})"}
    models = {r["series_id"]: r["model"] for r in results["choices"].to_pylist()}
    meta = meta.append_column("model", pa.array([models.get(s) for s in meta["series_id"].to_pylist()]))
    con.execute("begin transaction")
    try:
        for name, table in (("_fc_monthly", monthly), ("_fc_paths", paths), ("_fc_series", meta)):
            con.register(name + "_arrow", table)
            con.execute(f"create or replace temp table {name} as select * from {name}_arrow")
            con.unregister(name + "_arrow")
        _replace(con, "forecast_monthly", read_sql("marts/forecast_monthly.sql"), as_of)
        _replace(con, "forecast_full_year", read_sql("marts/forecast_full_year.sql"), as_of)
        store_split(con, as_of, _replace)
        for name, key in (("forecast_backtest", "backtests"), ("forecast_models", "choices")):
            table = results.get(key)
            if table is not None and table.num_rows:
                con.register("_fc_extra", table)
                _replace(con, name, "select $as_of::date as as_of, * from _fc_extra", as_of)
                con.unregister("_fc_extra")
        counts = {n: con.execute(f"select count(*) from marts.{n} where as_of = ?", [as_of]).fetchone()[0]
                  for n in MARTS if _exists(con, n)}
        if _exists(con, "forecast_stale"):       # made again from the current figures
            con.execute("delete from marts.forecast_stale where as_of = ?", [as_of])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = 'marts' "
                            "and table_name = ?", [table]).fetchone()[0])


def _replace(con: duckdb.DuckDBPyConnection, table: str, select_sql: str, as_of: dt.date) -> None:
    """Create the mart from the first result if needed, else swap the as-of month's rows."""
    params = {"as_of": as_of}
    if not _exists(con, table):
        con.execute(f"create table marts.{table} as {select_sql}", params)
        return
    con.execute(f"delete from marts.{table} where as_of = ?", [as_of])
    con.execute(f"insert into marts.{table} by name {select_sql}", params)


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
