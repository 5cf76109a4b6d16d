"""Forecast accuracy and speed of the forecast-file logic on real monthly series.

Data: ../shared/data/dev (tourism competition, 366 series; NBS China, 6 series).
- holdout: the last 6 months of every series, automatic model choice vs seasonal naive vs a plain
  default ETS(A,Ad,A); sMAPE, MASE, 80/95% interval coverage, series per second;
- june: every June cutoff of the NBS series (fit through June, forecast July-December);
- --janfeb: the Jan-Feb treatment study (merged calendar vs 12-month calendar with Jan/Feb rebuilt).

Run: .venv/bin/python benchmarks/forecast_accuracy.py [--jobs 2] [--limit N] [--janfeb]
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from models.batch import ForecastConfig  # noqa: E402
from models.metrics import covered, seasonal_scale, smape  # noqa: E402
from models.chunks import forecast_parallel  # noqa: E402

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"
FOUR = ("ets_AAdA", "sarima", "theta", "stl_ets")
NS_SES = ("ets_AAdA", "sarima", "theta", "ets_ANN")  # SES in place of STL (the rest non-seasonal forms)
NS_MR = ("ets_ANN", "arima_auto", "theta", "ets_AAdA")  # flat, ARMA without drift, Theta, damped trend
NS_MR3 = ("ets_ANN", "arima_auto", "theta")  # the default for series without a season
OFF = {"seasonal_test": False}  # the variants measured before the non-seasonal members (all series seasonal)


def ns(test, strength=None, members=None, combiner=None, years="same") -> ForecastConfig:
    """Non-seasonal members for a series found without a season: `test` and `strength` decide
    (models.candidates.is_seasonal), `members` (None: the four in non-seasonal forms), their
    `combiner` (None: median) and history (`years`: "same" = 10 years, None = all)."""
    return ForecastConfig(seasonal_test=test, max_strength=strength, nonseasonal_members=members,
                          nonseasonal_combiner=combiner, nonseasonal_max_years=years)


VARIANTS = {  # the default and the alternatives measured for docs/forecasting.md (--methods)
    "zonestat": ForecastConfig(),
    "zonestat no backtest": ForecastConfig(n_folds=0),
    "before rate members": ForecastConfig(**OFF),  # the default of 2026-12-03 (median of four for every series)
    "before rate members no backtest": ForecastConfig(n_folds=0, **OFF),
    "select (before #16)": ForecastConfig(method="select"),
    "mean of 3 (no STL)": ForecastConfig(members=FOUR[:3], combiner="mean", **OFF),
    "mean of 4": ForecastConfig(members=FOUR, combiner="mean", **OFF),
    "weighted 4": ForecastConfig(members=FOUR, combiner="weighted", **OFF),
    "weighted 3": ForecastConfig(members=FOUR[:3], combiner="weighted", **OFF),
    "median 4 ETS by AICc": ForecastConfig(members=("ets_auto",) + FOUR[1:], combiner="median", **OFF),
    "median 4 3 folds": ForecastConfig(members=FOUR, combiner="median", n_folds=3, **OFF),
    "median 4 4 folds": ForecastConfig(members=FOUR, combiner="median", n_folds=4, **OFF),
    "median 4 uncalibrated": ForecastConfig(members=FOUR, combiner="median", calibrate=False, **OFF),
    "median 4 full history": ForecastConfig(members=FOUR, combiner="median", max_years=None, **OFF),
    "median 4 seasonal test": ForecastConfig(members=FOUR, combiner="median", seasonal_test=True),
    "median 4 15 years": ForecastConfig(members=FOUR, combiner="median", max_years=15, **OFF),
    # issue #16, rate series: other members for a series found without a season (docs/forecasting.md)
    "ns one-sided": ns("positive"),
    "ns one-sided SES": ns("positive", members=NS_SES),
    "ns one-sided MR": ns("positive", members=NS_MR),
    "ns one-sided MR mean": ns("positive", members=NS_MR, combiner="mean"),
    "ns one-sided Fs<.5": ns("positive", 0.5),
    "ns one-sided Fs<.5 MR": ns("positive", 0.5, NS_MR),
    "ns one-sided Fs<.5 MR mean": ns("positive", 0.5, NS_MR, "mean"),
    "ns one-sided Fs<.5 naive": ns("positive", 0.5, ("naive",)),
    "ns one-sided Fs<.5 MR3 mean all": ns("positive", 0.5, NS_MR3, "mean", None),
    "ns Fs<.5": ns("strength", 0.5),
    "ns Fs<.5 MR": ns("strength", 0.5, NS_MR),
    "ns Fs<.5 MR mean": ns("strength", 0.5, NS_MR, "mean"),
    "ns Fs<.5 naive": ns("strength", 0.5, ("naive",)),
    "ns diff Fs<.5 MR": ns("diff", 0.5, NS_MR),
    "ns diff Fs<.5 MR mean": ns("diff", 0.5, NS_MR, "mean"),
    "ns diff Fs<.5 MR3 mean": ns("diff", 0.5, NS_MR3, "mean"),
    "ns diff Fs<.5 naive": ns("diff", 0.5, ("naive",)),
    "ns diff Fs<.5 naive+theta mean": ns("diff", 0.5, ("naive", "theta"), "mean"),
    "ns diff Fs<.5 MR mean all": ns("diff", 0.5, NS_MR, "mean", None),
    "ns diff Fs<.5 MR3 mean all": ns("diff", 0.5, NS_MR3, "mean", None),
    "ns diff Fs<.5 MR3 all (default)": ns("diff", 0.5, NS_MR3, None, None),
    "ns diff Fs<.4 MR3 mean all": ns("diff", 0.4, NS_MR3, "mean", None),
    "ns diff Fs<.6 MR3 mean all": ns("diff", 0.6, NS_MR3, "mean", None),
    "ns diff Fs<.4 MR3 all": ns("diff", 0.4, NS_MR3, None, None),
    "ns diff Fs<.6 MR3 all": ns("diff", 0.6, NS_MR3, None, None),
    "median 5 + arima_auto": ForecastConfig(members=FOUR + ("arima_auto",), **OFF),  # a mean-reverting member for all
    # every series non-seasonal: a bound for the rate series, not a method
    "ns all MR": ns("strength", 2.0, NS_MR),
    "ns all MR mean": ns("strength", 2.0, NS_MR, "mean"),
    "snaive": ForecastConfig(method="select", candidates=("snaive",), n_folds=0, max_combine=1),
    "ets_default": ForecastConfig(method="select", candidates=("ets_default",), n_folds=0, max_combine=1),
}
METHODS = ("zonestat", "zonestat no backtest", "before rate members", "select (before #16)", "snaive")


def load(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    frames = []
    for name in ("tourism_monthly.parquet", "china_nbs_monthly.parquet"):
        df = pd.read_parquet(data_dir / name)
        df["period"] = pd.to_datetime(df["period"])
        frames.append(df[["series_id", "period", "value"]])
    return frames[0], frames[1]


def holdout_split(df: pd.DataFrame, months: int = 6) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training rows up to the last period minus `months`; the rest is the test window."""
    cut = df.groupby("series_id")["period"].transform("max") - pd.DateOffset(months=months)
    return df[df["period"] <= cut], df[df["period"] > cut]


def june_split(df: pd.DataFrame, min_years: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One pseudo-series per (series, year): data through June, actuals July-December."""
    trains, tests = [], []
    for sid, grp in df.groupby("series_id"):
        first = grp["period"].min().year
        for year in range(first + min_years, grp["period"].max().year + 1):
            test = grp[(grp["period"] > f"{year}-06-01") & (grp["period"] <= f"{year}-12-01")]
            if len(test) < 6:
                continue
            key = f"{sid}@{year}"
            trains.append(grp[grp["period"] <= f"{year}-06-01"].assign(series_id=key))
            tests.append(test.assign(series_id=key))
    return pd.concat(trains, ignore_index=True), pd.concat(tests, ignore_index=True)


def run(train: pd.DataFrame, test: pd.DataFrame, cfg: ForecastConfig, jobs: int) -> tuple[pd.DataFrame, dict, int]:
    """Forecast each series up to its last test month; returns forecasts joined to actuals."""
    months = horizons(train, test)
    out, fallbacks, t0, cpu0 = [], 0, time.perf_counter(), cpu_seconds()
    for h, ids in months.groupby(months).groups.items():
        part = pa.Table.from_pandas(train[train["series_id"].isin(ids)], preserve_index=False)
        res = forecast_parallel(part, dataclasses.replace(cfg, horizon=int(h)), jobs=jobs)
        out.append(res.forecasts.to_pandas())
        if res.choices.num_rows:
            fallbacks += int(res.choices.to_pandas()["fallback_reason"].notna().sum())
    timing = {"wall": time.perf_counter() - t0, "cpu": cpu_seconds() - cpu0}
    fc = pd.concat(out)
    fc["period"] = pd.to_datetime(fc["period"])
    return test.merge(fc, on=["series_id", "period"], how="left"), timing, fallbacks


def cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def scores(joined: pd.DataFrame, train: pd.DataFrame) -> dict[str, float]:
    scale = {sid: seasonal_scale(g["period"], g["value"]) for sid, g in train.groupby("series_id")}
    j = joined.dropna(subset=["mean"]).copy()
    j["ae"] = (j["value"] - j["mean"]).abs() / j["series_id"].map(scale)
    j["smape"] = smape(j["value"], j["mean"])
    nonzero = j[j["value"] != 0]
    return {"sMAPE": j["smape"].mean(), "MASE": j.groupby("series_id")["ae"].mean().mean(),
            "MAPE": (100 * (nonzero["value"] - nonzero["mean"]).abs() / nonzero["value"].abs()).mean(),
            "cov80": 100 * covered(j["value"], j["lo_80"], j["hi_80"]).mean(),
            "cov95": 100 * covered(j["value"], j["lo_95"], j["hi_95"]).mean(),
            "missing": int(joined["mean"].isna().sum())}


def horizons(train: pd.DataFrame, test: pd.DataFrame) -> pd.Series:
    """Months from each series' last training period to its last test period."""
    need = (test.groupby("series_id")["period"].max() - train.groupby("series_id")["period"].max())
    return need.map(lambda d: int(round(d.days / 30.44))).rename("h")


def yardstick(train: pd.DataFrame, test: pd.DataFrame, jobs: int, cache: Path | None) -> dict:
    """statsforecast's rows on the same windows (or {} with a message when it is not installed)."""
    import yardstick as ys

    missing = ys.available()
    if missing:
        print(f"NOTE: {missing}")
        return {}
    key = None
    if cache is not None:
        import hashlib
        import pickle

        import statsforecast

        digest = hashlib.sha1(pd.util.hash_pandas_object(train, index=False).to_numpy().tobytes()
                              + (statsforecast.__version__ + ys.VERSION).encode()).hexdigest()[:16]
        key = cache / f"yardstick-{digest}.pkl"
        if key.exists():
            return pickle.loads(key.read_bytes())
    months = horizons(train, test)
    parts: dict[str, list] = {}
    for h, ids in months.groupby(months).groups.items():
        for name, (fc, timing) in ys.run_yardstick(train[train["series_id"].isin(ids)],
                                                   ForecastConfig(horizon=int(h)), jobs).items():
            parts.setdefault(name, []).append((fc, timing))
    out = {}
    for name, items in parts.items():
        fc = pd.concat([f for f, _ in items])
        fc["period"] = pd.to_datetime(fc["period"])
        timing = {"wall": sum(t["wall"] for _, t in items), "cpu": sum(t["cpu"] for _, t in items)}
        out[name] = (test.merge(fc, on=["series_id", "period"], how="left"), timing, 0)
    if key is not None:
        key.parent.mkdir(parents=True, exist_ok=True)
        key.write_bytes(pickle.dumps(out))
    return out


HEADER = (f"{'method':<22}{'sMAPE':>8}{'MASE':>8}{'MAPE':>8}{'cov80':>8}{'cov95':>8}{'series/s':>10}"
          f"{'cpu ms/s.':>10}{'fallback':>9}")


def print_row(name: str, s: dict, n: int, timing: dict | None, fallbacks: int | None) -> None:
    speed = (f"{n / timing['wall']:10.1f}{1000 * timing['cpu'] / n:10.0f}" if timing else f"{'':>20}")
    print(f"{name:<22}{s['sMAPE']:8.2f}{s['MASE']:8.3f}{s['MAPE']:8.2f}{s['cov80']:8.1f}{s['cov95']:8.1f}"
          + speed + (f"{fallbacks:9d}" if fallbacks is not None else "")
          + (f"  ({s['missing']} not forecast)" if s["missing"] else ""))


def compare(title: str, train: pd.DataFrame, test: pd.DataFrame, jobs: int,
            methods: dict[str, ForecastConfig], subsets: dict[str, set] | None = None,
            cache: Path | None = None, with_yardstick: bool = True) -> dict:
    """One table: zonestat's methods, then statsforecast's rows; each subset scored from the same run."""
    n = train["series_id"].nunique()
    results = {name: run(train, test, cfg, jobs) for name, cfg in methods.items()}
    if with_yardstick:
        results.update({f"sf {k}": v for k, v in yardstick(train, test, jobs, cache).items()})
    print(f"\n## {title}: {n} series, {len(test)} test points, {jobs} worker process(es)")
    print(HEADER)
    for name, (joined, timing, fallbacks) in results.items():
        print_row(name, scores(joined, train), n, timing, fallbacks if name in methods else None)
    for label, ids in (subsets or {}).items():
        print(f"  of which {label} ({len(ids)} series)")
        for name, (joined, _, _) in results.items():
            print_row("  " + name, scores(joined[joined.series_id.isin(ids)], train[train.series_id.isin(ids)]),
                      len(ids), None, None)
    return results


def reference(data_dir: Path) -> None:
    path = data_dir / "tourism_reference_R_forecast.csv"
    if not path.exists():
        return
    ref = pd.read_csv(path)
    ref = ref[(ref["subset"] == "monthly") & ref["horizons"].isin(["1-3", "6", "1-12"])]
    table = ref.pivot_table(index=["measure", "horizons"], columns="method", values="value")
    print("\n## Context: R forecast package on the official tourism test window (first 24 months "
          "after n_train; not the same window as above)")
    print(table.round(2).to_string())


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=DATA_DIR)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (2 cores here)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N tourism series")
    ap.add_argument("--methods", default=",".join(METHODS), help=f"zonestat rows, from {', '.join(VARIANTS)}")
    ap.add_argument("--skip-june", action="store_true")
    ap.add_argument("--skip-holdout", action="store_true")
    ap.add_argument("--no-yardstick", action="store_true", help="without the statsforecast rows")
    ap.add_argument("--cache", type=Path, default=None,
                    help="keep statsforecast's forecasts here between runs (same data, same version)")
    ap.add_argument("--janfeb", action="store_true", help="also run the Jan-Feb and Spring Festival studies")
    args = ap.parse_args(argv)
    methods = {k: VARIANTS[k] for k in args.methods.split(",")}
    tourism, nbs = load(args.data_dir)
    if args.limit:
        tourism = tourism[tourism["series_id"].isin(tourism["series_id"].unique()[:args.limit])]
    print(f"load average {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores")
    if not args.skip_holdout:
        train, test = holdout_split(pd.concat([tourism, nbs]))
        compare("Last 6 months held out (tourism + NBS)", train, test, args.jobs, methods,
                {"tourism": set(tourism.series_id), "NBS": set(nbs.series_id)}, args.cache, not args.no_yardstick)
    if not args.skip_june:
        jt, js = june_split(nbs)
        june = {k: dataclasses.replace(v, backtest="june") if v.backtest == "holdout" and v.n_folds else v
                for k, v in methods.items()}
        compare("NBS, every June cutoff (fit through June, forecast July-December)", jt, js, args.jobs, june,
                cache=args.cache, with_yardstick=not args.no_yardstick)
    if args.janfeb:
        import forecast_studies

        forecast_studies.janfeb_study(nbs, args.jobs)
        forecast_studies.festival_study(nbs, args.jobs)
    reference(args.data_dir)


if __name__ == "__main__":
    main()
