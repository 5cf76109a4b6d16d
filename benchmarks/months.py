"""Benchmark: what one more month's load costs as the warehouse's history grows.

Generates a zone of --enterprises industrial enterprises (plus 15% as many trade units and 1/50 as
many investment projects, as benchmarks/ingest.py does) and the files of --months consecutive
reporting months from 2023-02 (January is never filed: February carries Jan-Feb): B204-1 and B203
(GB18030 CSV), E204-1 (UTF-8 CSV) and 206-1 (XLSX), with the register of every year involved. The
same units file every month, and their year-to-date figures grow month by month within a year; a
reported 本月 is exactly this month's YTD minus last month's, as a clean filing has it.

Each year's register loads before that year's first month, as a zone receives it (timed on its
own line, not part of the monthly figures; `--registers first` loads them all before month 1), and
the months load one at a time onto the SAME warehouse file, each in a fresh child process, with
"today" pinned to the month after the last one (so that every month generated has ended):
  (a) warehouse.batch.ingest_paths of that month's folder: wall and CPU seconds, when the loads were
      done, the build (which starts while files still load) and what was left of it after the
      loads, the build kind, peak RSS, file size after;
  (b) right after it, in its own child: DuckDB read_csv of that month's files into a fresh file
      (GB18030 from UTF-8 copies, XLSX from a CSV copy, both made untimed), for the ratio.
Prints one line per month and a summary against the targets of issue #15; `--indicators` then
evaluates the whole indicator catalog for the last month on the result (fresh child: seconds, peak).

    .venv/bin/python benchmarks/months.py [--enterprises 200000] [--months 25] [--keep]
    .venv/bin/python benchmarks/months.py --enterprises 500000 --months 60 --indicators   # a province
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
from dataclasses import dataclass
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):   # as the CLI runs
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.ingest import (B203, B204, E204, FIRMS_PER_PROJECT, TRADE_PER_FIRM, _cpu, _rss_kib,  # noqa: E402
                               baseline_copies, credit_codes, flows, in_child, mib, money, projects, register,
                               run_baseline, write_csv, write_xlsx)
from demo import contract  # noqa: E402

FIRST = (2023, 2)            # the first reporting month (Jan-Feb, keyed on February)
ABOVE_SHARE = 0.97           # units above scale in any year
CHURN = 0.02                 # a year on, 2% of units leave the scope and as many enter it
YEARLY_GROWTH = 1.06         # every unit's annual size, year on year
NOISE = 0.02                 # YTD = size x month/12 x (1 ± NOISE): still grows from month 11 to 12
TARGET_RATIO, TARGET_RSS_GIB, TARGET_FLAT = 3.0, 1.5, 0.20          # issue #15
TARGET_RAW_MIB = 40                                                   # issue #15: raw per month


# ---------------------------------------------------------------- the zone and its files

@dataclass
class Zone:
    """The units, fixed for the whole run; what changes by year and month is drawn per file."""
    seed: int
    firms: pa.Array               # credit codes of the industrial enterprises
    trades: pa.Array              # ... and of the trade units
    size: np.ndarray              # annual size of every unit (firms, then trades), 千元, in the first year
    growth: np.ndarray            # each unit's YTD on the same period last year (the filed 上年同期 base)
    scope_u: np.ndarray           # a fixed uniform per unit: which units are above scale in a year
    n_projects: int


def make_zone(n_firms: int, seed: int) -> Zone:
    rng = np.random.default_rng(seed)
    n = n_firms + round(n_firms * TRADE_PER_FIRM)
    return Zone(seed=seed, firms=credit_codes(n_firms, 1), trades=credit_codes(n - n_firms, 2),
                size=20000 + rng.lognormal(np.log(15000), 1.0, n), growth=rng.uniform(0.95, 1.2, n),
                scope_u=rng.random(n), n_projects=max(50, n_firms // FIRMS_PER_PROJECT))


def reporting_months(count: int, first: tuple[int, int] = FIRST) -> list[tuple[int, int]]:
    """`count` consecutive reporting months from `first`, January left out (Jan-Feb is February's)."""
    out, (year, month) = [], first
    while len(out) < count:
        if month != 1:
            out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def above_in(zone: Zone, year: int) -> np.ndarray:
    """Above-scale mask of every unit in `year`: a window over the units that moves by CHURN a year."""
    return (zone.scope_u + CHURN * (year - FIRST[0])) % 1.0 < ABOVE_SHARE


def write_register(zone: Zone, year: int, folder: Path) -> Path:
    """register_<year>.csv: the same units and attributes every year, above scale by above_in."""
    table, _ = register(np.random.default_rng(zone.seed + 1), zone.firms, zone.trades, year)
    flag = pa.array(np.where(above_in(zone, year), "是", "否"))
    table = table.set_column(table.column_names.index("above_scale"), "above_scale", flag)
    path = folder / f"register_{year}.csv"
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(table, path, [contract.header("register", f) for f in table.column_names], "utf-8-sig")
    return path


def month_tables(zone: Zone, year: int, month: int) -> dict[str, pa.Table]:
    """The four forms of one month for the units above scale that year (form code -> table)."""
    rng = np.random.default_rng([zone.seed, year, month])
    above, nf = above_in(zone, year), len(zone.firms)
    size = zone.size * YEARLY_GROWTH ** (year - FIRST[0])
    firm_rows, trade_rows = np.flatnonzero(above[:nf]), np.flatnonzero(above[nf:])
    firm_ids, trade_ids = pc.take(zone.firms, firm_rows), pc.take(zone.trades, trade_rows)
    trade_rows = trade_rows + nf

    def noise(m: int) -> np.ndarray:       # each unit's 1 ± NOISE of a month, whatever else is drawn
        return np.random.default_rng([zone.seed, year, m, 7]).uniform(1 - NOISE, 1 + NOISE, len(zone.size))

    this, last = noise(month), noise(month - 1)

    def form(ids: pa.Array, rows: np.ndarray, spec: dict) -> pa.Table:
        return flows(rng, ids, spec, year, month, size[rows], zone.growth[rows], NOISE, (this[rows], last[rows]))

    proj = projects(np.random.default_rng(zone.seed + 2), zone.n_projects, zone.firms, year, month)
    ytd = pc.multiply(pc.cast(proj["completed_investment_ytd"], pa.float64()), month / 6)   # grows by month
    proj = proj.set_column(proj.column_names.index("completed_investment_ytd"), "completed_investment_ytd",
                           money(ytd.to_numpy(), 2))
    return {"B204-1": form(firm_ids, firm_rows, B204), "B203": form(firm_ids, firm_rows, B203),
            "E204-1": form(trade_ids, trade_rows, E204), "206-1": proj}


# form code -> (contract form, header unit or None for the English headers, encoding, line end)
SHAPES = {"B204-1": ("b204_1", "千元", "gb18030", "\r\n"), "B203": ("b203", "千元", "gb18030", "\r\n"),
          "E204-1": ("e204_1", None, "utf-8", "\n"), "206-1": ("f206_1", "万元", "xlsx", None)}


def write_month(zone: Zone, year: int, month: int, folder: Path) -> dict[str, dict]:
    """The month's files in the shapes ingest.py writes; {file name: {form, rows, path, encoding}}."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for code, table in month_tables(zone, year, month).items():
        form, unit, encoding, newline = SHAPES[code]
        headers = [contract.header(form, f, unit) for f in table.column_names] if unit else table.column_names
        path = folder / f"{code}_{year}{month:02d}.{'xlsx' if encoding == 'xlsx' else 'csv'}"
        if encoding == "xlsx":
            write_xlsx(table, path, headers, year, month)
        else:
            write_csv(table, path, headers, encoding, newline)
        files[path.name] = {"form": code, "rows": table.num_rows, "path": path, "encoding": encoding}
    return files


# ---------------------------------------------------------------- the measured child

def _timed(module, name: str, spent: dict[str, float]) -> None:
    """Wrap module.name so its seconds add up in spent[name] (instrumentation only, behaviour unchanged)."""
    inner = getattr(module, name)

    key = "finish" if name in ("finish", "refresh") else name

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[key] = spent.get(key, 0.0) + time.perf_counter() - started

    setattr(module, name, wrapper)


def run_month(db: str, folder: str, today: str, queue) -> None:
    """Child: ingest_paths of one folder into the (growing) warehouse, with where its time went."""
    import importlib

    import warehouse.batch
    import warehouse.refresh

    # what is left of the build once the files are in (Rebuild.finish; older versions: the whole refresh)
    spent: dict[str, float] = {}
    finish = ((warehouse.refresh.Rebuild, "finish") if hasattr(warehouse.refresh, "Rebuild") else
              (warehouse.batch if hasattr(warehouse.batch, "refresh") else importlib.import_module("warehouse.materialize"),
               "refresh"))
    for module, name in (finish, (warehouse.refresh, "record_supersession")):
        _timed(module, name, spent)
    done: list[float] = []
    cpu, started = _cpu(), time.perf_counter()
    batch = warehouse.batch.ingest_paths(Path(db), [Path(folder)], today=dt.date.fromisoformat(today),
                                         on_file=lambda _: done.append(time.perf_counter() - started))
    wall, cpu = time.perf_counter() - started, _cpu() - cpu
    wal = Path(db + ".wal")
    queue.put({"wall": wall, "cpu": cpu, "loads": max(done, default=0.0), "build": batch.build_seconds,
               "kind": batch.refreshed.kind, "spent": spent,
               "periods": sum(len(p) for p in batch.refreshed.periods.values()),
               "rows": sum(r.rows_loaded for r in batch.results), "rejected": batch.rows_rejected,
               "failed": [f"{r.path.name}: {r.message}" for r in batch.results if r.status != "loaded"],
               "peak_kib": _rss_kib()[1], "size": os.path.getsize(db) + (wal.stat().st_size if wal.exists() else 0)})


# ---------------------------------------------------------------- the run

def load_register(zone: Zone, years: list[int], tmp: Path, db: Path, today: dt.date) -> dict:
    """The registers of `years` in one batch (fresh child), on a line of their own."""
    folder = tmp / "inbox" / f"registers_{years[0]}"
    for year in years:
        write_register(zone, year, folder)
    result = in_child(run_month, str(db), str(folder), today.isoformat())
    print(f"    register {'-'.join(str(y) for y in sorted({years[0], years[-1]}))}: {result['rows']:,} rows in "
          f"{result['wall']:.2f} s wall ({result['kind']} build {result['build']:.2f} s), peak RSS "
          f"{mib(result['peak_kib'])}, file {result['size'] / 2**20:,.0f} MiB  (not part of the monthly figures)",
          flush=True)
    shutil.rmtree(folder)
    return result


def run_indicators(db: str, period: str, queue) -> None:
    """Child: the whole indicator catalog for one period (warehouse.indicators.evaluate)."""
    from warehouse.db import session
    from warehouse.indicators import evaluate

    cpu, started = _cpu(), time.perf_counter()
    with session(db) as con:
        rows = evaluate(con, dt.date.fromisoformat(period))
    queue.put({"wall": time.perf_counter() - started, "cpu": _cpu() - cpu, "rows": rows, "peak_kib": _rss_kib()[1]})


HEADER = (f"{'#':>3} {'period':<8}{'ingest':>8}{'CPU':>7}{'loads':>7}{'build':>7}  {'kind':<16}"
          f"{'finish':>7}{'supers':>7}{'other':>7}{'read_csv':>9}{'ratio':>7}{'peak RSS':>10}{'file':>10}")


def month_line(i: int, year: int, month: int, r: dict, b: dict) -> str:
    """One month: ingest wall and CPU, when the last file was in (`loads`), the build (from its
    first table, which may start while files still load, to its end), kind (periods rebuilt), what
    was left of the build once the files were in (`finish`: the tables not built yet, the last
    transaction, the supersession warnings, of which `supers`), the rest (`other`: the start before
    the first load, republish, DuckDB's checkpoint at close)."""
    s = r["spent"]
    other = r["wall"] - r["loads"] - s.get("finish", 0.0)
    kind = f"{r['kind']}({r['periods']})"
    return (f"{i:>3} {year}-{month:02d}{r['wall']:>8.2f}{r['cpu']:>7.1f}{r['loads']:>7.2f}{r['build']:>7.2f}  "
            f"{kind:<16}{s.get('finish', 0):>7.2f}{s.get('record_supersession', 0):>7.2f}{other:>7.2f}"
            f"{b['wall']:>9.2f}{r['wall'] / b['wall']:>7.2f}{mib(r['peak_kib']):>10}{r['size'] / 2**20:>6,.0f} MiB")


def run_months(zone: Zone, months: list[tuple[int, int]], tmp: Path, db: Path, keep: bool,
               yearly_registers: bool, today: dt.date) -> tuple[list[dict], list[dict]]:
    """Each month: write its files, ingest them (child), read_csv them (child); one line each.
    With `yearly_registers`, a year's register loads before its first month (a line of its own)."""
    print("\n" + HEADER)
    rows, registers = [], []
    for i, (year, month) in enumerate(months, start=1):
        if yearly_registers and (i == 1 or months[i - 2][0] != year):
            registers.append(load_register(zone, [year], tmp, db, today))
        folder = tmp / "inbox" / f"{year}-{month:02d}"
        files = write_month(zone, year, month, folder)
        copies = baseline_copies(files, tmp / "copies")
        r = in_child(run_month, str(db), str(folder), today.isoformat())
        b = in_child(run_baseline, str(tmp / "baseline.duckdb"), [str(p) for p in copies])
        (tmp / "baseline.duckdb").unlink()
        shutil.rmtree(tmp / "copies")
        if not keep:
            shutil.rmtree(folder)
        if r["failed"] or r["rejected"]:
            print(f"    not loaded: {r['failed']}; rows rejected {r['rejected']:,}")
        print(month_line(i, year, month, r, b), flush=True)
        rows.append({"period": f"{year}-{month:02d}", "ingest": r, "base": b, "ratio": r["wall"] / b["wall"]})
    return rows, registers


# ---------------------------------------------------------------- summary

def spread(values: list[float]) -> tuple[float, float, float]:
    """(max/min, (max-min)/median, late/early: median of the last fifth over the first fifth)."""
    k = max(1, len(values) // 5)
    return (max(values) / min(values), (max(values) - min(values)) / statistics.median(values),
            statistics.median(values[-k:]) / statistics.median(values[:k]))


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def flatness(rest: list[dict]) -> float:
    """Print how flat months 2..N are; returns (max-min)/median of the ingest wall."""
    print(f"\nflatness, months 2..{len(rest) + 1} (max/min; (max-min)/median; median of the last fifth / "
          "first fifth; slope of a straight-line fit per month of history):")
    measures = {"ingest wall (s)": [r["ingest"]["wall"] for r in rest],
                "ingest CPU (s)": [r["ingest"]["cpu"] for r in rest],
                "build (s)": [r["ingest"]["build"] for r in rest],
                "read_csv wall (s)": [r["base"]["wall"] for r in rest],
                "ratio (x)": [r["ratio"] for r in rest],
                "peak RSS (MiB)": [r["ingest"]["peak_kib"] / 1024 for r in rest]}
    for name, values in measures.items():
        hi_lo, rel, late = spread(values)
        slope = np.polyfit(np.arange(len(values)), values, 1)[0] if len(values) > 1 else 0.0
        print(f"  {name:<20} {min(values):>8.2f} .. {max(values):<8.2f} max/min {hi_lo:5.2f}  "
              f"(max-min)/median {rel:6.1%}  last/first fifth {late:5.2f}  slope {slope:+.3f}/month")
    return spread(measures["ingest wall (s)"])[1]


def summary(rows: list[dict]) -> None:
    rest, last = rows[1:] or rows, rows[-1]
    ratios = [r["ratio"] for r in rest]
    peak_gib = max(r["ingest"]["peak_kib"] for r in rows) / 2**20
    print(f"\nsummary over {len(rows)} months ({rows[0]['period']}..{last['period']}); "
          f"months 2..{len(rows)} unless said")
    print(f"  median ratio ingest / read_csv, months 2..{len(rows)}: {statistics.median(ratios):.2f} x "
          f"(median ingest {statistics.median(r['ingest']['wall'] for r in rest):.2f} s, "
          f"read_csv {statistics.median(r['base']['wall'] for r in rest):.2f} s)")
    print(f"  last month ({last['period']}, {len(rows) - 1} months loaded before it): ingest "
          f"{last['ingest']['wall']:.2f} s, read_csv {last['base']['wall']:.2f} s, ratio {last['ratio']:.2f} x "
          f"(median of the last 3 months' ratios {statistics.median(r['ratio'] for r in rows[-3:]):.2f} x)")
    print(f"  peak RSS, max over the months: {peak_gib * 1024:,.0f} MiB")
    growth = (last["ingest"]["size"] - rows[0]["ingest"]["size"]) / max(1, len(rows) - 1) / 2**20
    print(f"  warehouse file: {rows[0]['ingest']['size'] / 2**20:,.0f} MiB after month 1, "
          f"{last['ingest']['size'] / 2**20:,.0f} MiB after month {len(rows)}: {growth:,.1f} MiB/month")
    kinds = sorted({r["ingest"]["kind"] for r in rows})
    print(f"  build kinds of the monthly loads: {', '.join(kinds)}")
    flat = flatness(rest)
    targets(rows, last, peak_gib, flat)


def layer_sizes(db: Path, workdir: Path) -> dict[str, float]:
    """MiB each layer (raw, staging, core) takes: its tables copied with their own DDL (column
    compression included) into a fresh file, checkpointed, used blocks counted. (The sizes that
    pragma_storage_info lists leave out a segment's overflow blocks: they undercount.)"""
    import duckdb

    out = {}
    for schema in ("raw", "staging", "core"):
        path = workdir / f"layer-{schema}.duckdb"
        path.unlink(missing_ok=True)
        con = duckdb.connect(str(path))
        try:
            con.execute("attach ? as src (read_only)", [str(db)])
            con.execute(f"create schema {schema}")
            for table, ddl in con.execute("select table_name, sql from duckdb_tables() where database_name = 'src' "
                                          "and schema_name = ? and not temporary", [schema]).fetchall():
                con.execute(ddl)
                con.execute(f"insert into {schema}.{table} select * from src.{schema}.{table}")
            con.execute("detach src")
            con.execute("checkpoint")
            used, block = con.execute("select used_blocks, block_size from pragma_database_size()").fetchone()
            out[schema] = used * block / 2**20
        finally:
            con.close()
            path.unlink(missing_ok=True)
    return out


def storage(db: Path, workdir: Path, months: int, registers: int) -> None:
    sizes = layer_sizes(db, workdir)
    print(f"\nstorage by layer after {months} months and {registers} register(s) (each layer copied into a fresh "
          "file with its own DDL):")
    for schema, mib_ in sizes.items():
        print(f"  {schema:<8} {mib_:8.1f} MiB  {mib_ / months:6.1f} MiB/month (registers included)")
    raw = sizes["raw"] / months
    print(f"  target of issue #15: raw costs at most {TARGET_RAW_MIB} MiB per month: {raw:.1f} MiB  "
          f"{verdict(raw <= TARGET_RAW_MIB)}")


def targets(rows: list[dict], last: dict, peak_gib: float, flat: float) -> None:
    history = f"{len(rows) - 1} months loaded" + ("" if len(rows) == 25 else " (the target is for 24)")
    print("\ntargets of issue #15 (Incremental build):")
    print(f"  one more month with {history} within {TARGET_RATIO:.0f}x of read_csv: "
          f"{last['ratio']:.2f} x  {verdict(last['ratio'] <= TARGET_RATIO)}")
    print(f"  peak RSS under {TARGET_RSS_GIB} GiB: {peak_gib:.2f} GiB  {verdict(peak_gib < TARGET_RSS_GIB)}")
    print(f"  flat to within {TARGET_FLAT:.0%} from month 2 to month {len(rows)} ((max-min)/median of the ingest "
          f"wall): {flat:.1%}  {verdict(flat <= TARGET_FLAT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=200_000, help="industrial enterprises (default 200000)")
    parser.add_argument("--months", type=int, default=25, help="reporting months from 2023-02 (default 25)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    parser.add_argument("--seed", type=int, default=20230228)
    parser.add_argument("--registers", choices=["yearly", "first"], default="yearly",
                        help="each year's register before its first month (default), or all before month 1")
    parser.add_argument("--indicators", action="store_true",
                        help="then evaluate the indicator catalog for the last month (seconds, peak RSS)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="zonestat-bench-months-"))
    os.environ["TMPDIR"] = str(tmp)      # the reader's transcoding copies go here, and go with it
    try:
        import duckdb
        print(f"# zonestat months benchmark  {dt.datetime.now():%Y-%m-%d %H:%M}  {platform.node()}  "
              f"cores={os.cpu_count()}  python {platform.python_version()}  duckdb {duckdb.__version__}  "
              f"load avg {os.getloadavg()[0]:.1f}")
        months = reporting_months(args.months)
        zone = make_zone(args.enterprises, args.seed)
        print(f"{args.enterprises:,} enterprises, {len(zone.trades):,} trade units, {zone.n_projects:,} projects; "
              f"{len(months)} months {months[0][0]}-{months[0][1]:02d}..{months[-1][0]}-{months[-1][1]:02d}")
        db = tmp / "warehouse.duckdb"
        last = dt.date(*months[-1], 1)
        today = (last + dt.timedelta(days=40)).replace(day=3)      # the last month has ended
        total = time.perf_counter()
        if args.registers == "first":
            load_register(zone, sorted({y for y, _ in months}), tmp, db, today)
        rows, registers = run_months(zone, months, tmp, db, args.keep, args.registers == "yearly", today)
        total = time.perf_counter() - total
        summary(rows)
        months_wall = sum(r["ingest"]["wall"] for r in rows)
        reg_walls = [r["wall"] for r in registers]
        peak = max([r["ingest"]["peak_kib"] for r in rows] + [r["peak_kib"] for r in registers])
        print(f"\nloading everything: {(months_wall + sum(reg_walls)) / 60:.1f} min of ingest "
              f"({months_wall / 60:.1f} min for the months, {sum(reg_walls):.0f} s for {len(reg_walls)} register "
              f"load(s): {', '.join(f'{w:.1f} s' for w in reg_walls)}); {total / 60:.1f} min with generating "
              f"the files and the read_csv baselines; peak RSS of any load {mib(peak)}; "
              f"file {rows[-1]['ingest']['size'] / 2**30:.2f} GiB")
        storage(db, tmp, len(rows), len(registers) + (args.registers == "first"))
        if args.indicators:
            ind = in_child(run_indicators, str(db), last.isoformat())
            print(f"indicator catalog for {last:%Y-%m} ({ind['rows']:,} rows): {ind['wall']:.2f} s wall, "
                  f"{ind['cpu']:.2f} s CPU, peak RSS {mib(ind['peak_kib'])}")
        print(f"\nload average at the end {os.getloadavg()[0]:.1f} (2 cores: above 2 means other work shared the "
              "machine; compare CPU seconds then)")
        if args.keep:
            print(f"kept: {tmp}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
