"""Benchmark: the enterprise evaluation (亩均 scores, classes, TFP) of --firms firms for one year.

Builds a warehouse (init_schema + build on an empty file), then inserts rows straight into what
the evaluation reads: core.register_year, the December rows of core.industrial_output and
core.finance, and the typed staging tables behind core.energy_use and core.evaluation_inputs,
generated in DuckDB SQL from range() and a seeded hash (no file ingestion). Then times
warehouse.evaluation.evaluate(con, YEAR, estimate=models.tfp.estimate) --repeat times, each in a fresh child process on a copy of
the warehouse, and prints the median and range of the whole call and of its phases (score SQL,
TFP, store). With --years 3 the firms have three years, so the ACF panel estimator runs too.

    .venv/bin/python benchmarks/evaluation.py [--firms 200000] [--years 1] [--repeat 3] [--keep]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
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

YEAR = 2023
INDUSTRIES = ["doors", "cups", "power_tools", "vehicles", "leisure_sports", "kitchenware", "metal_materials",
              "hand_tools", "energy_storage", "other"]
AREAS = ["核心区", "古山片区", "石柱片区", "农机产业园", "浙商回归产业园"]

# Run in order with $firms, $first (first year), $industries and $areas bound.
SETUP = [
    "create or replace temp macro bench_u(a, b) as (hash(a, b) % 1000003) / 1000003.0",
    """create or replace temp table bench_firm as
       select i, y, 'E' || lpad(i::varchar, 9, '0') as enterprise_id,
              $industries[1 + (hash(i, 1) % 10)::int] as local_industry,
              $areas[1 + (hash(i, 2) % 5)::int] as sub_area,
              round(3 + 60 * bench_u(i, 3) ^ 2, 1) as land_mu,
              (20000 + 30000 * bench_u(i, 4)) * (1 + 0.06 * (y - $first)) as output,   -- 千元
              greatest(8, round((20000 + 30000 * bench_u(i, 4)) / (600 + 800 * bench_u(i, 5)))) as staff,
              0.1 + 0.3 * bench_u(i, 6 + y) as va_rate
       from range($firms) as t(i), range($first, 2024) as s(y)""",
    """insert into core.register_year by name
       select enterprise_id, y as year, 'industry' as unit_type, true as above_scale, '3465' as industry_code,
              local_industry, true as is_manufacturing, false as sei_flag, land_mu as land_area_mu, sub_area,
              false as entered_scope, 1 as _load_id, i::int as _source_row
       from bench_firm""",
    """insert into staging.register_typed by name
       select enterprise_id, 'x' as enterprise_name, y as year, 'industry' as unit_type, true as above_scale,
              '3465' as industry_code, 1 as _load_id, 'bench' as _source_file, i::int as _source_row
       from bench_firm""",
    """insert into core.industrial_output by name
       select enterprise_id, make_date(y, 12, 1) as period, y as year, 12 as month, output as gross_output_value_ytd,
              output as sales_output_value_ytd
       from bench_firm""",
    """insert into core.finance by name
       select enterprise_id, make_date(y, 12, 1) as period, y as year, 12 as month, output * 1.02 as operating_revenue_ytd,
              output * 0.03 * bench_u(i, 7) as rd_expense_ytd, output * 0.006 as taxes_ytd,
              output * 0.05 as total_profit_ytd, staff as avg_employees
       from bench_firm""",
    """insert into staging.f205_1_typed by name
       select enterprise_id, make_date(y, 12, 1) as period, output * va_rate / 10 / (1.5 + 3 * bench_u(i, 8)) as energy_tce_ytd,
              2 as _load_id, 'bench' as _source_file, i::int as _source_row
       from bench_firm""",
    """insert into staging.evaluation_supplement_typed by name
       select enterprise_id, y as year, output / 10 * (0.01 + 0.08 * bench_u(i, 9)) as assessed_tax,
              case when bench_u(i, 10) < 0.75 then output * va_rate / 10 / (2000 + 6000 * bench_u(i, 11)) end
                  as pollutant_emissions,
              output / 10 * (0.8 + bench_u(i, 12)) as gross_fixed_assets, output / 10 * 0.3 as accumulated_depreciation,
              output / 10 * 0.05 as depreciation,
              case when bench_u(i, 13) < 0.6 then output / 10 * (1 - va_rate + 0.03) end as intermediate_inputs,
              case when bench_u(i, 13) < 0.6 then output / 10 * 0.03 end as vat_payable,
              output / 10 * va_rate * (0.5 + 0.2 * bench_u(i, 14)) as labour_compensation,
              case when bench_u(i, 15) < 0.02 then 'construction' else 'normal' end as evaluation_status,
              3 as _load_id, 'bench' as _source_file, i::int as _source_row
       from bench_firm""",
]


def make_warehouse(path: Path, firms: int, years: int) -> None:
    con = connect(path)
    init_schema(con)
    build(con)
    for sql in SETUP:
        params = {k: v for k, v in {"firms": firms, "first": YEAR - years + 1, "industries": INDUSTRIES,
                                    "areas": AREAS}.items() if f"${k}" in sql}
        con.execute(sql, params or None)
    con.close()


def _child(path: str, queue) -> None:
    from models.tfp import estimate
    from warehouse.evaluation import evaluate

    con = connect(path)
    started = time.perf_counter()
    result = evaluate(con, YEAR, estimate=estimate)
    queue.put({"total": time.perf_counter() - started, **result.seconds, "graded": result.graded,
               "evaluated": result.evaluated})
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="zonestat-bench-eval-"))
    source = folder / "source.duckdb"
    started = time.perf_counter()
    make_warehouse(source, args.firms, args.years)
    print(f"warehouse of {args.firms:,} firms x {args.years} year(s) built in {time.perf_counter() - started:.1f} s "
          f"({folder})")
    ctx, runs = mp.get_context("spawn"), []
    for n in range(args.repeat):
        copy = folder / f"run{n}.duckdb"
        shutil.copy(source, copy)
        queue = ctx.Queue()
        child = ctx.Process(target=_child, args=(str(copy), queue))
        child.start()
        runs.append(queue.get())
        child.join()
        copy.unlink()
    print(f"evaluated {runs[0]['evaluated']:,} firms of {YEAR} ({runs[0]['graded']:,} graded), "
          f"{args.repeat} runs, load average {os.getloadavg()[0]:.2f}")
    for key in ("total", "score", "tfp", "store"):
        values = [r[key] for r in runs]
        print(f"  {key:6s} median {statistics.median(values):6.2f} s  (min {min(values):.2f}, max {max(values):.2f})")
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
