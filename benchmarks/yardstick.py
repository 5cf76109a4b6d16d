"""statsforecast's AutoETS, AutoARIMA, AutoTheta (and their mean) on zonestat's own windows.

A benchmark-only yardstick (`pip install -e '.[bench]'`); zonestat never imports statsforecast.
Each series goes through zonestat's own preparation (Jan-Feb layout slots, gap filling, YTD as
per-period flows), so both sides see the same numbers; statsforecast gets the whole history, as
its users would run it (zonestat's own models use at most `max_years`). Forecasts come back in the input's terms like zonestat's:
YTD series re-cumulated (bounds cumulated step by step, i.e. fully correlated errors), never-negative
series clipped at zero.
"""
from __future__ import annotations

import resource
import time

import numpy as np
import pandas as pd

from models.batch import ForecastConfig
from models.janfeb import next_slots, to_ytd
from models.prepare import SeriesError, prepare

MODELS = ("AutoETS", "AutoARIMA", "AutoTheta")
VERSION = "2"  # part of the cache key of benchmarks/forecast_accuracy.py: bump when this file changes results
LEVELS = (80, 95)


def available() -> str | None:
    """None when statsforecast can be imported, else the message to print."""
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        return ("statsforecast is not installed: the yardstick rows are skipped. "
                "Install the benchmark extra: .venv/bin/pip install -e '.[bench]'")
    return None


def prepared_frames(train: pd.DataFrame, cfg: ForecastConfig) -> tuple[dict[int, pd.DataFrame], dict]:
    """Per season length, a statsforecast frame (unique_id, ds as slot index, y); plus per-series
    (prepared, future periods) to map forecasts back."""
    by_m: dict[int, list[pd.DataFrame]] = {}
    info = {}
    for sid, g in train.groupby("series_id", sort=False):
        try:
            prep = prepare(sid, g["period"], g["value"], kind=cfg.calendar)
        except SeriesError:
            continue
        y, periods = prep.y, prep.periods
        future = next_slots(periods[-1], cfg.horizon, prep.layout)
        info[sid] = (prep, periods, future)
        by_m.setdefault(prep.m, []).append(pd.DataFrame({"unique_id": sid, "ds": np.arange(len(y)), "y": y}))
    return {m: pd.concat(fs, ignore_index=True) for m, fs in by_m.items()}, info


def _back(prep, periods, future, mean, lo, hi) -> tuple[np.ndarray, dict, dict]:
    if prep.layout.cumulative:
        start, year = prep.last_value, periods[-1].year
        cum = lambda a: to_ytd(np.maximum(a, 0.0), future, start, year)  # noqa: E731
        return cum(mean), {k: cum(v) for k, v in lo.items()}, {k: cum(v) for k, v in hi.items()}
    if prep.nonnegative:
        clip = lambda a: np.maximum(a, 0.0)  # noqa: E731
        return clip(mean), {k: clip(v) for k, v in lo.items()}, {k: clip(v) for k, v in hi.items()}
    return mean, lo, hi


def cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _warm_up(model_cls) -> None:
    """Compile statsforecast's numba code outside the timed run (its cache is per process)."""
    from statsforecast import StatsForecast

    y = 100 + 10 * np.sin(np.arange(48) * 2 * np.pi / 12)
    df = pd.DataFrame({"unique_id": "w", "ds": np.arange(48), "y": y})
    StatsForecast(models=[model_cls(season_length=12)], freq=1).forecast(df=df, h=6, level=list(LEVELS))


def run_yardstick(train: pd.DataFrame, cfg: ForecastConfig, jobs: int) -> dict[str, tuple[pd.DataFrame, dict]]:
    """{model: (long forecasts with series_id, period, mean, lo_/hi_, timing)} plus the mean of the three."""
    import statsforecast.models as sfm
    from statsforecast import StatsForecast

    frames, info = prepared_frames(train, cfg)
    out: dict[str, tuple[pd.DataFrame, dict]] = {}
    raw: dict[str, pd.DataFrame] = {}
    for name in MODELS:
        cls = getattr(sfm, name)
        _warm_up(cls)
        t0, c0 = time.perf_counter(), cpu_seconds()
        parts = []
        for m, df in frames.items():
            steps = max(len(f) for _, _, f in info.values())
            sf = StatsForecast(models=[cls(season_length=m)], freq=1, n_jobs=jobs)
            parts.append(sf.forecast(df=df, h=steps, level=list(LEVELS)))
        raw[name] = pd.concat(parts, ignore_index=True).rename(columns=lambda c: c.replace(name, "f"))
        out[name] = (None, {"wall": time.perf_counter() - t0, "cpu": cpu_seconds() - c0})
    for name in MODELS:
        out[name] = (_to_long(raw[name], info), out[name][1])
    mean = pd.concat([raw[n] for n in MODELS]).groupby(["unique_id", "ds"], sort=False).mean().reset_index()
    out["mean of three"] = (_to_long(mean, info), {"wall": sum(t["wall"] for _, t in out.values()),
                                                   "cpu": sum(t["cpu"] for _, t in out.values())})
    return out


def _to_long(fc: pd.DataFrame, info: dict) -> pd.DataFrame:
    rows = []
    for sid, g in fc.groupby("unique_id", sort=False):
        prep, periods, future = info[sid]
        g = g.sort_values("ds").iloc[:len(future)]
        lo = {lv: g[f"f-lo-{lv}"].to_numpy(float) for lv in LEVELS}
        hi = {lv: g[f"f-hi-{lv}"].to_numpy(float) for lv in LEVELS}
        mean, lo, hi = _back(prep, periods, future, g["f"].to_numpy(float), lo, hi)
        part = pd.DataFrame({"series_id": sid, "period": future, "mean": mean})
        for lv in LEVELS:
            part[f"lo_{lv}"], part[f"hi_{lv}"] = lo[lv], hi[lv]
        rows.append(part)
    return pd.concat(rows, ignore_index=True)
