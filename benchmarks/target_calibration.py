"""Is P(meet target) calibrated? The NBS series at every June cutoff, against what happened.

For each series and past year: fit through June (the default forecast, 1,000 sample paths), then
for a range of thresholds the predicted probability that July-December clears the threshold, and
whether it did. The H2 figure is December's value for a year-to-date series (the full-year figure
a target is set on) and the July-December mean otherwise. Thresholds: for level series, growth of
-5% to +15% over the same figure last year; for percentages (growth rates, PMI), the January-June
mean -3 to +3 points. The naive predictor is climatology: the share of earlier years (of the same
series) in which the event of that threshold happened.

Prints the Brier scores and a reliability table in Markdown; `--write-docs` puts them into
docs/forecasting.md between the `target-calibration` markers.

Run: .venv/bin/python benchmarks/target_calibration.py [--jobs 2] [--write-docs]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from forecast_accuracy import DATA_DIR, june_split  # noqa: E402

GROWTHS = (-0.05, 0.0, 0.03, 0.06, 0.09, 0.12, 0.15)
POINTS = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)
PERCENT_SERIES = ("YOY", "PMI")  # id fragments of series measured in percent
N_PATHS = 1000
DOC = ROOT / "docs" / "forecasting.md"
MARKERS = ("<!-- target-calibration:start -->", "<!-- target-calibration:end -->")


def is_percent(sid: str) -> bool:
    return any(tag in sid for tag in PERCENT_SERIES)


def is_ytd(sid: str) -> bool:
    return "YTD" in sid


def h2_figure(sid: str, values: np.ndarray) -> np.ndarray:
    """December's value (YTD series) or the July-December mean, along the last axis."""
    return values[..., -1] if is_ytd(sid) else values.mean(axis=-1)


def thresholds(sid: str, history: pd.DataFrame, year: int) -> list[tuple[str, float]] | None:
    """(label, threshold) pairs for this series and year, or None without last year's H2 figure."""
    if is_percent(sid):
        h1 = history[(history.period.dt.year == year) & (history.period.dt.month <= 6)]["value"]
        return None if h1.empty else [(f"{d:+.0f} pt", float(h1.mean()) + d) for d in POINTS]
    last = history[(history.period.dt.year == year - 1) & (history.period.dt.month >= 7)].sort_values("period")
    if len(last) < 6:
        return None
    base = float(h2_figure(sid, last["value"].to_numpy()))
    return [(f"{g:+.0%}", base * (1 + g)) for g in GROWTHS]


def one(args) -> tuple[str, np.ndarray | None, str | None]:
    """Sample paths of July-December for one (series, year), in the input's terms."""
    key, train = args
    import warnings

    import statsmodels.tools.sm_exceptions  # noqa: F401 - resets warning filters on import

    from models.batch import ForecastConfig, forecast_series
    from models.prepare import SeriesError

    warnings.simplefilter("ignore")
    try:
        sf = forecast_series(key, train["period"], train["value"],
                             ForecastConfig(horizon=6, backtest="june", n_paths=N_PATHS))
    except SeriesError as exc:
        return key, None, exc.problem
    return key, sf.paths, sf.model


def events(nbs: pd.DataFrame, jobs: int) -> pd.DataFrame:
    """One row per (series, year, threshold): predicted probability and outcome."""
    train, test = june_split(nbs)
    work = [(k, g) for k, g in train.groupby("series_id", sort=True)]
    with ProcessPoolExecutor(jobs) as pool:
        paths = {k: p for k, p, _ in pool.map(one, work, chunksize=4)}
    rows = []
    for key, actual in test.groupby("series_id", sort=True):
        sid, year = key.split("@")[0], int(key.split("@")[1])
        history = nbs[nbs.series_id == sid]
        marks = thresholds(sid, history, year)
        if marks is None or paths.get(key) is None or paths[key].shape[1] != 6:
            continue
        sim = h2_figure(sid, paths[key])
        real = float(h2_figure(sid, actual.sort_values("period")["value"].to_numpy()))
        for label, t in marks:
            rows.append({"series_id": sid, "year": year, "threshold": label, "p": float(np.mean(sim >= t)),
                         "event": float(real >= t)})
    out = pd.DataFrame(rows).sort_values(["series_id", "threshold", "year"])
    # climatology: share of earlier years of the same series and threshold in which it happened
    past = out.groupby(["series_id", "threshold"])["event"]
    out["p_naive"] = (past.cumsum() - out["event"]) / past.cumcount().replace(0, np.nan)
    return out.dropna(subset=["p_naive"])


def brier(p: pd.Series, e: pd.Series) -> float:
    return float(np.mean((p - e) ** 2))


def report(ev: pd.DataFrame, seconds: float) -> str:
    lines = [f"{len(ev)} predictions: {ev.series_id.nunique()} series, {ev.groupby(['series_id', 'year']).ngroups} "
             f"series-years, {len(GROWTHS)} thresholds each; {seconds:.0f} s.", "",
             "| series | predictions | Brier zonestat | Brier naive (climatology) | skill |",
             "|---|---|---|---|---|"]
    for sid, g in list(ev.groupby("series_id")) + [("all", ev)]:
        b, bn = brier(g.p, g.event), brier(g.p_naive, g.event)
        lines.append(f"| {sid} | {len(g)} | {b:.3f} | {bn:.3f} | {1 - b / bn:+.2f} |")
    lines += ["", "| predicted P | predictions | mean predicted | happened (zonestat) | naive: predictions | "
                  "naive: happened |", "|---|---|---|---|---|---|"]
    bins = np.linspace(0, 1, 6)
    for lo, hi in zip(bins[:-1], bins[1:]):
        inbin = (ev.p >= lo) & ((ev.p < hi) | (hi == 1))
        nb = (ev.p_naive >= lo) & ((ev.p_naive < hi) | (hi == 1))
        seen = f"{ev.event[inbin].mean():.2f}" if inbin.any() else "-"
        seen_n = f"{ev.event[nb].mean():.2f}" if nb.any() else "-"
        mean_p = f"{ev.p[inbin].mean():.2f}" if inbin.any() else "-"
        lines.append(f"| {lo:.1f}-{hi:.1f} | {int(inbin.sum())} | {mean_p} | {seen} | {int(nb.sum())} | {seen_n} |")
    return "\n".join(lines)


def write_docs(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    start, end = doc.index(MARKERS[0]) + len(MARKERS[0]), doc.index(MARKERS[1])
    DOC.write_text(doc[:start] + "\n" + text + "\n" + doc[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=DATA_DIR)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--write-docs", action="store_true", help="put the tables into docs/forecasting.md")
    args = ap.parse_args(argv)
    nbs = pd.read_parquet(args.data_dir / "china_nbs_monthly.parquet")
    nbs["period"] = pd.to_datetime(nbs["period"])
    t0 = time.perf_counter()
    text = report(events(nbs, args.jobs), time.perf_counter() - t0)
    print(text)
    if args.write_docs:
        write_docs(text)


if __name__ == "__main__":
    main()
