"""Benchmark: the validation gate (GX suites + SQL checks) against the same checks as plain DuckDB SQL.

Generates --rows filing rows for 2024-06 straight into the staging tables of a warehouse file
(45% B204-1, 30% B203, 15% E204-1, 10% 206-1; each unit also has 2024-03..05 and 2023-06 rows for
the cross-month checks, and ~0.1% of the rows carry a defect per check), then measures, each in a
fresh child process on a fresh copy of the file:
  (a) gx:  expectations.gate.run_gate (period batches pulled into pandas, the GX suites,
           the SQL checks, results, failures and quarantine written, the run's offline page and
           the index rendered; no core rebuild);
  (b) sql: the same gate with every suite expectation translated into a DuckDB predicate instead
           of GX (same batches, same SQL checks, same writes).
Prints the median wall time of each, their ratio and peak RSS, and checks that both found exactly
the same failures per check.

    .venv/bin/python benchmarks/validate.py [--rows 1000000] [--repeat 3] [--docs]

End to end on an existing warehouse (e.g. the 25 months `benchmarks/months.py --keep` leaves):
  .venv/bin/python benchmarks/validate.py --warehouse PATH --period 2025-04 [--repeat 3]
each run a fresh process on a fresh copy of the file, timed from process start to exit:
  (a) `zonestat validate --period P`, the command a user runs (imports, GX context, refresh check,
      suites, SQL checks, results, quarantine, core rebuild where held rows changed, pages);
  (b) a process running the same checks as plain DuckDB SQL (imports, suites as predicates, the SQL
      checks, results and quarantine written, pages).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import queue as queue_module
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

PERIOD = dt.date(2024, 6, 1)
# form -> (share of --rows, first unit number as a share of --rows): B203 is filed by the same
# industrial units as B204-1; trade units and projects follow them
FORMS = {"b204_1": (0.40, 0.0), "b203": (0.40, 0.0), "e204_1": (0.12, 0.40), "f206_1": (0.08, 0.52)}
PERIODS = ["2023-06-01", "2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01"]
MACROS = """
create or replace temp macro bench_code(x) as (
    with t as (select '91330784' || list_aggregate([substr('0123456789ABCDEFGHJKLMNPQRTUWXY',
        cast(((x * 7919 + 12345) // pow(31, k)::bigint) % 31 + 1 as bigint), 1) for k in range(9)],
        'string_agg', '') as b)
    select b || substr('0123456789ABCDEFGHJKLMNPQRTUWXY', cast((31 - list_sum([
        (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(b, i, 1)) - 1)
        * [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28][i] for i in range(1, 18)]) % 31) % 31 + 1
        as bigint), 1) from t);
create or replace temp macro bad(u, p, k) as p = date '2024-06-01' and u % k = 1;
"""
# per form, the staging columns of one generated row: u unit, p period, m month, lv monthly level,
# ytd year to date; bad(u, p, k): the unit carries defect k in 2024-06 (about 1 in k units)
ROWS = {
    "b204_1": """bench_code(u), p, case when bad(u, p, 1031) then -lv else lv end, ytd, ytd * 0.9, lv * 0.95,
        case when bad(u, p, 1033) then ytd * 0.5 else ytd * 0.95 end, lv * 0.1,
        case when bad(u, p, 997) then ytd * 2 else ytd * 0.1 end""",
    "b203": """bench_code(u), p, ytd, ytd * 0.9, ytd * 0.8, case when bad(u, p, 997) then ytd * 2 else ytd * 0.03 end,
        ytd * 0.027, ytd * 0.05, ytd * 0.01, 100""",
    "e204_1": """bench_code(u), p, lv, ytd, ytd * 0.9, lv * 0.5,
        case when bad(u, p, 997) then ytd * 2 else ytd * 0.5 end, ytd * 0.45""",
    "f206_1": """'P' || lpad(u::varchar, 9, '0'), p, '项目' || u, bench_code(u), '3311', lv * 20,
        case when bad(u, p, 997) then lv * 40 else ytd end, date '2023-01-01', true""",
}
FILL = """
with base as (
    select u, t.p::date as p, month(t.p::date) as m, list_position($periods, t.p) as n,
           500 + (hash(u) % 50000)::double as lv0,
           bad(u, t.p::date, 1009) as down, bad(u, t.p::date, 1013) as slip
    from range($start, $stop) r(u), unnest($periods) t(p)
),
levels as (
    select *, case when slip then lv0 * 1000 else lv0 end as lv,
           case when down then lv0 * (m - 1) - 100 when slip then lv0 * 1000 * m else lv0 * m end as ytd
    from base
)
select {values}, $load_id, 'bench', (n - 1) * ($stop - $start) + u - $start + 2 from levels
"""


def generate(db: Path, rows: int) -> None:
    """Staging rows, register, loads and a build mark, written straight into a warehouse file."""
    from warehouse.build import build
    from warehouse.db import init_schema, session
    from warehouse.spec import load_contract

    contract = load_contract()
    with session(db) as con:
        init_schema(con)
        build(con)  # empty core tables with their real columns (staging: by init_schema)
        con.execute(MACROS)
        for load_id, (form, (share, first)) in enumerate(FORMS.items(), start=1):
            start = int(rows * first)
            con.execute(f"insert into staging.{form}_typed " + FILL.format(values=ROWS[form]),
                        {"start": start, "stop": start + int(rows * share), "periods": PERIODS, "load_id": load_id})
            spec = contract.forms[form]
            money = next(f for f in spec.money_fields if f.endswith("_ytd"))
            con.execute("insert into audit.loads (load_id, source_file, file_name, sha256, form, status, started_at) "
                        "values (?, 'bench', 'bench', '', ?, 'loaded', now()::timestamp)", [load_id, spec.code])
            con.execute("insert into audit.load_columns values (?, 0, ?, ?, ?, 1.0)", [load_id, money, money, spec.unit])
        # the register: every filer but 1 in 101 (not registered), plus 0.4% who never filed
        con.execute("""insert into staging.register_typed (enterprise_id, enterprise_name, year, unit_type, above_scale,
                           _load_id, _source_row)
                       select bench_code(u), '企业' || u, 2024, case when u < $industry or u >= $extra
                              then 'industry' else 'trade' end, true, 9, u
                       from (select range as u from range($trade_end) union all select range from range($extra, $extra_end))
                       where u % 101 <> 50""",
                    {"industry": int(rows * 0.40), "trade_end": int(rows * 0.52), "extra": rows * 10,
                     "extra_end": rows * 10 + int(rows * 0.004)})
        con.execute("insert into meta.builds (built_at, max_load_id, seconds) select now()::timestamp, 100, 0")


# ---------------------------------------------------------------- the suites as plain SQL

def predicate(kind: str, kw: dict, params: dict, n: int) -> str | None:
    """A DuckDB predicate true for the rows an expectation accepts (None: not a row check).
    Column names come from the suite files; values are bound as $v<n>_<name>."""
    col, a, b = kw.get("column"), kw.get("column_A"), kw.get("column_B")

    def bind(name: str, value) -> str:
        value = params.get(value["$PARAMETER"]) if isinstance(value, dict) else value
        params[f"v{n}_{name}"] = value
        return f"$v{n}_{name}"

    if kind == "expect_column_values_to_not_be_null":
        return f"{col} is not null"
    if kind == "expect_column_values_to_be_in_set":
        return f"{col} is null or list_contains({bind('set', kw['value_set'])}, {col})"
    if kind == "expect_column_values_to_match_regex":
        return f"{col} is null or regexp_matches({col}, {bind('re', kw['regex'])})"
    if kind == "expect_column_values_to_be_valid_credit_code":
        return f"{col} is null or zs_credit_code_ok({col})"
    if kind == "expect_column_values_to_be_between":
        low = f"{col} >= {bind('min', kw['min_value'])}" if kw.get("min_value") is not None else "true"
        high = f"{col} <= {bind('max', kw['max_value'])}" if kw.get("max_value") is not None else "true"
        return f"{col} is null or ({low} and {high})"
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        return f"{a} is null or {b} is null or {a} >= {b}"
    if kind == "expect_compound_columns_to_be_unique":
        cols = ", ".join(kw["column_list"])
        return f"count(*) over (partition by {cols}) = 1"
    return None  # table / type checks: answered from the table's description below


def sql_suite(con, suite: dict, unit_id: str, params: dict, period: dt.date) -> list:
    """The suite's row checks in one scan of the batch table; type and column checks from its description."""
    from expectations.results import CheckResult

    name, version = suite["name"], str(suite["meta"]["version"])
    types = dict(con.execute("select column_name, column_type from (describe _bench_batch)").fetchall())
    values = dict(params)
    preds = {e["meta"]["check"]: predicate(e["type"], e["kwargs"], values, i) for i, e in enumerate(suite["expectations"])}
    cases = ", ".join(f"case when not coalesce({p}, false) then '{c}' end" for c, p in preds.items() if p)
    failing = con.execute(f"select check_name, _load_id, _source_row, {unit_id} from (select _load_id, _source_row, "
                          f"{unit_id}, unnest(list_filter([{cases}], lambda x: x is not null)) as check_name "
                          f"from _bench_batch)", {k: v for k, v in values.items() if k.startswith("v")}).fetchall()
    by_check: dict[str, list] = {}
    for check, load_id, row, unit in failing:
        by_check.setdefault(check, []).append((load_id, row, unit, period, None, None, None, None))
    rows = con.execute("select count(*) from _bench_batch").fetchone()[0]
    out = []
    for e in suite["expectations"]:
        check, kw = e["meta"]["check"], e["kwargs"]
        failures = by_check.get(check, [])
        if preds[check] is None:  # from the description: DOUBLE is float64, DATE is datetime64
            wanted = "DOUBLE" if "float64" in kw.get("type_list", []) else "DATE"
            ok = set(kw["column_set"]) <= set(types) if "column_set" in kw else types.get(kw["column"]) == wanted
            failures = [] if ok else [(None, None, None, period, None, None, None, None)] * rows
        out.append(CheckResult(name, version, check, e["type"], e["meta"]["group"], kw.get("column"), e["severity"],
                               not failures, rows, len(failures), failures=failures))
    return out


# ---------------------------------------------------------------- measured runs (child processes)

def _peak_kib() -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])


def suites_by_path(path: str, con, suites: dict, config, run_id: int, mark, period: dt.date = PERIOD) -> tuple[list, dict]:
    """The suites' answers for the period: GX on pandas batches, or the same checks as SQL."""
    from expectations.gate import load_batches, run_suites
    from expectations.suites import FORMS, runtime_parameters

    if path == "gx":
        batches = load_batches(con, period)
        mark("pull batches into pandas")
        results = run_suites(batches, suites, config, period, dt.date.today(), run_id)
        mark("GX suites")
        return results, {name: len(batch) for name, batch in batches.items()}
    results, elements = [], {}
    params = runtime_parameters(config, dt.date.today())
    for name, form in FORMS.items():
        con.execute(f"create or replace temp table _bench_batch as {form.batch_sql}", {"period": period})
        results += sql_suite(con, suites[name], form.unit_id, params, period)
        elements[name] = results[-1].element_count
    mark("suites as SQL predicates")
    return results, elements


def run_path(path: str, db: str, pages_dir: str, queue, period: dt.date = PERIOD) -> None:
    """Child: the gate on a fresh copy of the warehouse, with GX (path "gx") or plain SQL ("sql")."""
    from expectations import checks, pages, store
    from expectations.gate import MEMORY_LIMIT, GateResult, memory_limit, record_run
    from expectations.suites import load_config, load_suites
    from warehouse.db import init_schema, session

    if path == "gx":
        from expectations import gx_runner
        gx_runner.open_context()  # the GX import (seconds) is not part of the measure
    marks: dict[str, float] = {}
    started = last = time.perf_counter()

    def mark(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        marks[name], last = now - last, now

    config = load_config()
    suites = load_suites(config)
    with session(db) as con, memory_limit(con, MEMORY_LIMIT):
        init_schema(con)
        run_id = store.start_run(con, period, config.version)
        results, elements = suites_by_path(path, con, suites, config, run_id, mark, period)
        checks.prepare(con, period, config)
        results += checks.run_sql_checks(con, period, config, elements)
        mark("SQL checks (cross-month, register, completeness)")
        gate = GateResult(run_id=run_id, period=period, status="", results=results, rows_checked=sum(elements.values()))
        record_run(con, gate, period)
        mark("write results, failures, quarantine")
        page, _ = pages.write_pages(con, run_id, Path(pages_dir))
        assert page is not None, "the run's page was not written"
        mark("offline page + index")
    counts = {f"{r.suite}.{r.check}": r.unexpected_count for r in results}
    queue.put({"wall": time.perf_counter() - started, "marks": marks, "peak_kib": _peak_kib(), "counts": counts,
               "rows": gate.rows_checked, "quarantined": gate.quarantined})


def in_child(target, *args) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    while True:
        try:
            result = queue.get(timeout=1)
            break
        except queue_module.Empty:
            if not proc.is_alive():
                raise RuntimeError(f"child {target.__name__} died with exit code {proc.exitcode}")
    proc.join()
    if proc.exitcode:
        raise RuntimeError(f"child {target.__name__} exited with {proc.exitcode}")
    return result


# ---------------------------------------------------------------- end to end on a warehouse

def sql_child(db: str, period: str, pages_dir: str) -> int:
    """`--sql-child`: the plain-SQL path in this process (imports included in the parent's timing)."""
    class Out:
        def put(self, value):
            print(json.dumps({k: v for k, v in value.items() if k != "counts"} | {"counts": value["counts"]}))
    run_path("sql", db, pages_dir, Out(), dt.date.fromisoformat(period + "-01"))
    return 0


def timed_process(argv: list[str], env: dict) -> dict:
    """Run argv to its end: wall seconds from start to exit, its peak RSS (wait4), exit code, output."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "peak_kib": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime,
            "code": proc.returncode, "output": out}


def end_to_end(warehouse: Path, period: str, repeat: int, tmp: Path) -> None:
    """(a) `zonestat validate` and (b) the plain-SQL process, alternating, each on a fresh copy."""
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "OMP_NUM_THREADS": "1"}
    cli = str(Path(sys.executable).with_name("zonestat"))
    with duckdb_connect(warehouse) as con:
        months = con.execute("select count(distinct period) from core.industrial_output").fetchone()[0]
        rows = con.execute("select count(*) from core.industrial_output").fetchone()[0]
    print(f"# zonestat validation benchmark, end to end  {dt.date.today()}  cores={os.cpu_count()}  "
          f"load avg {os.getloadavg()[0]:.1f}")
    print(f"warehouse {warehouse} ({warehouse.stat().st_size / 2**20:,.0f} MiB, {months} months, "
          f"{rows:,} core.industrial_output rows); validating {period}")
    runs: dict[str, list[dict]] = {"zonestat validate": [], "plain SQL": []}
    for rep in range(repeat):
        for name in runs:
            home = tmp / f"home_{rep}_{len(runs[name])}_{name.split()[0]}"
            home.mkdir()
            db = home / "warehouse.duckdb"
            shutil.copy(warehouse, db)
            if name == "zonestat validate":
                r = timed_process([cli, "validate", "--period", period], {**env, "ZONESTAT_HOME": str(home)})
                ok = r["code"] in (0, 1)
            else:
                r = timed_process([sys.executable, __file__, "--sql-child", str(db), period, str(home / "pages")], env)
                ok = r["code"] == 0
            if not ok:
                raise RuntimeError(f"{name} exited {r['code']}:\n{r['output'][-3000:]}")
            runs[name].append(r)
            shutil.rmtree(home)
            print(f"run {rep + 1} {name:>17}: {r['wall']:6.2f} s wall, {r['cpu']:6.2f} s CPU, "
                  f"peak RSS {r['peak_kib'] / 1024:,.0f} MiB (exit {r['code']})", flush=True)
    gx, sql = (statistics.median(r["wall"] for r in runs[n]) for n in runs)
    peak = max(r["peak_kib"] for r in runs["zonestat validate"]) / 1024
    print(f"\n{'measure (median of ' + str(repeat) + ')':<46}{'value':>12}  target")
    print(f"{'zonestat validate, process start to exit':<46}{gx:>10.2f} s")
    print(f"{'same checks as plain DuckDB SQL, the same':<46}{sql:>10.2f} s")
    print(f"{'ratio':<46}{gx / sql:>10.2f} x  <= 3x  {'met' if gx <= 3 * sql else 'MISSED'}")
    print(f"{'zonestat validate peak RSS (max of runs)':<46}{peak:>8,.0f} MiB  < 2 GiB  {'met' if peak < 2048 else 'MISSED'}")
    print(f"{'plain SQL peak RSS (max of runs)':<46}{max(r['peak_kib'] for r in runs['plain SQL']) / 1024:>8,.0f} MiB")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


def duckdb_connect(path: Path):
    import duckdb
    return duckdb.connect(str(path), read_only=True)


# ---------------------------------------------------------------- report

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="filing rows in the validated month")
    parser.add_argument("--repeat", type=int, default=3, help="measured repetitions of each path (default 3)")
    parser.add_argument("--warehouse", type=Path, help="end to end on this warehouse file (copied for each run)")
    parser.add_argument("--period", help="the month --warehouse validates, e.g. 2025-04")
    parser.add_argument("--sql-child", nargs=3, metavar=("DB", "PERIOD", "PAGES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sql_child:
        return sql_child(*args.sql_child)
    tmp = Path(tempfile.mkdtemp(prefix="zonestat-bench-validate-"))
    if args.warehouse:
        if not args.period:
            parser.error("--warehouse needs --period")
        try:
            end_to_end(args.warehouse.resolve(), args.period, args.repeat, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return 0
    try:
        source = tmp / "source.duckdb"
        t0 = time.perf_counter()
        generate(source, args.rows)
        print(f"# zonestat validation benchmark  {dt.date.today()}  cores={os.cpu_count()}")
        print(f"generated {args.rows:,} filing rows for {PERIOD:%Y-%m} (+4 months of history each) "
              f"in {time.perf_counter() - t0:.1f} s")
        runs: dict[str, list[dict]] = {"gx": [], "sql": []}
        for rep in range(args.repeat):
            for path in ("sql", "gx"):
                db = tmp / f"{path}_{rep}.duckdb"
                shutil.copy(source, db)
                runs[path].append(in_child(run_path, path, str(db), str(tmp / f"pages_{path}_{rep}")))
                db.unlink()
                r = runs[path][-1]
                print(f"run {rep + 1} {path:>3}: {r['wall']:6.2f} s, peak RSS {r['peak_kib'] / 1024:,.0f} MiB, "
                      f"{r['rows']:,} rows, {r['quarantined']:,} quarantined")
        report(runs, args.repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def report(runs: dict[str, list[dict]], repeat: int) -> None:
    gx, sql = (statistics.median(r["wall"] for r in runs[p]) for p in ("gx", "sql"))
    peak = max(r["peak_kib"] for r in runs["gx"]) / 1024
    print(f"\n{'measure (median of ' + str(repeat) + ')':<46}{'value':>12}  target")
    print(f"{'gate with GX suites, wall':<46}{gx:>10.2f} s")
    print(f"{'same checks as plain DuckDB SQL, wall':<46}{sql:>10.2f} s")
    print(f"{'ratio GX / SQL':<46}{gx / sql:>10.2f} x  <= 3x  {'ok' if gx <= 3 * sql else 'MISSED'}")
    print(f"{'GX run peak RSS (max of runs)':<46}{peak:>8,.0f} MiB  < 2 GiB  {'ok' if peak < 2048 else 'MISSED'}")
    print(f"{'SQL run peak RSS (max of runs)':<46}{max(r['peak_kib'] for r in runs['sql']) / 1024:>8,.0f} MiB")
    for path in ("gx", "sql"):
        mid = sorted(runs[path], key=lambda r: r["wall"])[len(runs[path]) // 2]
        print(f"breakdown of the median {path} run: " + "; ".join(f"{k} {v:.2f} s" for k, v in mid["marks"].items()))
    a, b = runs["gx"][0]["counts"], runs["sql"][0]["counts"]
    differ = {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}
    failing = sum(1 for v in a.values() if v)
    print(f"same failures per check in both paths: {'yes' if not differ else 'NO'} ({len(a)} checks, "
          f"{failing} with failures, {sum(a.values()):,} failing rows)")
    for key, (x, y) in differ.items():
        print(f"  {key}: gx {x}, sql {y}")


if __name__ == "__main__":
    sys.exit(main())
