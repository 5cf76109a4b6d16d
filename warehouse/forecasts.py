"""Second-half forecasts in the warehouse: the series out of the marts, and the results (monthly,
full year against the target, backtests) stored per as-of month. Running the models is not the
warehouse's business: the flows run `models.chunks` over the series and hand the results here.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from warehouse.catalog import write_meta
from warehouse.db import read_sql
from warehouse.marts_schema import check_columns, ensure_marts, ensure_views
from warehouse.target_split import store_split
from warehouse.targets import Targets

MARTS = ("forecast_monthly", "forecast_full_year", "forecast_backtest", "forecast_models", "target_split")


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


def enterprise_series(con: duckdb.DuckDBPyConnection, as_of: dt.date, measure: str, limit: int = 0) -> pa.Table:
    """One monthly series per enterprise of `measure` (marts/enterprise_series.sql)."""
    return con.sql(read_sql("marts/enterprise_series.sql"),
                   params={"as_of": as_of, "measure": measure, "limit": limit}).to_arrow_table()


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
        ensure_marts(con)
        for name, table in (("_fc_monthly", monthly), ("_fc_paths", paths), ("_fc_series", meta)):
            con.register(name + "_arrow", table)
            con.execute(f"create or replace temp table {name} as select * from {name}_arrow")
            con.unregister(name + "_arrow")
        _replace(con, "forecast_monthly", read_sql("marts/forecast_monthly.sql"), as_of)
        _replace(con, "forecast_full_year", read_sql("marts/forecast_full_year.sql"), as_of)
        store_split(con, as_of, _replace)
        ensure_views(con)
        for name, key in (("forecast_backtest", "backtests"), ("forecast_models", "choices")):
            table = results.get(key)
            if table is not None and table.num_rows:
                con.register("_fc_extra", table)
                _replace(con, name, "select $as_of::date as as_of, * from _fc_extra", as_of)
                con.unregister("_fc_extra")
        counts = {n: con.execute(f"select count(*) from marts.{n} where as_of = ?", [as_of]).fetchone()[0]
                  for n in MARTS}
        con.execute("delete from marts.forecast_stale where as_of = ?", [as_of])    # made again just now
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts


def _replace(con: duckdb.DuckDBPyConnection, table: str, select_sql: str, as_of: dt.date) -> None:
    """Swap the as-of month's rows of a forecast mart (declared in sql/init/marts.sql)."""
    check_columns(con, f"marts.{table}", select_sql, {"as_of": as_of})
    con.execute(f"delete from marts.{table} where as_of = ?", [as_of])
    con.execute(f"insert into marts.{table} by name {select_sql}", {"as_of": as_of})
