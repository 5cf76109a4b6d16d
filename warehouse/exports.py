"""Parquet exports for planners: one file per period, in flat folders any reader opens as one
table without options, replaced atomically on a re-run.

    exports/indicators/indicators_2024-06.parquet              (marts.indicator_values of the month)
    exports/forecasts/monthly/forecast_monthly_2024-06.parquet (as-of month in the name)
    exports/forecasts/full_year/forecast_full_year_2024-06.parquet

Why flat, not hive folders (`period=2024-06/`): the files carry their own DATE column `period`
(and `as_of`); a folder key of the same name made pyarrow.dataset and pandas fail to merge the
types and DuckDB filter the folder's text instead of the date. Each folder holds one schema, so
`read_parquet('exports/indicators/*.parquet')`, `pyarrow.dataset.dataset('exports/indicators')`,
`pandas.read_parquet('exports/indicators')` and `polars.read_parquet('exports/indicators/*.parquet')`
all read it as it is (docs/warehouse.md, tested in tests/e2e/test_docs_examples.py). Files are
readable by the planners' group: the mode the process's umask gives a new file (0644 by default).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
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
FORECASTS = ("monthly", "full_year")


def _file_mode() -> int:
    """The mode a new file gets under the process's umask (read from /proc: os.umask would have to
    change it to read it, which is not safe with threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except OSError:
        pass
    return 0o644


def write_atomic(table, target: Path) -> Path:
    """Write a Parquet file next to `target`, then rename over it: readers never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".parquet", dir=target.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, _file_mode())          # mkstemp makes 0600: planners could not open it
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def indicator_path(exports_dir: Path, period: dt.date) -> Path:
    return Path(exports_dir) / "indicators" / f"indicators_{period:%Y-%m}.parquet"


def forecast_path(exports_dir: Path, name: str, as_of: dt.date) -> Path:
    return Path(exports_dir) / "forecasts" / name / f"forecast_{name}_{as_of:%Y-%m}.parquet"


def _drop_legacy(folder: Path) -> None:
    """The hive-style folder an earlier version wrote for the same period (period=…, as_of=…)."""
    if folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)


def export_indicators(con: duckdb.DuckDBPyConnection, period: dt.date, exports_dir: Path,
                      vintage: int | None = None) -> Path:
    """exports/indicators/indicators_YYYY-MM.parquet from marts.indicator_values, with the vintage
    (marts.publications) it is."""
    table = con.sql(INDICATOR_EXPORT_SQL, params={"period": period, "vintage": vintage}).to_arrow_table()
    path = write_atomic(table, indicator_path(exports_dir, period))
    _drop_legacy(Path(exports_dir) / "indicators" / f"period={period:%Y-%m}")
    return path


def export_forecasts(con: duckdb.DuckDBPyConnection, as_of: dt.date, exports_dir: Path) -> dict[str, str]:
    """exports/forecasts/{monthly,full_year}/forecast_<name>_YYYY-MM.parquet from the forecast marts."""
    out = {}
    for name in FORECASTS:
        table = con.sql(f"select * from marts.forecast_{name} where as_of = ? "
                        "order by indicator_id, breakdown, member", params=[as_of]).to_arrow_table()
        out[name] = str(write_atomic(table, forecast_path(exports_dir, name, as_of)))
    _drop_legacy(Path(exports_dir) / "forecasts" / f"as_of={as_of:%Y-%m}")
    return out
