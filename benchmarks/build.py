"""Benchmark: a full build of core from staging that holds two years of history.

Generates the zone of benchmarks/indicators.py (--enterprises industrial enterprises, 15% as many
trade units, filings 2023-02..2024-12 with January absent, register rows for 2023 and 2024), but
writes it into staging.<form>_typed, as loads would have left it (one load per form and month),
instead of into core. Then times warehouse.build.build(con) --repeat times, each in a fresh child
process on a copy of that warehouse, and prints the median wall and CPU time, the checkpoint at
close, the peak RSS and the core row counts.

    .venv/bin/python benchmarks/build.py [--enterprises 200000] [--repeat 3] [--keep]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):   # as the CLI runs
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.indicators import FIRMS_PER_PROJECT, SETUP, TRADE_PER_FIRM, _cpu  # noqa: E402
from benchmarks.ingest import _rss_kib, in_child  # noqa: E402
from warehouse.build import load_industry_map  # noqa: E402
from warehouse.db import connect, init_schema  # noqa: E402

# the generated units, register and monthly flows of indicators.py (its core inserts are left out)
GENERATE = [sql for sql in SETUP if not sql.lstrip().startswith("insert into core.")]
# one load per form and month: a later month is a later load, as when files arrive monthly
STAGING = [
    """insert into staging.register_typed by name
    select enterprise_id, '永康市' || i || '五金制品有限公司' as enterprise_name, year, unit_type, above_scale,
        industry_code, case when industrial then local_industry end as local_industry_given,
        industrial and sei_flag as sei_flag, case when industrial and sei_flag then '高端装备' end as sei_area,
        case when industrial then round(3 + 100 * bench_u(i, 9), 1) end as land_area_mu, sub_area,
        '联系人' as contact_person, '0579-8' || lpad(cast(i % 10000000 as varchar), 7, '0') as contact_phone,
        year - 2020 as _load_id, 'register_' || year || '.csv' as _source_file, cast(i + 2 as integer) as _source_row
    from bench_register""",
    """insert into staging.b204_1_typed by name
    select enterprise_id, period, mon as gross_output_value, ytd as gross_output_value_ytd,
        ytd_py as gross_output_value_ytd_prior, mon * r1 as sales_output_value, ytd * r1 as sales_output_value_ytd,
        mon * r2 as export_delivery_value, ytd * r2 as export_delivery_value_ytd,
        1000 + (y - 2023) * 12 + m as _load_id, 'B204-1_' || strftime(period, '%Y%m') || '.csv' as _source_file,
        cast(i + 2 as integer) as _source_row
    from bench_filed where industrial""",
    """insert into staging.b203_typed by name
    select enterprise_id, period, ytd * 1.05 as operating_revenue_ytd, ytd_py * 1.05 as operating_revenue_ytd_prior,
        ytd * 0.9 as operating_cost_ytd, ytd * r3 as rd_expense_ytd, ytd_py * r3 as rd_expense_ytd_prior,
        ytd * r4 as total_profit_ytd, ytd * 0.01 as taxes_ytd, round(size / 400) as avg_employees,
        2000 + (y - 2023) * 12 + m as _load_id, 'B203_' || strftime(period, '%Y%m') || '.csv' as _source_file,
        cast(i + 2 as integer) as _source_row
    from bench_filed where industrial""",
    """insert into staging.e204_1_typed by name
    select enterprise_id, period, mon as goods_sales, ytd as goods_sales_ytd, ytd_py as goods_sales_ytd_prior,
        mon * r2 as retail_sales, ytd * r2 as retail_sales_ytd, ytd_py * r2 as retail_sales_ytd_prior,
        3000 + (y - 2023) * 12 + m as _load_id, 'E204-1_' || strftime(period, '%Y%m') || '.csv' as _source_file,
        cast(i + 2 as integer) as _source_row
    from bench_filed where not industrial""",
]
TABLES = ["register_year", "industrial_output", "finance", "trade"]


def create(db: Path, firms: int) -> tuple[float, dict[str, int]]:
    """A warehouse whose staging holds the generated history; returns (seconds, staging row counts)."""
    started = time.perf_counter()
    con = connect(db)
    try:
        init_schema(con)
        load_industry_map(con)           # the generator picks industry codes from the zone's mapping
        params = {"firms": firms, "trades": round(firms * TRADE_PER_FIRM),
                  "projects": max(50, firms // FIRMS_PER_PROJECT)}
        for sql in GENERATE + STAGING:
            con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
        for temp in ("bench_filed", "bench_flow", "bench_register", "bench_code", "bench_unit"):
            con.execute(f"drop table {temp}")
        con.execute("checkpoint")
        counts = {t: con.execute(f"select count(*) from staging.{t}_typed").fetchone()[0]
                  for t in ("register", "b204_1", "b203", "e204_1")}
    finally:
        con.close()
    return time.perf_counter() - started, counts


def run_build(db: str, queue) -> None:
    """Child: one full build on its own copy of the warehouse."""
    from warehouse.build import build

    con = connect(db)
    con.execute("set enable_progress_bar = false")   # a child process would draw DuckDB's bar on stdout
    rss_before = _rss_kib()[0]
    cpu, started = _cpu(), time.perf_counter()
    build(con)
    closing = time.perf_counter()
    seconds = closing - started                   # the build, its swap and commit included
    con.close()                                   # DuckDB checkpoints here
    done = time.perf_counter()
    with connect(db, read_only=True) as ro:
        counts = {t: ro.execute(f"select count(*) from core.{t}").fetchone()[0] for t in TABLES}
    queue.put({"build": seconds, "close": done - closing, "wall": done - started, "cpu": _cpu() - cpu,
               "peak_kib": _rss_kib()[1], "rss_before_kib": rss_before, "core": counts})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=200_000, help="industrial enterprises (default 200000)")
    parser.add_argument("--repeat", type=int, default=3, help="measured builds (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="zonestat-bench-build-"))
    try:
        source = tmp / "source.duckdb"
        gen_s, counts = create(source, args.enterprises)
        print(f"# zonestat build benchmark  {dt.date.today()}  {platform.node()}  cores={os.cpu_count()}  "
              f"python {platform.python_version()}  load avg {os.getloadavg()[0]:.1f}")
        print(f"staging generated in {gen_s:.1f} s: " + ", ".join(f"{t} {n:,}" for t, n in counts.items())
              + " rows (2023-02..2024-12, one load per form and month)")
        runs = []
        for rep in range(args.repeat):
            copy = tmp / f"build_{rep}.duckdb"
            shutil.copy(source, copy)
            runs.append(in_child(run_build, str(copy)))
            copy.unlink()
            r = runs[-1]
            print(f"run {rep + 1}: build {r['build']:.2f} s, checkpoint at close {r['close']:.2f} s, "
                  f"{r['cpu']:.2f} s CPU, peak RSS {r['peak_kib'] / 1024:,.0f} MiB")
        med = {k: statistics.median(r[k] for r in runs) for k in ("build", "close", "wall", "cpu")}
        print(f"\nmedian of {args.repeat}: build {med['build']:.2f} s + checkpoint at close {med['close']:.2f} s "
              f"= {med['wall']:.2f} s wall, {med['cpu']:.2f} s CPU; peak RSS (max) "
              f"{max(r['peak_kib'] for r in runs) / 1024:,.0f} MiB "
              f"(before the build {runs[0]['rss_before_kib'] / 1024:,.0f} MiB)")
        print("core rows: " + ", ".join(f"{t} {n:,}" for t, n in runs[0]["core"].items()))
        print(f"load average at the end {os.getloadavg()[0]:.1f} (2 cores: above 2 means other work shared the machine)")
        if args.keep:
            print(f"kept: {tmp}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
