"""Seasonal naive, naive and drift: the baselines every other model has to beat."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from models.base import LEVELS, FitInfo, Forecast, check_fitted, check_input, normal_forecast


class RandomWalk:
    """y[t] = y[t-m] + c + e: seasonal naive (m>1), naive (m=1), optionally with drift c."""

    def __init__(self, m: int = 1, drift: bool = False, name: str | None = None):
        self.m, self.drift = int(m), bool(drift)
        self.name = name or ("snaive" if self.m > 1 else "naive") + ("_drift" if drift else "")
        self.info = FitInfo()
        self._fitted = None

    def fit(self, y: np.ndarray) -> "RandomWalk":
        y = check_input(y, self.m + 2, self.name)
        diffs = y[self.m:] - y[:-self.m]
        c = float(diffs.mean()) if self.drift else 0.0
        resid = diffs - c
        sigma = float(np.sqrt(np.mean(resid ** 2) * len(resid) / max(len(resid) - self.drift, 1)))
        self._fitted = (y[-self.m:].copy(), c, sigma, len(diffs))
        self.info = FitInfo(converged=True)
        return self

    def _steps(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        """Seasonal position and number of seasonal steps for each horizon step."""
        idx = np.arange(h)
        return idx % self.m, idx // self.m + 1

    def predict(self, h: int, levels: Sequence[int] = LEVELS) -> Forecast:
        check_fitted(self)
        last, c, sigma, n = self._fitted
        pos, k = self._steps(h)
        mean = last[pos] + k * c
        var = k + (k ** 2 / n if self.drift else 0.0)
        return normal_forecast(mean, sigma * np.sqrt(var), levels)

    def sample_paths(self, h: int, n: int, seed: int | None = None) -> np.ndarray:
        check_fitted(self)
        last, c, sigma, nd = self._fitted
        rng = np.random.default_rng(seed)
        slope = c + (rng.normal(0, sigma / np.sqrt(nd), size=n) if self.drift else np.zeros(n))
        out = np.empty((n, self.m + h))
        out[:, :self.m] = last
        shocks = rng.normal(0.0, sigma, size=(n, h))
        for i in range(h):
            out[:, self.m + i] = out[:, i] + slope + shocks[:, i]
        return out[:, self.m:]


def seasonal_naive(m: int) -> RandomWalk:
    return RandomWalk(m=m, name="snaive")


def naive() -> RandomWalk:
    return RandomWalk(m=1, name="naive")


def drift() -> RandomWalk:
    return RandomWalk(m=1, drift=True, name="drift")


def seasonal_drift(m: int) -> RandomWalk:
    return RandomWalk(m=m, drift=True, name="snaive_drift")
