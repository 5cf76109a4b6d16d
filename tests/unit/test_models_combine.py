"""The fixed combination with toy models: equal weights, interval width from the backtest, members
left out with their reason, the fallback when none is left."""
from __future__ import annotations

import numpy as np
import pytest

from models.base import FitInfo, Forecast, ModelError, normal_forecast, z_value
from models.combine import combine_and_forecast, width_factor
from models.select import Fold, SelectionError, holdout_folds


class Toy:
    """Forecasts a constant `level` with standard deviation `sd`; fails when asked to."""

    def __init__(self, name: str, level: float, sd: float = 1.0, fail: bool = False, fail_above: int | None = None):
        self.name, self.level, self.sd, self.fail, self.fail_above = name, level, sd, fail, fail_above
        self.info = FitInfo()

    def fit(self, y):
        if self.fail or (self.fail_above is not None and len(y) > self.fail_above):
            raise ModelError(f"{self.name} refuses")
        self.info = FitInfo(converged=True)
        return self

    def predict(self, h, levels=(80, 95)) -> Forecast:
        return normal_forecast(np.full(h, self.level), np.full(h, self.sd), levels)

    def sample_paths(self, h, n, seed=None):
        return self.level + self.sd * np.random.default_rng(seed).normal(size=(n, h))


def toys(**kw):
    return {name: (lambda name=name, args=args: Toy(name, *args)) for name, args in kw.items()}


Y = np.full(48, 10.0) + np.tile([-1.0, 1.0], 24)  # errors of +-1 around 10
FOLDS = holdout_folds(48, 6, 2)


def test_equal_weights_and_rows_for_members_and_combination():
    facs = toys(low=(9.0,), high=(11.0,), other=(50.0,))
    sel = combine_and_forecast(Y, facs, ("low", "high"), FOLDS, h=6, n_paths=90)
    assert sel.model == "low+high" and sel.members == ("low", "high") and sel.fallback is None
    np.testing.assert_allclose(sel.forecast.mean, 10.0)
    assert {r["model"] for r in sel.backtest} == {"low", "high", "low+high"} and len(sel.backtest) == 3 * 2 * 6
    assert set(sel.scores) == {"low", "high", "low+high"}
    assert sel.paths.shape == (90, 6) and abs(sel.paths.mean() - 10.0) < 0.5


def test_interval_width_follows_the_backtest_errors():
    # errors are +-1 while the toys claim sd 0.5: intervals widen 2 times
    sel = combine_and_forecast(Y, toys(a=(10.0, 0.5), b=(10.0, 0.5)), ("a", "b"), FOLDS, h=6, student=False)
    assert sel.width_factor == pytest.approx(2.0)
    np.testing.assert_allclose(sel.forecast.upper[80] - 10.0, 2.0 * 0.5 * z_value(80))
    np.testing.assert_allclose(sel.forecast.lower[95] - 10.0, -2.0 * 0.5 * z_value(95))
    # the factor rests on 12 errors: Student's t with 12 degrees of freedom instead of the normal
    t = combine_and_forecast(Y, toys(a=(10.0, 0.5), b=(10.0, 0.5)), ("a", "b"), FOLDS, h=6, n_paths=4000)
    np.testing.assert_allclose(t.forecast.upper[95] - 10.0, 2.0 * 0.5 * 2.1788128, rtol=1e-6)
    assert np.quantile(t.paths, 0.975) - 10.0 == pytest.approx(2.0 * 0.5 * 2.1788128, rel=0.1)
    plain = combine_and_forecast(Y, toys(a=(10.0, 0.5), b=(10.0, 0.5)), ("a", "b"), FOLDS, h=6, calibrate=False)
    assert plain.width_factor is None
    np.testing.assert_allclose(plain.forecast.upper[80] - 10.0, 0.5 * z_value(80))


def test_calibration_narrows_the_80_interval_but_never_the_95():
    # errors are +-1 while the toys claim sd 2: the 80% interval shrinks to half, the 95% one keeps
    # the members' own width (a dozen errors say little about the tails)
    sel = combine_and_forecast(Y, toys(a=(10.0, 2.0), b=(10.0, 2.0)), ("a", "b"), FOLDS, h=6, student=False)
    assert sel.width_factor == pytest.approx(0.5)
    np.testing.assert_allclose(sel.forecast.upper[80] - 10.0, 0.5 * 2.0 * z_value(80))
    np.testing.assert_allclose(sel.forecast.upper[95] - 10.0, 2.0 * z_value(95))
    np.testing.assert_allclose(sel.forecast.lower[95] - 10.0, -2.0 * z_value(95))
    # without the floor both levels shrink alike
    bare = combine_and_forecast(Y, toys(a=(10.0, 2.0), b=(10.0, 2.0)), ("a", "b"), FOLDS, h=6, student=False,
                                floor=())
    np.testing.assert_allclose(bare.forecast.upper[95] - 10.0, 0.5 * 2.0 * z_value(95))


def test_width_factor_without_windows_and_its_guard():
    assert width_factor(Y, [], []) is None
    fc = normal_forecast(np.full(6, 10.0), np.full(6, 1e-6), (80, 95))
    assert width_factor(Y, [Fold(40, 6)], [fc]) == (3.0, 6)  # capped: a sanity guard


def test_failing_member_is_left_out_with_reason():
    facs = toys(broken=(10.0, 1.0, True), a=(9.0,), b=(11.0,))
    sel = combine_and_forecast(Y, facs, ("broken", "a", "b"), FOLDS, h=6)
    assert sel.model == "a+b" and "broken refuses" in sel.failures["broken"]
    assert "left out of the combination: broken" in sel.fallback
    late = toys(late=(10.0, 1.0, False, 40), a=(9.0,))  # passes the folds, fails on the whole series
    sel = combine_and_forecast(Y, late, ("late", "a"), FOLDS, h=6)
    assert sel.model == "a" and "late" in sel.failures


def test_fallback_when_no_member_is_left_and_error_when_nothing_works():
    facs = toys(x=(10.0, 1.0, True), y=(10.0, 1.0, True), snaive=(10.0,))
    sel = combine_and_forecast(Y, facs, ("x", "y"), FOLDS, h=6, fallback=("snaive",))
    assert sel.model == "snaive" and "no member" in sel.fallback and set(sel.failures) >= {"x", "y"}
    with pytest.raises(SelectionError, match="x refuses"):
        combine_and_forecast(Y, toys(x=(10.0, 1.0, True)), ("x",), FOLDS, h=6, fallback=("snaive",))


def test_zero_width_backtest_leaves_intervals_uncalibrated():
    flat = np.full(48, 10.0)
    sel = combine_and_forecast(flat, toys(a=(10.0, 0.0), b=(10.0, 0.0)), ("a", "b"), FOLDS, h=6)
    assert sel.width_factor is None and sel.model == "a+b"
