"""The orchestrator with toy models: ranking by backtest, combination, per-series fallback with reasons."""
from __future__ import annotations

import numpy as np
import pytest

from models.base import FitInfo, Forecast, ModelError, normal_forecast
from models.select import (Fold, SelectionError, holdout_folds, mase_scale, select_and_forecast)


class Toy:
    """Forecasts a constant `level`; fails when asked to (on fit, or only on long inputs)."""

    def __init__(self, name: str, level: float, fail: bool = False, fail_above: int | None = None):
        self.name, self.level, self.fail, self.fail_above = name, level, fail, fail_above
        self.info = FitInfo()

    def fit(self, y):
        if self.fail or (self.fail_above is not None and len(y) > self.fail_above):
            raise ModelError(f"{self.name} refuses")
        self.info = FitInfo(converged=True)
        return self

    def predict(self, h, levels=(80, 95)) -> Forecast:
        return normal_forecast(np.full(h, self.level), np.ones(h), levels)

    def sample_paths(self, h, n, seed=None):
        return self.level + np.random.default_rng(seed).normal(size=(n, h))


Y = np.full(48, 10.0) + np.tile([0.0, 0.1], 24)


def toys(**kw):
    return {name: (lambda name=name, args=args: Toy(name, *args)) for name, args in kw.items()}


def test_best_backtest_wins_and_rows_are_long():
    facs = toys(far=(20.0,), near=(10.0,), mid=(12.0,))
    sel = select_and_forecast(Y, facs, holdout_folds(48, 6, 2), h=6, max_combine=1)
    assert sel.model == "near" and sel.fallback is None
    assert sel.scores["near"] < sel.scores["mid"] < sel.scores["far"]
    assert len(sel.backtest) == 3 * 2 * 6
    assert {"model", "cutoff", "step", "actual", "mean", "lo_80", "hi_95"} <= set(sel.backtest[0])
    np.testing.assert_allclose(sel.forecast.mean, 10.0)


def test_combination_chosen_when_it_backtests_better():
    facs = toys(low=(9.0,), high=(11.1,), far=(30.0,))
    sel = select_and_forecast(Y, facs, holdout_folds(48, 6, 2), h=6, max_combine=2, n_paths=100)
    assert sel.model == "low+high" and sel.members == ("low", "high")
    np.testing.assert_allclose(sel.forecast.mean, 10.05)
    assert sel.paths.shape == (100, 6)


def test_failing_candidate_is_dropped_with_reason():
    facs = toys(broken=(10.0, True), ok=(11.0,))
    sel = select_and_forecast(Y, facs, holdout_folds(48, 6, 2), h=6)
    assert sel.model == "ok"
    assert "broken refuses" in sel.failures["broken"]


def test_fallback_per_series_keeps_reason():
    """Same candidates on two series: the best fails on the full length of one series only."""
    facs = {"best": lambda: Toy("best", 10.0, fail_above=47), "second": lambda: Toy("second", 12.0)}
    long_sel = select_and_forecast(Y, facs, holdout_folds(48, 6, 2), h=6, max_combine=1)
    short_sel = select_and_forecast(Y[:40], facs, holdout_folds(40, 6, 2, min_train=20), h=6, max_combine=1)
    assert long_sel.model == "second" and "best failed on the full series" in long_sel.fallback
    assert "refuses" in long_sel.failures["best"]
    assert short_sel.model == "best" and short_sel.fallback is None


def test_without_folds_candidates_are_tried_in_order_then_fallback():
    facs = toys(first=(1.0, True), second=(2.0,), base=(3.0,))
    sel = select_and_forecast(Y, facs, [], h=3, fallback=("base",))
    assert sel.model == "second" and "first failed" in sel.fallback
    only_fallback = select_and_forecast(Y, toys(a=(1.0, True), base=(3.0,)), [], h=3, fallback=("base",))
    assert only_fallback.model == "base"


def test_all_failing_raises_with_every_reason():
    with pytest.raises(SelectionError, match="a refuses.*b refuses"):
        select_and_forecast(Y, toys(a=(1.0, True), b=(1.0, True)), holdout_folds(48, 6), h=6)


def test_folds_and_scale():
    assert holdout_folds(48, 6, 2, min_train=24) == [Fold(36, 6), Fold(42, 6)]
    assert holdout_folds(30, 6, 2, min_train=24) == [Fold(24, 6)]
    assert mase_scale(np.arange(24.0), 12) == 12.0
    assert mase_scale(np.ones(24), 12) == 1.0  # constant series: never a zero scale
