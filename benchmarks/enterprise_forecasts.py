"""Benchmark: enterprise-level forecasts (one series per enterprise) through the Prefect flow on a
local Dask cluster, as a province would run them on a real one.

Builds a warehouse whose core holds --enterprises industrial enterprises with monthly output from
2019-02 to 2024-06 (five and a half years, January absent: February carries Jan-Feb; trend, season
and noise per unit from a seeded hash), written straight into core the way the core SQL shapes it.
Then, in a fresh child process, runs flows.enterprise_forecast with ZONESTAT_TASK_RUNNER=dask
(a prefect-dask LocalCluster of --workers single-threaded processes) as of 2024-06, and prints: the
series per second of the flow (Prefect's temporary server start excluded, printed apart), each
worker's series, busy seconds and peak RSS, the parent's peak RSS, and what 200,000 enterprises
would take at that rate on this machine and on a cluster of k such machines (extrapolated).

    .venv/bin/python benchmarks/enterprise_forecasts.py [--enterprises 2000] [--workers 2] [--chunk 250]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from benchmarks.ingest import in_child  # noqa: E402

AS_OF = "2024-06"


def create(db: Path, n: int) -> None:
    from warehouse.build import build
    from warehouse.db import session, init_schema

    with session(db) as con:
        init_schema(con)
        build(con)
        con.execute("""
            create or replace temp table units as
            select 'E' || lpad(i::varchar, 7, '0') as enterprise_id, i,
                   500 + (hash(i, 1) % 20000)::double as size, ((hash(i, 2) % 200)::double - 50) / 1000.0 as growth,
                   ((hash(i, 3) % 300)::double / 1000.0) as season
            from range(?) as r(i)""", [n])
        con.execute("""
            insert into core.register_year by name
            select enterprise_id, y as year, 'industry' as unit_type, true as above_scale, '3311' as industry_code,
                   'power_tools' as local_industry, '核心区' as sub_area, false as sei_flag, true as is_manufacturing,
                   false as entered_scope
            from units, range(2019, 2025) as t(y)""")
        con.execute("""
            create or replace temp table months as
            select enterprise_id, y, m, sum(v) over (partition by enterprise_id, y order by m) as ytd
            from (select enterprise_id, y, m,
                         size * power(1 + growth, y - 2019) * (1 + season * sin(2 * pi() * m / 12))
                         * (1 + ((hash(i, y, m) % 1000)::double - 500) / 12500.0) as v
                  from units, range(2019, 2025) as t(y), range(1, 13) as s(m)
                  where make_date(y, m, 1) <= date '2024-06-01')""")
        con.execute("""
            insert into core.industrial_output by name
            select enterprise_id, make_date(y, m, 1) as period, y as year, m as month, m - coalesce(lag(m)
                       over w, 0) as months_covered, 'consecutive' as month_basis,
                   ytd as gross_output_value_ytd, ytd - coalesce(lag(ytd) over w, 0) as gross_output_value_month,
                   1 as revisions, 1 as _load_id
            from months where m > 1
            window w as (partition by enterprise_id, y order by m)""")
        con.execute("""
            update core.industrial_output o set gross_output_value_ytd_py = p.gross_output_value_ytd,
                   gross_output_value_month_py = p.gross_output_value_month
            from core.industrial_output p
            where p.enterprise_id = o.enterprise_id and p.year = o.year - 1 and p.month = o.month""")


def run_flow(home: str, workers: int, chunk: int, queue) -> None:
    os.environ.update({"ZONESTAT_HOME": home, "ZONESTAT_TASK_RUNNER": "dask", "ZONESTAT_WORKERS": str(workers),
                       "PREFECT_HOME": str(Path(home) / "prefect")})
    from zonestat.cli.run import prefect_env

    prefect_env()
    started = time.perf_counter()
    from prefect.testing.utilities import prefect_test_harness   # a temporary server, as `zonestat run` has

    with prefect_test_harness(server_startup_timeout=120):
        server = time.perf_counter() - started
        from flows.enterprise_forecast import enterprise_forecast_with_runner

        result = enterprise_forecast_with_runner(AS_OF, "gross_output_value", 0, chunk)
    result["server_seconds"] = server
    result["parent_peak_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put(result)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--chunk", type=int, default=250)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="zonestat-bench-entfc-"))
    try:
        t0 = time.perf_counter()
        create(tmp / "warehouse.duckdb", args.enterprises)
        print(f"# zonestat enterprise forecasts benchmark  {dt.datetime.now():%Y-%m-%d %H:%M}  cores={os.cpu_count()}  "
              f"load avg {os.getloadavg()[0]:.1f}")
        print(f"{args.enterprises:,} enterprises x 2019-02..2024-06 written into core in {time.perf_counter() - t0:.1f} s; "
              f"Dask LocalCluster of {args.workers} single-threaded worker processes, {args.chunk} series per task")
        r = in_child(run_flow, str(tmp), args.workers, args.chunk)
        rate = r["forecast"] / r["seconds"]
        print(f"flow: {r['series']:,} series in {r['chunks']} chunks, {r['forecast']:,} forecast, {r['unusable']:,} "
              f"unusable, {r['seconds']:.1f} s (Prefect's temporary server start {r['server_seconds']:.1f} s apart): "
              f"{rate:.2f} series/s")
        for pid, w in sorted(r["workers"].items()):
            print(f"  worker pid {pid}: {w['chunks']} chunks, {w['series']:,} series, busy {w['seconds']:.1f} s "
                  f"({w['series'] / max(w['seconds'], 1e-9):.2f} series/s), peak RSS {w['peak_rss_kib'] / 1024:,.0f} MiB")
        print(f"  flow process peak RSS {r['parent_peak_kib'] / 1024:,.0f} MiB")
        for n, machines in ((200_000, 1), (200_000, 36)):
            print(f"extrapolated: {n:,} enterprises on {machines} machine(s) like this one: "
                  f"{n / (rate * machines) / 3600:.1f} h")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
