"""Parquet exports for planners, partitioned by period and replaced atomically on a re-run."""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

INDICATOR_EXPORT_SQL = """
select v.*, i.label_zh, i.label_en, i.kind, i.basis, i.decimals, $vintage::bigint as vintage_id
from marts.indicator_values as v
join meta.indicators as i using (indicator_id)
where v.period = $period
order by i.headline nulls last, v.indicator_id, v.breakdown, v.member, v."window"
"""


def write_atomic(table, target: Path) -> Path:
    """Write a Parquet file next to `target`, then rename over it: readers never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".parquet", dir=target.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def export_indicators(con: duckdb.DuckDBPyConnection, period: dt.date, exports_dir: Path,
                      vintage: int | None = None) -> Path:
    """exports/indicators/period=YYYY-MM/indicators.parquet from marts.indicator_values, with the
    vintage (marts.publications) it is."""
    table = con.sql(INDICATOR_EXPORT_SQL, params={"period": period, "vintage": vintage}).to_arrow_table()
    target = exports_dir / "indicators" / f"period={period:%Y-%m}" / "indicators.parquet"
    return write_atomic(table, target)


def export_forecasts(con: duckdb.DuckDBPyConnection, as_of: dt.date, exports_dir: Path) -> dict[str, str]:
    """exports/forecasts/as_of=YYYY-MM/{monthly,full_year}.parquet from the forecast marts."""
    folder = exports_dir / "forecasts" / f"as_of={as_of:%Y-%m}"
    out = {}
    for name in ("monthly", "full_year"):
        table = con.sql(f"select * from marts.forecast_{name} where as_of = ? "
                        "order by indicator_id, breakdown, member", params=[as_of]).to_arrow_table()
        out[name] = str(write_atomic(table, folder / f"{name}.parquet"))
    return out
