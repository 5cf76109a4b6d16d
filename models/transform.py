"""Log transform around any model: multiplicative seasonality for additive models on positive data."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from models.base import LEVELS, Forecast, Model, ModelError, check_input

_MAX_LOG = 700.0  # exp overflow guard


class LogModel:
    """Fit `inner` on log(y); quantiles map back exactly, the point forecast is the median exp(mu)."""

    def __init__(self, inner: Model, name: str | None = None):
        self.inner = inner
        self.name = name or f"log_{inner.name}"

    @property
    def info(self):
        return self.inner.info

    def fit(self, y: np.ndarray) -> "LogModel":
        y = check_input(y, 1, self.name)
        if np.any(y <= 0):
            raise ModelError(f"{self.name}: needs strictly positive values")
        self.inner.fit(np.log(y))
        return self

    def predict(self, h: int, levels: Sequence[int] = LEVELS) -> Forecast:
        fc = self.inner.predict(h, levels)
        back = lambda a: np.exp(np.clip(a, -_MAX_LOG, _MAX_LOG))  # noqa: E731
        return Forecast(back(fc.mean), {k: back(v) for k, v in fc.lower.items()},
                        {k: back(v) for k, v in fc.upper.items()})

    def sample_paths(self, h: int, n: int, seed: int | None = None) -> np.ndarray:
        return np.exp(np.clip(self.inner.sample_paths(h, n, seed), -_MAX_LOG, _MAX_LOG))
