"""STL decomposition + a non-seasonal model on the seasonally adjusted series (like R's `stlf`)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from models.base import LEVELS, FitInfo, Forecast, Model, ModelError, check_fitted, check_input
from models.arima import Arima
from models.ets import ETS


def calendar_effect(exog: np.ndarray, n: int, m: int, remainder: np.ndarray) -> np.ndarray:
    """Effect of moving-holiday regressors on every row of `exog` (fit rows first): OLS of the STL
    remainder on the regressors centred per season slot, so the average pattern stays seasonal."""
    x = np.asarray(exog, dtype=float).reshape(len(exog), -1)
    slots = np.arange(len(x)) % m
    means = np.array([x[:n][slots[:n] == k].mean(axis=0) for k in range(m)])
    xc = x - means[slots]
    keep = np.ptp(xc[:n], axis=0) > 1e-12
    if not keep.any():
        return np.zeros(len(x))
    beta = np.linalg.lstsq(xc[:n, keep], remainder, rcond=None)[0]
    return xc[:, keep] @ beta


class STLModel:
    """Seasonal part from STL, carried forward as the last seasonal cycle; `inner` forecasts the rest.

    With `exog` (e.g. Spring Festival shares, rows aligned to y and the horizon) the holiday effect
    is estimated from the STL remainder, removed before the inner model and added back to forecasts."""

    def __init__(self, m: int, inner: str = "ets", robust: bool = False, name: str | None = None,
                 warm: dict | None = None, exog: np.ndarray | None = None):
        self.m, self.inner_kind, self.robust, self.warm, self.exog = int(m), inner, robust, warm, exog
        self.name = name or f"stl_{inner}"
        self.info = FitInfo()
        self._fitted = None

    def _make_inner(self) -> Model:
        if self.inner_kind == "ets":
            return ETS(1, "add", "add", True, None, warm=self.warm)
        return Arima(order=(0, 1, 1), trend="t")

    def fit(self, y: np.ndarray) -> "STLModel":
        from statsmodels.tsa.seasonal import STL

        y = check_input(y, 2 * self.m + 2, self.name)
        n, seasonal, effect = len(y), np.zeros(len(y)), np.zeros(len(y))
        if self.m > 1:
            stl = STL(y, period=self.m, robust=self.robust).fit()
            seasonal = np.asarray(stl.seasonal, dtype=float)
            if self.exog is not None:
                if len(self.exog) < n:
                    raise ModelError(f"{self.name}: regressor covers {len(self.exog)} periods, need {n}")
                effect = calendar_effect(self.exog, n, self.m, np.asarray(stl.resid, dtype=float))
        inner = self._make_inner().fit(y - seasonal - effect[:n])
        self._fitted = (inner, seasonal[-self.m:] if self.m > 1 else np.zeros(1), effect[n:])
        self.info = inner.info
        return self

    def _season(self, h: int) -> np.ndarray:
        last, future = self._fitted[1], self._fitted[2]
        if len(future) and len(future) < h:
            raise ModelError(f"{self.name}: regressor does not cover {h} future periods")
        return last[np.arange(h) % len(last)] + (future[:h] if len(future) else 0.0)

    def predict(self, h: int, levels: Sequence[int] = LEVELS) -> Forecast:
        check_fitted(self)
        fc, s = self._fitted[0].predict(h, levels), self._season(h)
        return Forecast(fc.mean + s, {k: v + s for k, v in fc.lower.items()},
                        {k: v + s for k, v in fc.upper.items()})

    def sample_paths(self, h: int, n: int, seed: int | None = None) -> np.ndarray:
        check_fitted(self)
        return self._fitted[0].sample_paths(h, n, seed) + self._season(h)
