"""(S)ARIMA with optional exogenous regressors (statsmodels `ARIMA`, a SARIMAX state space model)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from models.base import (LEVELS, FitInfo, Forecast, ModelError, check_fitted, check_input,
                         converged_flag)


class Arima:
    """ARIMA(p,d,q)(P,D,Q)m; `exog` covers the fit sample and the horizon (rows aligned to y)."""

    def __init__(self, order: tuple[int, int, int] = (0, 1, 1),
                 seasonal_order: tuple[int, int, int, int] = (0, 0, 0, 0),
                 trend: str | None = None, exog: np.ndarray | None = None, name: str | None = None):
        self.order, self.seasonal_order, self.trend = tuple(order), tuple(seasonal_order), trend
        self.exog = None if exog is None else np.asarray(exog, dtype=float).reshape(len(exog), -1)
        self.name = name or "arima"
        self._keep = np.zeros(0, dtype=bool)
        self.info = FitInfo()
        self._fitted = None

    def _exog(self, start: int, stop: int) -> np.ndarray | None:
        """Regressor rows start:stop, keeping only the columns that vary in the fit sample."""
        if self.exog is None or not self._keep.any():
            return None
        if stop > len(self.exog):
            raise ModelError(f"{self.name}: regressor covers {len(self.exog)} periods, need {stop}")
        return self.exog[start:stop, self._keep]

    def fit(self, y: np.ndarray) -> "Arima":
        from statsmodels.tsa.arima.model import ARIMA

        m = self.seasonal_order[3]
        y = check_input(y, max(2 * m + 3, 8), self.name)
        if self.exog is not None:
            self._keep = np.ptp(self.exog[:len(y)], axis=0) > 0
        x = self._exog(0, len(y))
        model = ARIMA(y, exog=x, order=self.order, seasonal_order=self.seasonal_order, trend=self.trend)
        try:
            result = model.fit(method_kwargs={"maxiter": 100}, cov_type="none")
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise ModelError(f"{self.name}: {exc}") from exc
        if not np.isfinite(result.llf):
            raise ModelError(f"{self.name}: non-finite likelihood")
        self._fitted, self._n = result, len(y)
        self.info = FitInfo(converged=converged_flag(result))
        return self

    def _future(self, h: int) -> np.ndarray | None:
        return self._exog(self._n, self._n + h)

    def predict(self, h: int, levels: Sequence[int] = LEVELS) -> Forecast:
        check_fitted(self)
        pred = self._fitted.get_forecast(h, exog=self._future(h))
        mean = np.asarray(pred.predicted_mean, dtype=float)
        ints = {lv: np.asarray(pred.conf_int(alpha=1 - lv / 100.0), dtype=float) for lv in levels}
        return Forecast(mean, {k: v[:, 0] for k, v in ints.items()}, {k: v[:, 1] for k, v in ints.items()})

    def sample_paths(self, h: int, n: int, seed: int | None = None) -> np.ndarray:
        check_fitted(self)
        sims = self._fitted.simulate(h, anchor="end", repetitions=n, exog=self._future(h),
                                     rng=np.random.default_rng(seed))
        return np.asarray(sims, dtype=float).reshape(h, n).T


def airline(m: int, exog: np.ndarray | None = None, name: str | None = None) -> Arima:
    """The airline model ARIMA(0,1,1)(0,1,1)m, with the Spring Festival regressor when given."""
    return Arima((0, 1, 1), (0, 1, 1, m) if m > 1 else (0, 0, 0, 0), exog=exog,
                 name=name or ("sarima_cny" if exog is not None else "sarima"))
