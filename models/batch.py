"""One series end to end: prepare, choose a model by backtest, forecast in the input's terms.

`models.tables.forecast_batch` runs this over a long table of many series.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from models.base import LEVELS, Forecast, paths_forecast
from models.candidates import (COMBINATION, DEFAULT_CANDIDATES, FALLBACK, NONSEASONAL_COMBINATION, SEASONALITY_TEST,
                               STRENGTH, factories, is_seasonal)
from models.combine import combine_and_forecast
from models.janfeb import Layout, next_slots, to_ytd
from models.prepare import Prepared, SeriesError, prepare
from models.select import Fold, SelectionError, holdout_folds, select_and_forecast

CUMULATIVE_PATHS = 1000


@dataclass(frozen=True)
class ForecastConfig:
    """Run parameters of a forecast: horizon in calendar months, backtest scheme, candidates."""

    horizon: int = 6
    levels: tuple[int, ...] = LEVELS
    method: str = "combine"  # the members averaged; or "select": per series, the best candidate(s) by backtest
    members: tuple[str, ...] = COMBINATION
    calibrate: bool = True  # combine: interval width from the backtest errors
    # combine: a series without a season gets `nonseasonal_members` (docs/forecasting.md, "Series
    # without a season"): "diff" (default), "positive", "m3", "strength" (models.candidates.is_seasonal);
    # False: never; True: the earlier two-sided M3 test with the members' non-seasonal forms
    seasonal_test: bool | str = SEASONALITY_TEST
    max_strength: float | None = STRENGTH  # ... and only when its STL seasonal strength is below this
    nonseasonal_members: tuple[str, ...] | None = NONSEASONAL_COMBINATION  # (None: `members`, non-seasonal forms)
    nonseasonal_combiner: str | None = None  # their combiner (None: `combiner`)
    nonseasonal_max_years: int | None | str = None  # their history (None: all; "same": `max_years`)
    combiner: str = "median"  # combine: "median", "mean" (equal weights), "weighted" (by backtest error)
    backtest: str = "holdout"  # or "june": fit through June, forecast July-December, every past year
    n_folds: int = 2  # holdout windows; combine also uses the last n_folds Junes of the June scheme
    max_june_folds: int | None = 8  # select: Junes used for choosing
    candidates: tuple[str, ...] = DEFAULT_CANDIDATES
    max_combine: int = 2
    calendar: str | None = None  # force a Jan-Feb layout kind instead of detecting it
    max_years: int | None = 10  # fit on at most this many recent years (None: all)
    n_paths: int = 0
    seed: int = 0


@dataclass
class SeriesForecast:
    """One series' forecast on its output periods (YTD for cumulative input), with paths if asked."""

    series_id: str
    periods: pd.DatetimeIndex
    forecast: Forecast
    paths: np.ndarray | None
    model: str
    prepared: Prepared
    selection: object
    notes: list[str] = field(default_factory=list)


def june_folds(periods: pd.DatetimeIndex, min_train: int, max_folds: int | None) -> list[Fold]:
    """One fold per past year: fit through June, score July-December (six slots in every layout)."""
    folds = [Fold(i + 1, 6) for i, p in enumerate(periods)
             if p.month == 6 and i + 7 <= len(periods) and i + 1 >= min_train]
    return folds[-max_folds:] if max_folds else folds


def _recent(prep: Prepared, years: int | None) -> Prepared:
    """The last `years` years of a prepared series (all of it for None)."""
    if years and len(prep.y) > years * prep.m:
        keep = years * prep.m
        return dataclasses.replace(prep, y=prep.y[-keep:], periods=prep.periods[-keep:])
    return prep


def make_folds(prep: Prepared, steps: int, cfg: ForecastConfig) -> list[Fold]:
    min_train = 2 * prep.m + 2
    if cfg.backtest == "june":
        most = cfg.n_folds if cfg.method == "combine" else cfg.max_june_folds
        return june_folds(prep.periods, min_train, most) if most != 0 else []
    return holdout_folds(len(prep.y), max(steps, 1), cfg.n_folds, min_train)


def _output(prep: Prepared, future: pd.DatetimeIndex, fc: Forecast, paths: np.ndarray | None,
            levels: Sequence[int]) -> tuple[Forecast, np.ndarray | None]:
    """Back to the input's terms: re-cumulate YTD series, keep non-negative series non-negative."""
    if prep.layout.cumulative:
        start, year = prep.last_value, prep.periods[-1].year
        paths = to_ytd(np.maximum(paths, 0.0), future, start, year)
        fc = paths_forecast(paths, levels, mean=to_ytd(np.maximum(fc.mean, 0.0), future, start, year))
    elif prep.nonnegative:
        fc = fc.clipped(0.0)
        paths = None if paths is None else np.maximum(paths, 0.0)
    return fc, paths


def forecast_series(series_id: str, periods, values, cfg: ForecastConfig = ForecastConfig(),
                    layout: Layout | None = None) -> SeriesForecast:
    """Prepare, select by backtest, forecast `cfg.horizon` months; raises SeriesError if unusable."""
    whole = prepare(series_id, periods, values, layout=layout, kind=cfg.calendar)
    prep = _recent(whole, cfg.max_years)
    future = next_slots(prep.periods[-1], cfg.horizon, prep.layout)
    steps = len(future)
    n_paths = max(cfg.n_paths, CUMULATIVE_PATHS if prep.layout.cumulative else 0)
    combined = cfg.method == "combine"
    members, combiner, seasonal, notes = cfg.members, cfg.combiner, None, list(prep.notes)
    if combined and isinstance(cfg.seasonal_test, str):
        seasonal = is_seasonal(prep, cfg.seasonal_test, cfg.max_strength)
        if not seasonal:
            if cfg.nonseasonal_max_years != "same":
                prep = _recent(whole, cfg.nonseasonal_max_years)
            members = cfg.nonseasonal_members or members
            combiner = cfg.nonseasonal_combiner or combiner
            notes.append(f"no seasonality found ({cfg.seasonal_test} test): non-seasonal members "
                         + "+".join(members))
    names = tuple(dict.fromkeys(members + FALLBACK)) if combined else cfg.candidates
    facs = factories(prep, max(steps, 1), names, seasonal_test=combined and cfg.seasonal_test is True,
                     seasonal=seasonal)
    folds = make_folds(prep, steps, cfg)
    try:
        if combined:
            sel = combine_and_forecast(prep.y, facs, members, folds, max(steps, 1), cfg.levels, lag=prep.m,
                                       n_paths=n_paths, seed=cfg.seed, calibrate=cfg.calibrate,
                                       fallback=FALLBACK, how=combiner)
        else:
            sel = select_and_forecast(prep.y, facs, folds, max(steps, 1), cfg.levels, lag=prep.m,
                                      max_combine=cfg.max_combine, n_paths=n_paths, seed=cfg.seed,
                                      fallback=FALLBACK)
    except SelectionError as exc:
        raise SeriesError(series_id, str(exc)) from exc
    fc, paths = sel.forecast, sel.paths
    if steps == 0:
        fc, paths = Forecast(np.zeros(0), {}, {}), None
    else:
        fc, paths = _output(prep, future, fc, paths, cfg.levels)
    paths = paths[:cfg.n_paths] if cfg.n_paths and paths is not None else None
    return SeriesForecast(series_id, future, fc, paths, sel.model, prep, sel, notes)
