"""STL decomposition + a non-seasonal model on the seasonally adjusted series (like R's `stlf`)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from models.base import LEVELS, FitInfo, Forecast, Model, check_fitted, check_input
from models.arima import Arima
from models.ets import ETS


class STLModel:
    """Seasonal part from STL, carried forward as the last seasonal cycle; `inner` forecasts the rest."""

    def __init__(self, m: int, inner: str = "ets", robust: bool = True, name: str | None = None,
                 warm: dict | None = None):
        self.m, self.inner_kind, self.robust, self.warm = int(m), inner, robust, warm
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
        seasonal = np.zeros(len(y))
        if self.m > 1:
            seasonal = np.asarray(STL(y, period=self.m, robust=self.robust).fit().seasonal, dtype=float)
        inner = self._make_inner().fit(y - seasonal)
        self._fitted = (inner, seasonal[-self.m:] if self.m > 1 else np.zeros(1))
        self.info = inner.info
        return self

    def _season(self, h: int) -> np.ndarray:
        last = self._fitted[1]
        return last[np.arange(h) % len(last)]

    def predict(self, h: int, levels: Sequence[int] = LEVELS) -> Forecast:
        check_fitted(self)
        fc, s = self._fitted[0].predict(h, levels), self._season(h)
        return Forecast(fc.mean + s, {k: v + s for k, v in fc.lower.items()},
                        {k: v + s for k, v in fc.upper.items()})

    def sample_paths(self, h: int, n: int, seed: int | None = None) -> np.ndarray:
        check_fitted(self)
        return self._fitted[0].sample_paths(h, n, seed) + self._season(h)
