"""Theta method (statsmodels `ThetaModel`) on classically deseasonalised data, with simulated paths.

statsmodels' own Theta intervals ignore the seasonal factors and fit an extra SARIMAX for the
variance; here the variance comes from the in-sample SES errors (cheap) and paths are the
ARIMA(0,1,1) that Theta is equivalent to, re-seasonalised.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from models.base import LEVELS, FitInfo, Forecast, check_fitted, check_input, normal_forecast

_SEASONALITY_CRITICAL = 2.705543454095404  # 90% point of chi2(1), as statsmodels uses


def has_seasonality(y: np.ndarray, m: int, one_sided: bool = False, differenced: bool = False) -> bool:
    """The ACF test of the M3 Theta method: is lag-m autocorrelation significant? `one_sided`:
    only a positive one counts (a negative lag-m autocorrelation is what differencing over m
    periods leaves in a year-on-year rate, not a season). `differenced`: the test on the first
    differences, where a persistent (trending or wandering) series shows no spurious positive
    autocorrelation at lag m."""
    from statsmodels.tsa.stattools import acf

    if m < 2 or len(y) < 2 * m + 1:
        return False
    rho = acf(np.diff(y) if differenced else y, nlags=m, fft=True)
    if one_sided and rho[-1] <= 0:
        return False
    return bool(len(y) * rho[-1] ** 2 / np.sum(rho[:-1] ** 2) > _SEASONALITY_CRITICAL)


def seasonal_strength(y: np.ndarray, m: int) -> float:
    """STL seasonal strength Fs = max(0, 1 - Var(remainder) / Var(season + remainder)) (Wang,
    Smith & Hyndman 2006): near 0 without a season, near 1 for a regular one."""
    from statsmodels.tsa.seasonal import STL

    if m < 2 or len(y) < 2 * m + 1:
        return 0.0
    res = STL(np.asarray(y, dtype=float), period=m).fit()
    resid, season = np.asarray(res.resid), np.asarray(res.seasonal)
    total = np.var(season + resid)
    return float(max(0.0, 1.0 - np.var(resid) / total)) if total > 0 else 0.0


def seasonal_factors(y: np.ndarray, m: int, multiplicative: bool) -> np.ndarray:
    """Classical-decomposition seasonal indices for positions 0..m-1 of the sample."""
    from statsmodels.tsa.seasonal import seasonal_decompose

    res = seasonal_decompose(y, model="multiplicative" if multiplicative else "additive", period=m)
    return np.asarray(res.seasonal[:m], dtype=float)


class Theta:
    """Standard Theta (theta=2): SES with half the linear-trend drift, multiplicative season if positive."""

    def __init__(self, m: int, name: str = "theta", seasonal: bool | None = None):
        """`seasonal`: None decides by the M3 test on each fit; False never deseasonalises."""
        self.m, self.name, self.seasonal = int(m), name, seasonal
        self.info = FitInfo()
        self._fitted = None

    def fit(self, y: np.ndarray) -> "Theta":
        from statsmodels.tsa.forecasting.theta import ThetaModel

        y = check_input(y, max(2 * self.m, 6), self.name)
        mult = bool(np.all(y > 0))
        season = None
        if self.seasonal is not False and has_seasonality(y, self.m):
            season = seasonal_factors(y, self.m, mult)
            if mult and np.any(season <= 0):
                mult, season = False, seasonal_factors(y, self.m, False)
        pos = np.arange(len(y)) % self.m
        ydes = y if season is None else (y / season[pos] if mult else y - season[pos])
        res = ThetaModel(ydes, deseasonalize=False).fit()
        alpha = float(res.params["alpha"])
        sigma = _ses_sigma(ydes, alpha)
        self._fitted = (res, season, mult, alpha, sigma, len(y))
        self.info = FitInfo(converged=True)
        return self

    def _season(self, h: int) -> np.ndarray | None:
        res, season, mult, alpha, sigma, n = self._fitted
        return None if season is None else season[(n + np.arange(h)) % self.m]

    def _reseason(self, values: np.ndarray, h: int) -> np.ndarray:
        season, mult = self._season(h), self._fitted[2]
        if season is None:
            return values
        return values * season if mult else values + season

    def predict(self, h: int, levels: Sequence[int] = LEVELS) -> Forecast:
        check_fitted(self)
        res, season, mult, alpha, sigma, n = self._fitted
        mean_des = np.asarray(res.forecast(h), dtype=float)
        sd = sigma * np.sqrt(1.0 + np.arange(h) * alpha ** 2)
        if season is not None and mult:
            sd = sd * self._season(h)
        return normal_forecast(self._reseason(mean_des, h), sd, levels)

    def sample_paths(self, h: int, n: int, seed: int | None = None) -> np.ndarray:
        check_fitted(self)
        res, season, mult, alpha, sigma, nobs = self._fitted
        rng = np.random.default_rng(seed)
        e = rng.normal(0.0, sigma, size=(n, h))
        carried = alpha * np.cumsum(e, axis=1) - alpha * e  # alpha * sum of earlier shocks
        mean_des = np.asarray(res.forecast(h), dtype=float)
        return self._reseason(mean_des + carried + e, h)


def _ses_sigma(y: np.ndarray, alpha: float) -> float:
    """Standard deviation of the one-step SES errors (level starts at y[0], as ThetaModel does)."""
    from scipy.signal import lfilter

    # level[t] = alpha*y[t] + (1-alpha)*level[t-1], level[-1] = y[0]
    level, _ = lfilter([alpha], [1.0, alpha - 1.0], y, zi=[(1 - alpha) * y[0]])
    errors = y[1:] - level[:-1]
    errors = errors - errors.mean()
    return float(np.sqrt(np.mean(errors ** 2))) if len(errors) else 0.0
