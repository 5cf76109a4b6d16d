"""Benchmark: evaluating the whole indicator catalog for one period over two years of history.

Builds a warehouse of --enterprises industrial enterprises (plus 15% as many trade units and 1/50 as
many investment projects) with filings 2023-02..2024-12 (January absent: February carries Jan-Feb)
and register rows for 2023 and 2024. No file ingestion: the schema comes from init_schema + build
on an empty file, then rows are inserted straight into core.* in the shape the core SQL produces,
generated in DuckDB SQL from range() and a seeded hash. Then times
warehouse.indicators.evaluate(con, 2024-06-01) --repeat times in a fresh child process (which
also reports its peak RSS), plus one evaluate at --small-enterprises as a small-size baseline.

    .venv/bin/python benchmarks/indicators.py [--enterprises 200000] [--repeat 5] [--keep]
"""
from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from warehouse.build import build  # noqa: E402
from warehouse.db import connect, init_schema  # noqa: E402
from warehouse.indicators import evaluate  # noqa: E402

PERIOD = dt.date(2024, 6, 1)
TRADE_PER_FIRM, FIRMS_PER_PROJECT = 0.15, 50
CS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
POW31 = [31 ** k for k in range(8, -1, -1)]

# Each statement is run in order; $-parameters are bound (counts), identifiers are fixed here.
SETUP = [
    # a deterministic uniform(0, 1) from two integers (hash of the pair), instead of random()
    "create or replace temp macro bench_u(a, b) as (hash(a, b) % 1000003) / 1000003.0",
    f"""create or replace temp table bench_unit as
    with ids as (
        select i, i < $firms as industrial,
               '91330784' || array_to_string([substr('{CS}', cast((((i * 1000003 + 7919000017) % {31 ** 9})
                   // p) % 31 + 1 as bigint), 1) for p in {POW31}], '') as s17
        from range($firms + $trades) as t(i)
    )
    select
        i, industrial,
        s17 || substr('{CS}', cast((31 - list_sum([(strpos('{CS}', substr(s17, k, 1)) - 1) * {W}[k]
            for k in range(1, 18)]) % 31) % 31 + 1 as bigint), 1) as enterprise_id,
        -- annual output / goods sales in 千元, a long right tail
        20000 + 15000 * exp(1.0 * sqrt(-2 * ln(bench_u(i, 1) + 1e-9)) * cos(2 * pi() * bench_u(i, 2))) as size,
        0.10 * bench_u(i, 3) - 0.02 as growth,
        bench_u(i, 4) < 0.92 as above_2023,
        bench_u(i, 5) < 0.97 as above_2024,
        ['核心区', '古山片区', '石柱片区', '农机产业园', '浙商回归产业园'][1 + cast(floor(bench_u(i, 6) * 5) as integer)]
            as sub_area,
        bench_u(i, 7) as pick_code,
        bench_u(i, 8) < 0.15 as sei_flag
    from ids""",
    # every industry code of the zone's mapping plus a few unmapped (其他) codes; trade codes apart
    """create or replace temp table bench_code as
    select row_number() over (order by code) - 1 as n, code, local_industry from (
        select code, local_industry from meta.industry_codes
        union all select unnest(['3399', '2929', '3511', '3489', '2319']), 'other')""",
    """create or replace temp table bench_register as
    select u.*, y.year,
        case when u.industrial then 'industry' else 'trade' end as unit_type,
        case when y.year = 2023 then u.above_2023 else u.above_2024 end as above_scale,
        case when u.industrial then c.code
             else ['5174', '5123', '5175', '5261', '5292', '5212', '5271'][1 + cast(floor(u.pick_code * 7) as integer)]
        end as industry_code,
        case when u.industrial then c.local_industry else 'other' end as local_industry
    from bench_unit as u
    cross join (select unnest([2023, 2024]) as year) as y
    left join bench_code as c
        on u.industrial and c.n = cast(floor(u.pick_code * (select count(*) from bench_code)) as bigint)""",
    """insert into core.register_year by name
    select enterprise_id, year, unit_type, above_scale,
        industry_code, local_industry,
        coalesce(try_cast(left(industry_code, 2) as integer) between 13 and 43, false) as is_manufacturing,
        industrial and sei_flag as sei_flag,
        case when industrial and sei_flag then ['高端装备', '新材料', '新能源'][1 + i % 3] end as sei_area,
        case when industrial then round(3 + 100 * bench_u(i, 9), 1) end as land_area_mu,
        sub_area, above_scale and not (year = 2024 and above_2023) and year = 2024 as entered_scope,
        year - 2020 as _load_id, cast(i + 2 as integer) as _source_row
    from bench_register""",
    # monthly flows 2022..2024 (2022 only feeds the prior-year bases of 2023), YTD by window
    """create or replace temp table bench_flow as
    with monthly as (
        select u.i, y.y, m.m,
            u.size / 12 * power(1 + u.growth, y.y - 2023)
                * [0.55, 0.75, 1.05, 1.0, 1.02, 1.08, 0.95, 0.9, 1.02, 1.0, 1.1, 1.25][m.m]
                * (0.85 + 0.3 * bench_u(u.i * 100 + y.y - 2000, m.m)) as v
        from bench_unit as u, range(2022, 2025) as y(y), range(1, 13) as m(m)
    ),
    cum as (
        select *, sum(v) over (partition by i, y order by m rows between unbounded preceding and current row) as ytd
        from monthly
    )
    select i, y, m, v, ytd,
        lag(ytd) over (partition by i, m order by y) as ytd_py,
        lag(v) over (partition by i, m order by y) as v_py
    from cum""",
    """create or replace temp table bench_filed as
    select f.*, r.enterprise_id, r.industrial, r.size, make_date(f.y, f.m, 1) as period,
        case when f.m = 2 then f.ytd else f.v end as mon,
        case when f.m = 2 then f.ytd_py else f.v_py end as mon_py,
        0.9 + 0.08 * bench_u(f.i, 11) as r1, 0.1 + 0.3 * bench_u(f.i, 12) as r2,
        0.01 + 0.05 * bench_u(f.i, 13) as r3, 0.12 * bench_u(f.i, 14) - 0.03 as r4
    from bench_flow as f
    join bench_register as r on r.i = f.i and r.year = f.y
    where f.y >= 2023 and f.m >= 2 and r.above_scale""",
    """insert into core.industrial_output by name
    select enterprise_id, period, y as year, m as month, case when m = 2 then 2 else 1 end as months_covered,
        ytd as gross_output_value_ytd, ytd * r1 as sales_output_value_ytd, ytd * r2 as export_delivery_value_ytd,
        mon as gross_output_value_reported, mon as gross_output_value_month, mon * r1 as sales_output_value_month,
        mon * r2 as export_delivery_value_month, ytd_py as gross_output_value_ytd_py,
        ytd_py * r1 as sales_output_value_ytd_py, ytd_py * r2 as export_delivery_value_ytd_py,
        1 as revisions, (y - 2023) * 12 + m as _load_id, mon_py as gross_output_value_month_py,
        mon_py * r1 as sales_output_value_month_py, mon_py * r2 as export_delivery_value_month_py
    from bench_filed where industrial""",
    """insert into core.finance by name
    select enterprise_id, period, y as year, m as month, case when m = 2 then 2 else 1 end as months_covered,
        ytd * 1.05 as operating_revenue_ytd, ytd * 0.9 as operating_cost_ytd, ytd * r3 as rd_expense_ytd,
        ytd * r4 as total_profit_ytd, ytd * 0.01 as taxes_ytd, round(size / 400) as avg_employees,
        mon * 1.05 as operating_revenue_month, mon * r3 as rd_expense_month,
        ytd_py * 1.05 as operating_revenue_ytd_py, ytd_py * r3 as rd_expense_ytd_py,
        ytd_py * r4 as total_profit_ytd_py, 1 as revisions, (y - 2023) * 12 + m + 100 as _load_id,
        mon_py * 1.05 as operating_revenue_month_py, mon_py * r3 as rd_expense_month_py
    from bench_filed where industrial""",
    """insert into core.trade by name
    select enterprise_id, period, y as year, m as month, case when m = 2 then 2 else 1 end as months_covered,
        ytd as goods_sales_ytd, ytd * r2 as retail_sales_ytd, mon as goods_sales_reported,
        mon * r2 as retail_sales_reported, mon as goods_sales_month, mon * r2 as retail_sales_month,
        ytd_py as goods_sales_ytd_py, ytd_py * r2 as retail_sales_ytd_py, 1 as revisions,
        (y - 2023) * 12 + m + 200 as _load_id, mon_py as goods_sales_month_py, mon_py * r2 as retail_sales_month_py
    from bench_filed where not industrial""",
    # projects (万元): 60% file all of 2023-02..2024-12, the rest start in 2024
    """insert into core.investment by name
    with project as (
        select p, format('{}-330784-{}-03-{}', 2022 + p % 3, left(c.code, 2), 100000 + p) as project_id,
            c.code as industry_code, round(500 + exp(ln(8000) + 1.0 * (bench_u(p, 21) - 0.5) * 3), -1) as planned,
            bench_u(p, 22) < 0.4 as late,
            (select enterprise_id from bench_unit where i = p * 7 % $firms) as enterprise_id
        from range($projects) as t(p)
        join bench_code as c on c.n = p % (select count(*) from bench_code)
    ),
    filed as (
        select pr.*, y.y, m.m, make_date(y.y, m.m, 1) as period,
            pr.planned * (0.2 + 0.3 * bench_u(pr.p, y.y)) * m.m / 12 as ytd
        from project as pr, range(2023, 2025) as y(y), range(2, 13) as m(m)
        where not (pr.late and y.y = 2023)
    )
    select project_id, period, y as year, m as month, case when m = 2 then 2 else 1 end as months_covered,
        '年产' || p || '万件零部件技改项目' as project_name, enterprise_id, industry_code,
        coalesce(try_cast(left(industry_code, 2) as integer) between 13 and 43, false) as is_manufacturing,
        planned as planned_total_investment, date '2022-03-01' + cast(p % 700 as integer) as start_date,
        ytd as completed_investment_ytd,
        case when m = 2 then ytd else ytd - lag(ytd) over w end as completed_investment_month,
        lag(ytd) over py as completed_investment_ytd_py, 1 as revisions, 300 + (y - 2023) * 12 + m as _load_id,
        case when m = 2 then lag(ytd) over py else lag(ytd) over py - lag(ytd, 12) over wy end
            as completed_investment_month_py
    from filed
    window w as (partition by project_id, y order by m), py as (partition by project_id, m order by y),
           wy as (partition by project_id order by y, m)""",
]
COUNTS = ["register_year", "enterprises", "industrial_output", "finance", "trade", "investment"]


def create(db: Path, firms: int) -> tuple[float, dict[str, int]]:
    """A warehouse with the real schema and generated core rows; returns (seconds, core row counts)."""
    started = time.perf_counter()
    con = connect(db)
    try:
        init_schema(con)
        build(con)                       # empty staging/core tables of the real shape, marts views
        params = {"firms": firms, "trades": round(firms * TRADE_PER_FIRM),
                  "projects": max(50, firms // FIRMS_PER_PROJECT)}
        for sql in SETUP:
            con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
        for temp in ("bench_filed", "bench_flow", "bench_register", "bench_code", "bench_unit"):
            con.execute(f"drop table {temp}")
        con.execute("checkpoint")
        counts = {t: con.execute(f"select count(*) from core.{t}").fetchone()[0] for t in COUNTS}
    finally:
        con.close()
    return time.perf_counter() - started, counts


def _cpu() -> float:
    """CPU seconds (user + system, all threads) of this process: less sensitive to a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _evaluations(db: str, repeat: int, queue) -> None:
    """Child: wall and CPU seconds of each evaluate() on one connection, rows written, peak RSS (KiB)."""
    con = connect(db)
    con.execute("set enable_progress_bar = false")   # a child process would draw DuckDB's bar on stdout
    try:
        times, cpus, rows = [], [], 0
        for _ in range(repeat):
            started, cpu = time.perf_counter(), _cpu()
            rows = evaluate(con, PERIOD)
            times.append(time.perf_counter() - started)
            cpus.append(_cpu() - cpu)
        from warehouse.publication import publish_period
        started = time.perf_counter()
        publish_period(con, PERIOD)           # evaluate, then keep it as a vintage with its loads
        first = time.perf_counter() - started
        started = time.perf_counter()
        publish_period(con, PERIOD)           # again: compared with that vintage, nothing new
        again = time.perf_counter() - started
    finally:
        con.close()
    queue.put((times, cpus, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, first, again))


def timed_evaluations(db: Path, repeat: int) -> tuple[list[float], list[float], int, int]:
    """Run the evaluations in a fresh process (cold connection, its own peak RSS)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_evaluations, args=(str(db), repeat, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=200_000, help="industrial enterprises (default 200000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed evaluations (default 5)")
    parser.add_argument("--small-enterprises", type=int, default=20_000, help="small-size baseline (default 20000)")
    parser.add_argument("--keep", action="store_true", help="keep the warehouse files and print where")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="zonestat-bench-ind-"))
    try:
        print(f"# zonestat indicator benchmark  {dt.date.today()}  {platform.node()}  cores={os.cpu_count()}  "
              f"python {platform.python_version()}  load avg {os.getloadavg()[0]:.1f}")
        rows_out = {}
        for label, firms, repeat in (("small", args.small_enterprises, 1), ("large", args.enterprises, args.repeat)):
            db = tmp / f"{label}.duckdb"
            secs, counts = create(db, firms)
            times, cpus, rows, peak, first, again = timed_evaluations(db, repeat)
            rows_out[label] = (firms, secs, counts, times, rows, db.stat().st_size, cpus, peak, first, again)
        print(f"\n{'':<34}{'small':>16}{'large':>16}")
        small, large = rows_out["small"], rows_out["large"]
        print(f"{'industrial enterprises':<34}{small[0]:>16,}{large[0]:>16,}")
        for t in COUNTS:
            print(f"{'core.' + t + ' rows':<34}{small[2][t]:>16,}{large[2][t]:>16,}")
        print(f"{'warehouse file (MiB)':<34}{small[5] / 2**20:>16,.0f}{large[5] / 2**20:>16,.0f}")
        print(f"{'create data (s)':<34}{small[1]:>16.1f}{large[1]:>16.1f}")
        print(f"{'evaluate runs':<34}{len(small[3]):>16}{len(large[3]):>16}")
        print(f"{'evaluate each (s)':<34}{' '.join(f'{x:.2f}' for x in small[3]):>16}"
              f"{'  ' + ' '.join(f'{x:.2f}' for x in large[3])}")
        med = statistics.median(large[3])
        verdict = "ok" if med < 10 else "MISSED"
        print(f"{'evaluate median (s)':<34}{statistics.median(small[3]):>16.2f}{med:>16.2f}   target < 10 s: {verdict}")
        print(f"{'evaluate CPU median (s)':<34}{statistics.median(small[6]):>16.2f}"
              f"{statistics.median(large[6]):>16.2f}   (user + system, both cores)")
        print(f"{'evaluate process peak RSS (MiB)':<34}{small[7] / 1024:>16,.0f}{large[7] / 1024:>16,.0f}")
        print(f"{'indicator rows written':<34}{small[4]:>16,}{large[4]:>16,}")
        print(f"{'publish_period, first vintage (s)':<34}{small[8]:>16.2f}{large[8]:>16.2f}   (evaluate + vintage + its loads)")
        print(f"{'publish_period, unchanged (s)':<34}{small[9]:>16.2f}{large[9]:>16.2f}   (evaluate + compare, no new vintage)")
        print(f"\nperiod {PERIOD:%Y-%m}; load average at the end {os.getloadavg()[0]:.1f} (2 cores: above 2 means "
              "other work shared the machine)")
        if args.keep:
            print(f"kept: {tmp}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
