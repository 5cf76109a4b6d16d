"""A fixed combination of model families (their median by default), its intervals calibrated
from backtest errors.

Why a fixed combination rather than a per-series pick: on a few backtest windows the pick is
mostly noise, while a combination of different families (exponential smoothing, ARIMA, Theta,
decomposition) is reliably better than each of them (M3/M4 competitions; the median of four:
Petropoulos & Svetunkov 2020). The backtest windows are used for what they can estimate per
series: how wide the intervals must be. Like `models.select`, it sees models only via the protocol.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from models.base import LEVELS, Forecast, z_value
from models.select import (Factory, Fold, Selection, SelectionError, _describe, _fit_predict, backtest,
                           backtest_rows, combo_name, score, select_and_forecast)

CALIBRATION_BOUNDS = (1 / 3, 3.0)  # a sanity guard on the width factor, not a tuning knob
# Levels whose calibrated interval is never narrower than the members' own: a dozen backtest errors
# (two windows, correlated within each) estimate a typical spread, not a tail, so they may widen
# the 95% interval but not shrink it (measured: docs/forecasting.md, "Intervals").
TAIL_LEVELS: tuple[int, ...] = (95,)


def width_factor(y: np.ndarray, folds: Sequence[Fold], fcs: Sequence[Forecast]) -> tuple[float, int] | None:
    """sqrt(mean z^2) of the backtest errors standardised by the forecast's own spread (from its
    80% interval): 1 when the intervals were right, 2 when errors were twice as large as they
    implied; and the number of errors it rests on. None without windows."""
    z = []
    for fold, fc in zip(folds, fcs):
        sd = (fc.upper[80] - fc.lower[80]) / (2 * z_value(80))
        err = y[fold.cutoff:fold.cutoff + fold.steps] - fc.mean
        ok = sd > 0
        z.extend(err[ok] / sd[ok])
    if not z:
        return None
    return float(np.clip(np.sqrt(np.mean(np.square(z))), *CALIBRATION_BOUNDS)), len(z)


def widen(fc: Forecast, factor: float, dof: int | None = None, floor: Sequence[int] = ()) -> Forecast:
    """Every bound moved `factor` times as far from the point forecast; with `dof`, further by
    Student's t over the normal quantile of its level, since the factor is itself estimated from
    `dof` errors (the textbook prediction interval with an estimated variance). The levels in
    `floor` are never moved closer than they were."""
    def scale(level: int) -> float:
        out = factor
        if dof:
            from scipy.stats import t

            out = factor * float(t.ppf(0.5 + level / 200.0, dof)) / z_value(level)
        return max(out, 1.0) if level in floor else out

    return Forecast(fc.mean, {k: fc.mean + scale(k) * (v - fc.mean) for k, v in fc.lower.items()},
                    {k: fc.mean + scale(k) * (v - fc.mean) for k, v in fc.upper.items()})


def average(forecasts: Sequence[Forecast], how: str = "mean", weights: Sequence[float] | None = None) -> Forecast:
    """Point forecasts and bounds averaged: equal weights ("mean"), the median, or `weights`."""
    if how == "median":
        agg = lambda arrays: np.median(arrays, axis=0)  # noqa: E731
    else:
        w = np.full(len(forecasts), 1 / len(forecasts)) if weights is None else np.asarray(weights) / np.sum(weights)
        agg = lambda arrays: np.tensordot(w, np.asarray(arrays), axes=1)  # noqa: E731
    return Forecast(agg([f.mean for f in forecasts]),
                    {k: agg([f.lower[k] for f in forecasts]) for k in forecasts[0].lower},
                    {k: agg([f.upper[k] for f in forecasts]) for k in forecasts[0].upper})


def _paths(models, fcs, centre: np.ndarray, factor: float, h: int, n_paths: int, seed: int,
           dof: int | None) -> np.ndarray:
    """Each member's paths moved to the combined point forecast and scaled like the intervals; with
    `dof`, each path's deviation is scaled by one draw of sqrt(dof / chi2(dof)) (a Student-t mixture)."""
    each = -(-n_paths // len(models))
    rng = np.random.default_rng(seed)
    draws = [centre + factor * (mdl.sample_paths(h, each, seed + i) - fc.mean)
             for i, (mdl, fc) in enumerate(zip(models, fcs))]
    dev = np.vstack(draws) - centre
    if dof:
        dev = dev * np.sqrt(dof / rng.chisquare(dof, size=(len(dev), 1)))
    return rng.permutation(centre + dev)[:n_paths]


def combine_and_forecast(y: np.ndarray, factories: Mapping[str, Factory], members: Sequence[str],
                         folds: Sequence[Fold], h: int, levels: Sequence[int] = LEVELS, lag: int = 1,
                         n_paths: int = 0, seed: int = 0, calibrate: bool = True,
                         fallback: Sequence[str] = (), student: bool = True, how: str = "median",
                         floor: Sequence[int] = TAIL_LEVELS) -> Selection:
    """Backtest the members, fit those that pass on the whole series, average them, calibrate the
    intervals' width on the backtest windows (never narrowing the `floor` levels). A member failing
    anywhere is left out (reason kept); with none left, the `fallback` models are tried in order."""
    y = np.asarray(y, dtype=float)
    wanted = {m: factories[m] for m in members if m in factories}
    results, failures = backtest(y, wanted, folds, levels) if folds else ({}, {})
    fitted = []
    for name in [m for m in wanted if m not in failures]:
        try:
            fitted.append((name, *_fit_predict(wanted[name], y, h, levels)))
        except Exception as exc:  # noqa: BLE001 - any model failure means: leave it out
            failures[name] = _describe(exc)
    if not fitted:
        sel = _fall_back(y, factories, h, levels, n_paths, seed, fallback, failures)
        sel.fallback = "no member of the combination could forecast this series"
        return sel
    names = tuple(n for n, _, _ in fitted)
    scores, rows, factor, dof, weights = {}, [], None, None, None
    if folds:
        scores = {n: score(y, folds, results[n], lag) for n in names}
        if how == "weighted":  # Bates-Granger: inversely to the backtest error
            weights = [1 / max(scores[n], 1e-9) for n in names]
        fold_fcs = [average([results[n][i] for n in names], how, weights) for i in range(len(folds))]
        scores[combo_name(names)] = score(y, folds, fold_fcs, lag)
        factor, dof = (width_factor(y, folds, fold_fcs) if calibrate else None) or (None, None)
        rows = backtest_rows(y, folds, {**{n: results[n] for n in names}, combo_name(names): fold_fcs})
    calibrated, factor = factor, 1.0 if factor is None else factor
    fc = widen(average([f for _, _, f in fitted], how, weights), factor, dof if student else None, floor)
    paths = _paths([m for _, m, _ in fitted], [f for _, _, f in fitted], fc.mean, factor, h, n_paths,
                   seed, dof if student else None) if n_paths else None
    conv = [m.info.converged for _, m, _ in fitted if m.info.converged is not None]
    reason = None if len(names) == len(wanted) else f"left out of the combination: {', '.join(sorted(failures))}"
    return Selection(combo_name(names), names, fc, paths, scores, rows, failures, reason,
                     all(conv) if conv else None, calibrated)


def _fall_back(y, factories, h, levels, n_paths, seed, fallback, failures) -> Selection:
    facs = {n: factories[n] for n in fallback if n in factories}
    if not facs:
        raise SelectionError("no model could forecast this series: "
                             + "; ".join(f"{k}: {v}" for k, v in failures.items()))
    sel = select_and_forecast(y, facs, [], h, levels, n_paths=n_paths, seed=seed)
    sel.failures = {**failures, **sel.failures}
    return sel
