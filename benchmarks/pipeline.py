"""Benchmark: the monthly pipeline's wall time split into stages, and what Prefect adds.

Builds the demo zone once (generated files ingested through 2024-06, untimed), then on a fresh
copy of that warehouse each time, in a fresh child process, --repeat times:
  (a) the stages as plain functions (each Prefect task's .fn, in the pipeline's order): ingest
      of the inbox (the demo files, already loaded: recognised and skipped), readiness, the
      validation gate, indicators, forecast (its steps: prepare, chunks, store), report,
      analysts' copy, artifacts left out (they need a Prefect run);
  (b) `flows.pipeline.monthly_pipeline(period)` as a Prefect flow run with a temporary local
      server, as `zonestat run` starts it (allow_critical: the demo's June has a planted
      critical failure), timed from the call to its return, and separately the import of Prefect.
Prefect's overhead is (b) minus (a); printed with the medians and each run.

    .venv/bin/python benchmarks/pipeline.py [--repeat 3] [--keep]
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

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.ingest import in_child  # noqa: E402

PERIOD = "2024-06"


def _env(home: Path) -> None:
    os.environ.update({"ZONESTAT_HOME": str(home), "PREFECT_HOME": str(home / "prefect"), "DO_NOT_TRACK": "1",
                       "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false",
                       "PREFECT_LOGGING_LEVEL": "WARNING",
                       "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90"})
    os.environ.pop("ZONESTAT_DB", None)
    os.environ.pop("PREFECT_API_URL", None)


def plain_stages(home: str, queue) -> None:
    """Child: every stage's plain function in order, each timed."""
    _env(Path(home))
    times: dict[str, float] = {}

    def timed(name, fn, *args):
        started = time.perf_counter()
        result = fn(*args)
        times[name] = time.perf_counter() - started
        return result

    started = time.perf_counter()
    from flows import forecast, stages
    from zonestat.settings import load_settings
    times["imports"] = time.perf_counter() - started
    inbox = str(load_settings().inbox)
    timed("ingest", stages.ingest_files.fn, [inbox])
    timed("readiness", stages.period_readiness.fn, PERIOD, 0.5)
    timed("validation gate", stages.validation_gate.fn, PERIOD)
    timed("indicators", stages.evaluate_indicators.fn, PERIOD)
    plan = timed("forecast: prepare", forecast.prepare.fn, PERIOD)
    outputs = timed("forecast: chunks", lambda: [forecast.forecast_chunk.fn(plan["series"], ids, plan["steps"],
                                                  f"{plan['folder']}/chunk{n:03d}")
                                                  for n, ids in enumerate(plan["chunks"])])
    timed("forecast: store", forecast.store.fn, PERIOD, plan["meta"], outputs)
    timed("report", stages.build_report.fn, PERIOD)
    timed("analysts' copy", stages.publish_snapshot.fn, PERIOD)
    queue.put({"stages": times, "total": time.perf_counter() - started})


def prefect_run(home: str, queue) -> None:
    """Child: the pipeline as a Prefect flow run (temporary server), as zonestat run starts it."""
    _env(Path(home))
    started = time.perf_counter()
    import prefect  # noqa: F401
    imported = time.perf_counter() - started
    from flows.pipeline import monthly_pipeline
    state = monthly_pipeline(period=PERIOD, allow_critical=True, return_state=True)
    queue.put({"total": time.perf_counter() - started, "prefect_import": imported, "state": state.type.value})


def prepare_demo(home: Path) -> None:
    """The demo zone's files in the inbox, ingested once (so the timed runs skip them)."""
    from zonestat.cli.demo import DEMO_SEED, demo_files, ensure_demo_data

    ensure_demo_data(home / "demo", DEMO_SEED)
    inbox = home / "inbox"
    for f in demo_files(home / "demo", PERIOD):
        target = inbox / f.parent.name / f.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(f)
    from warehouse.batch import ingest_paths
    ingest_paths(home / "warehouse.duckdb", [inbox], exports_dir=home / "exports")


def fresh_copy(base: Path, work: Path) -> Path:
    """The prepared home with its warehouse, and nothing a run wrote."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copy2(base / "warehouse.duckdb", work / "warehouse.duckdb")
    (work / "inbox").symlink_to(base / "inbox")
    (work / "demo").symlink_to(base / "demo")
    return work


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="zonestat-bench-pipe-"))
    try:
        base = tmp / "base"
        base.mkdir()
        _env(base)
        prepare_demo(base)
        print(f"# zonestat pipeline benchmark  {dt.date.today()}  {platform.node()}  cores={os.cpu_count()}  "
              f"python {platform.python_version()}  load avg {os.getloadavg()[0]:.1f}")
        plain, flows = [], []
        for rep in range(args.repeat):
            plain.append(in_child(plain_stages, str(fresh_copy(base, tmp / "run"))))
            flows.append(in_child(prefect_run, str(fresh_copy(base, tmp / "run"))))
            print(f"run {rep + 1}: stages as plain functions {plain[-1]['total']:.1f} s; as a Prefect flow run "
                  f"{flows[-1]['total']:.1f} s ({flows[-1]['state']}); overhead "
                  f"{flows[-1]['total'] - plain[-1]['total']:.1f} s")
        print(f"\n{'stage (median of ' + str(args.repeat) + ')':<34}{'seconds':>10}")
        for name in plain[0]["stages"]:
            print(f"{name:<34}{statistics.median(p['stages'][name] for p in plain):>10.2f}")
        med_plain = statistics.median(p["total"] for p in plain)
        med_flow = statistics.median(f["total"] for f in flows)
        print(f"{'stages together (plain functions)':<34}{med_plain:>10.2f}")
        print(f"{'the same as a Prefect flow run':<34}{med_flow:>10.2f}")
        print(f"{'  of which importing Prefect':<34}{statistics.median(f['prefect_import'] for f in flows):>10.2f}")
        print(f"{'Prefect overhead (flow - plain)':<34}{med_flow - med_plain:>10.2f}   "
              f"({(med_flow - med_plain) / med_flow:.0%} of the flow run)")
        print(f"load average at the end {os.getloadavg()[0]:.1f} (2 cores)")
        if args.keep:
            print(f"kept: {tmp}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
