"""The orchestrator for one series: backtest candidates, pick (or combine) the best, fall back on failure.

It knows models only through the protocol in `models.base`, so it is tested with a toy model.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np

from models.base import LEVELS, Forecast, Model

Factory = Callable[[], Model]


class SelectionError(RuntimeError):
    """Every candidate and every fallback failed on this series."""


@dataclass(frozen=True)
class Fold:
    """Fit on y[:cutoff], score the next `steps` values."""

    cutoff: int
    steps: int


@dataclass
class Selection:
    """The chosen model (or combination) for one series, with everything learnt on the way."""

    model: str
    members: tuple[str, ...]
    forecast: Forecast
    paths: np.ndarray | None
    scores: dict[str, float]
    backtest: list[dict]
    failures: dict[str, str] = field(default_factory=dict)
    fallback: str | None = None
    converged: bool | None = None
    width_factor: float | None = None  # interval width calibration from the backtest (combinations)


def holdout_folds(n: int, h: int, k: int = 2, min_train: int = 24) -> list[Fold]:
    """The last k non-overlapping windows of h periods, oldest first, each with enough history."""
    return [Fold(n - i * h, h) for i in range(k, 0, -1) if n - i * h >= min_train]


def mase_scale(y: np.ndarray, lag: int) -> float:
    """In-sample mean absolute lag-`lag` difference (seasonal naive error), never zero."""
    for d in (lag, 1):
        if len(y) > d:
            s = float(np.mean(np.abs(y[d:] - y[:-d])))
            if s > 0:
                return s
    return float(np.mean(np.abs(y))) or 1.0


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _fit_predict(factory: Factory, y: np.ndarray, h: int, levels: Sequence[int]) -> tuple[Model, Forecast]:
    model = factory().fit(y)
    fc = model.predict(h, levels)
    if not (np.all(np.isfinite(fc.mean)) and all(np.all(np.isfinite(v)) for v in fc.upper.values())):
        raise FloatingPointError("non-finite forecast")
    return model, fc


def backtest(y: np.ndarray, factories: Mapping[str, Factory], folds: Sequence[Fold],
             levels: Sequence[int] = LEVELS) -> tuple[dict[str, list[Forecast]], dict[str, str]]:
    """Per-candidate forecasts for each fold; a candidate failing any fold is dropped with its reason."""
    results, failures = {}, {}
    for name, factory in factories.items():
        try:
            results[name] = [_fit_predict(factory, y[:f.cutoff], f.steps, levels)[1] for f in folds]
        except Exception as exc:  # noqa: BLE001 - any model failure means: fall back
            failures[name] = _describe(exc)
    return results, failures


def combine(forecasts: Sequence[Forecast]) -> Forecast:
    """Equal-weight combination: average means and average interval bounds (quantile averaging)."""
    mean = np.mean([f.mean for f in forecasts], axis=0)
    lower = {k: np.mean([f.lower[k] for f in forecasts], axis=0) for k in forecasts[0].lower}
    upper = {k: np.mean([f.upper[k] for f in forecasts], axis=0) for k in forecasts[0].upper}
    return Forecast(mean, lower, upper)


def score(y: np.ndarray, folds: Sequence[Fold], fcs: Sequence[Forecast], lag: int) -> float:
    """Mean over folds of the fold's MASE."""
    errs = [np.mean(np.abs(y[f.cutoff:f.cutoff + f.steps] - fc.mean)) / mase_scale(y[:f.cutoff], lag)
            for f, fc in zip(folds, fcs)]
    return float(np.mean(errs))


def combo_name(members: Sequence[str]) -> str:
    return "+".join(members)


def rank(y: np.ndarray, folds: Sequence[Fold], results: Mapping[str, list[Forecast]], lag: int,
         max_combine: int = 2) -> tuple[list[tuple[str, ...]], dict[str, float], dict[str, list[Forecast]]]:
    """Candidates and combinations of the best ones, best score first (singles win ties)."""
    scores = {name: score(y, folds, fcs, lag) for name, fcs in results.items()}
    singles = sorted(scores, key=scores.get)
    options = [(n,) for n in singles]
    combos: dict[str, list[Forecast]] = {}
    for k in range(2, min(max_combine, len(singles)) + 1):
        members = tuple(singles[:k])
        fcs = [combine([results[m][i] for m in members]) for i in range(len(folds))]
        combos[combo_name(members)] = fcs
        scores[combo_name(members)] = score(y, folds, fcs, lag)
        options.append(members)
    options.sort(key=lambda ms: (scores[combo_name(ms)], len(ms)))
    return options, scores, combos


def backtest_rows(y: np.ndarray, folds: Sequence[Fold], results: Mapping[str, list[Forecast]]) -> list[dict]:
    """Long table of backtest forecasts: model, cutoff (index of first forecast), step, actual, bounds."""
    rows = []
    for name, fcs in results.items():
        for fold, fc in zip(folds, fcs):
            for s in range(fold.steps):
                row = {"model": name, "cutoff": fold.cutoff, "step": s + 1,
                       "actual": float(y[fold.cutoff + s]), "mean": float(fc.mean[s])}
                for lv in sorted(fc.lower):
                    row[f"lo_{lv}"], row[f"hi_{lv}"] = float(fc.lower[lv][s]), float(fc.upper[lv][s])
                rows.append(row)
    return rows


def final_forecast(y: np.ndarray, members: Sequence[str], factories: Mapping[str, Factory], h: int,
                   levels: Sequence[int], n_paths: int, seed: int) -> tuple[Forecast, np.ndarray | None, list[Model]]:
    """Fit members on the whole series; forecast, and draw a mixture of their sample paths."""
    fitted = [_fit_predict(factories[m], y, h, levels) for m in members]
    models = [mdl for mdl, _ in fitted]
    fc = combine([f for _, f in fitted]) if len(fitted) > 1 else fitted[0][1]
    paths = None
    if n_paths:
        each = -(-n_paths // len(models))
        draws = np.vstack([mdl.sample_paths(h, each, seed + i) for i, mdl in enumerate(models)])
        paths = np.random.default_rng(seed).permutation(draws)[:n_paths]
    return fc, paths, models


def select_and_forecast(y: np.ndarray, factories: Mapping[str, Factory], folds: Sequence[Fold], h: int,
                        levels: Sequence[int] = LEVELS, lag: int = 1, max_combine: int = 2,
                        n_paths: int = 0, seed: int = 0, fallback: Sequence[str] = ()) -> Selection:
    """Backtest, rank, then fit the best option on all data; on failure try the next, then `fallback`."""
    y = np.asarray(y, dtype=float)
    results, failures = backtest(y, factories, folds, levels) if folds else ({}, {})
    options, scores, combos = rank(y, folds, results, lag, max_combine) if results else ([], {}, {})
    rows = backtest_rows(y, folds, {**results, **combos}) if results else []
    reason = None if options or not folds else "every candidate failed the backtest"
    tried = set()
    if not folds:  # without a backtest: the candidates in the order given
        options = [(n,) for n in factories]
    for members in options + [(n,) for n in fallback if n in factories]:
        name = combo_name(members)
        if name in tried:
            continue
        tried.add(name)
        try:
            fc, paths, models = final_forecast(y, members, factories, h, levels, n_paths, seed)
        except Exception as exc:  # noqa: BLE001
            failures.setdefault(name, _describe(exc))
            reason = f"{name} failed on the full series: {failures[name]}"
            continue
        conv = [m.info.converged for m in models if m.info.converged is not None]
        return Selection(name, tuple(members), fc, paths, scores, rows, failures, reason,
                         all(conv) if conv else None)
    raise SelectionError("no model could forecast this series: "
                         + "; ".join(f"{k}: {v}" for k, v in failures.items()))
