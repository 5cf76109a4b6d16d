"""Every model fits a synthetic seasonal series and returns sane forecasts, intervals and paths."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from models.arima import AutoArima, airline
from models.baselines import drift, naive, seasonal_drift, seasonal_naive
from models.base import ModelError
from models.calendar_cn import cny_regressors
from models.ets import AutoETS, ETS, default_ets
from models.stl import STLModel
from models.theta import Theta
from models.transform import LogModel

import pandas as pd

M, N, H = 12, 72, 6


def seasonal_series(n: int = N + H, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 100 + 0.5 * t + 15 * np.sin(2 * np.pi * t / M) + rng.normal(0, 2, n)


PERIODS = pd.date_range("2015-01-01", periods=N + H, freq="MS")
MODELS = {
    "snaive": lambda: seasonal_naive(M),
    "naive": naive,
    "drift": drift,
    "snaive_drift": lambda: seasonal_drift(M),
    "theta": lambda: Theta(M),
    "ets_AAdA": lambda: ETS(M, "add", "add", True, "add"),
    "ets_MAdM": lambda: ETS(M, "mul", "add", True, "mul"),
    "ets_default": lambda: default_ets(M),
    "stl_ets": lambda: STLModel(M, "ets"),
    "log_stl_arima": lambda: LogModel(STLModel(M, "arima")),
    "sarima_cny": lambda: airline(M, exog=cny_regressors(PERIODS)),
    "sarima": lambda: airline(M),
    "ets_auto": lambda: AutoETS(M),
    "ets_ANN": lambda: ETS(1, "add", None, False, None),
    "arima_auto": lambda: AutoArima(),
}
SEASONAL = {"theta", "ets_AAdA", "ets_MAdM", "ets_default", "stl_ets", "log_stl_arima", "sarima_cny", "sarima", "ets_auto",
            "snaive", "snaive_drift"}


@pytest.mark.parametrize("name", list(MODELS))
def test_model_fits_predicts_and_simulates(name):
    y = seasonal_series()
    train, test = y[:N], y[N:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MODELS[name]().fit(train)
        fc = model.predict(H, (80, 95))
        paths = model.sample_paths(H, 400, seed=3)
    assert fc.mean.shape == (H,) and np.all(np.isfinite(fc.mean))
    assert np.all(fc.lower[95] <= fc.lower[80] + 1e-9) and np.all(fc.lower[80] <= fc.mean + 1e-9)
    assert np.all(fc.mean <= fc.upper[80] + 1e-9) and np.all(fc.upper[80] <= fc.upper[95] + 1e-9)
    assert paths.shape == (400, H) and np.all(np.isfinite(paths))
    width = fc.upper[95] - fc.lower[95]
    assert np.all(width > 0) and np.all(width < 100), width
    path_sd, normal_sd = paths.std(axis=0), width / (2 * 1.96)
    assert np.all(path_sd < 2.5 * normal_sd) and np.all(path_sd > 0.3 * normal_sd)
    if name in SEASONAL:  # the seasonal models follow the sine: small errors
        assert np.mean(np.abs(fc.mean - test)) < 8, (fc.mean, test)
        assert np.mean((test >= fc.lower[95]) & (test <= fc.upper[95])) >= 0.66


def test_refit_is_deterministic_and_predict_before_fit_fails():
    y = seasonal_series()
    a = Theta(M).fit(y).predict(H).mean
    b = Theta(M).fit(y).predict(H).mean
    np.testing.assert_allclose(a, b)
    with pytest.raises(ModelError):
        Theta(M).predict(H)


def test_input_problems_raise_model_error():
    with pytest.raises(ModelError):
        ETS(M, "mul", "add", True, "mul").fit(np.r_[0.0, seasonal_series()[1:N]])
    with pytest.raises(ModelError):
        seasonal_naive(M).fit(np.r_[np.nan, seasonal_series()[1:N]])
    with pytest.raises(ModelError):
        LogModel(naive()).fit(np.r_[-1.0, seasonal_series()[1:N]])


def test_paths_are_reproducible_and_sum_correlated():
    y = seasonal_series()
    model = Theta(M).fit(y)
    np.testing.assert_allclose(model.sample_paths(H, 50, seed=7), model.sample_paths(H, 50, seed=7))
    paths = model.sample_paths(H, 4000, seed=1)
    # level shocks carry over: the sum varies more than independent months would
    assert paths.sum(axis=1).var() > paths.var(axis=0).sum()


def test_spring_festival_regressor_removes_the_moving_holiday():
    """A series lifted in the festival's month: with the regressor, STL+ETS gets Jan-Feb 2025 right."""
    periods = pd.date_range("2012-01-01", "2025-02-01", freq="MS")
    x = cny_regressors(periods)
    rng = np.random.default_rng(5)
    t = np.arange(len(periods))
    y = 500 + t + 30 * np.sin(2 * np.pi * t / 12) + 120 * x[:, 0] + rng.normal(0, 3, len(t))
    train, test = y[:-2], y[-2:]  # New Year 2025-01-29: the window is mostly in January
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = STLModel(12, "ets").fit(train).predict(2).mean
        festive = STLModel(12, "ets", exog=x).fit(train).predict(2).mean
        sarima = airline(12, exog=x).fit(train).predict(2).mean
    assert np.abs(festive - test).mean() < 0.5 * np.abs(plain - test).mean()
    assert np.abs(sarima - test).mean() < 0.5 * np.abs(plain - test).mean()


def test_airline_on_the_differenced_series_matches_the_state_space_fit():
    """The fast airline (SARIMAX on the differenced series) gives the full model's forecasts."""
    from models.arima import Arima, DifferencedArima

    y = np.log(seasonal_series())[:N]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = DifferencedArima((0, 1, 1), (0, 1, 1, M)).fit(y).predict(H)
        full = Arima((0, 1, 1), (0, 1, 1, M)).fit(y).predict(H)
    np.testing.assert_allclose(fast.mean, full.mean, rtol=1e-4)
    np.testing.assert_allclose(fast.upper[95] - fast.mean, full.upper[95] - full.mean, rtol=2e-2)


def test_auto_arima_reverts_to_the_mean_of_a_stationary_series_and_stays_flat_on_a_random_walk():
    rng = np.random.default_rng(11)
    e = rng.normal(0, 1, 300)
    ar = np.zeros(300)
    for t in range(1, 300):  # AR(1) around 5 with phi 0.7, started far above the mean
        ar[t] = 0.7 * ar[t - 1] + e[t]
    ar = 5 + ar[-120:]
    ar[-1] = 12.0  # far above its mean: the forecast must come back towards 5
    warm = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = AutoArima(warm=warm).fit(ar).predict(24)
    assert warm["order"][1] == 0  # KPSS: stationary, no differencing, a mean
    assert fc.mean[0] < 12 and abs(fc.mean[-1] - 5) < 1.5, fc.mean
    walk = 50 + np.cumsum(rng.normal(0, 1, 120))
    warm = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = AutoArima(warm=warm).fit(walk).predict(12)
        again = AutoArima(warm=warm).fit(walk[:-6])  # the order chosen first is kept for later fits
    assert warm["order"][1] == 1 and again._best.order == warm["order"]
    assert np.ptp(fc.mean) < 0.5 * walk.std(), fc.mean  # no drift: the forecast does not trend away


def test_theta_without_a_season_is_not_deseasonalised():
    y = seasonal_series()[:N]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seasonal = Theta(M).fit(y).predict(H)
        flat = Theta(M, seasonal=False).fit(y).predict(H)
    assert np.ptp(seasonal.mean) > 10 and np.ptp(flat.mean) < 3  # the sine, or a (drifting) line
