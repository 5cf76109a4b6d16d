"""Exponential smoothing state space models (statsmodels `ETSModel`): additive or multiplicative, damped."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from models.base import (LEVELS, BestOf, FitInfo, Forecast, ModelError, check_fitted, check_input,
                         converged_flag, paths_forecast)

_EXACT = {"ANN", "AAN", "AAdN", "ANA", "AAA", "AAdA"}  # statsmodels has closed-form intervals
_SIM_PATHS = 500  # paths for the intervals of the other (multiplicative) forms


class ETS:
    """ETS(error, trend, seasonal); short names as in Hyndman et al., e.g. ets_AAdA, ets_MAdM."""

    def __init__(self, m: int, error: str = "add", trend: str | None = "add", damped: bool = True,
                 seasonal: str | None = "add", name: str | None = None, warm: dict | None = None):
        """`warm`: a dict shared by the fits of one series; each fit starts from the previous
        fit's parameters (backtest folds run oldest first, so no later data leaks in)."""
        self.m, self.error, self.trend, self.damped = int(m), error, trend, bool(damped and trend)
        self.warm = warm
        self.seasonal = seasonal if self.m > 1 else None
        self.name = name or "ets_" + self.code
        self.info = FitInfo()
        self._fitted = None

    @property
    def code(self) -> str:
        letter = {"add": "A", "mul": "M", None: "N"}
        return (letter[self.error] + letter[self.trend] + ("d" if self.damped else "")
                + letter[self.seasonal])

    def fit(self, y: np.ndarray) -> "ETS":
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        y = check_input(y, 2 * self.m + 2 if self.seasonal else 4, self.name)
        multiplicative = "mul" in (self.error, self.trend, self.seasonal)
        if multiplicative and np.any(y <= 0):
            raise ModelError(f"{self.name}: multiplicative form needs strictly positive values")
        import pandas as pd

        # a pandas input: statsmodels 0.15's get_prediction fails on plain arrays
        model = ETSModel(pd.Series(y), error=self.error, trend=self.trend, damped_trend=self.damped,
                         seasonal=self.seasonal, seasonal_periods=self.m if self.seasonal else None)
        start = None if self.warm is None else self.warm.get(self.code)
        try:
            result = _fit(model, start)
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise ModelError(f"{self.name}: {exc}") from exc
        if not np.isfinite(result.llf):
            raise ModelError(f"{self.name}: non-finite likelihood")
        if self.warm is not None:
            self.warm[self.code] = np.asarray(result.params, dtype=float)
        self._fitted, self._n = result, len(y)
        self.info = FitInfo(converged=converged_flag(result))
        return self

    def predict(self, h: int, levels: Sequence[int] = LEVELS) -> Forecast:
        check_fitted(self)
        result = self._fitted
        mean = np.asarray(result.forecast(h), dtype=float)
        if self.code in _EXACT:
            pred = result.get_prediction(start=self._n, end=self._n + h - 1)
            ints = {lv: np.asarray(pred.pred_int(alpha=1 - lv / 100.0)) for lv in levels}
            return Forecast(mean, {k: v[:, 0] for k, v in ints.items()},
                            {k: v[:, 1] for k, v in ints.items()})
        return paths_forecast(self.sample_paths(h, _SIM_PATHS, seed=0), levels, mean=mean)

    def sample_paths(self, h: int, n: int, seed: int | None = None) -> np.ndarray:
        check_fitted(self)
        sims = self._fitted.simulate(h, anchor="end", repetitions=n, rng=np.random.default_rng(seed))
        return np.asarray(sims, dtype=float).reshape(h, n).T


def _fit(model, start: np.ndarray | None):
    """Fit from the warm start if there is one, from statsmodels' defaults if that fails."""
    if start is not None:
        try:
            return model.fit(disp=False, maxiter=200, start_params=start)
        except (ValueError, np.linalg.LinAlgError):
            pass
    return model.fit(disp=False, maxiter=200)


def default_ets(m: int) -> ETS:
    """The plain benchmark ETS: additive error, damped additive trend, additive seasonality."""
    return ETS(m, "add", "add", True, "add" if m > 1 else None, name="ets_default")


class AutoETS(BestOf):
    """ETS with the form chosen by AICc (Hyndman et al. 2002), among additive forms and, for a
    strictly positive series, multiplicative ones; the chosen form is kept in `warm` for later fits
    of the same series (backtest folds, then the final fit)."""

    FORMS = (("add", None, False, "add"), ("add", "add", True, "add"))
    POSITIVE_FORMS = (("mul", None, False, "mul"), ("mul", "add", True, "mul"))

    def __init__(self, m: int, name: str = "ets_auto", warm: dict | None = None, reselect: bool = True):
        self.m, self.name, self.warm, self.reselect = int(m), name, warm, reselect
        self.info = FitInfo()
        self._best: ETS | None = None

    def fit(self, y: np.ndarray) -> "AutoETS":
        y = check_input(y, 2 * self.m + 2, self.name)
        forms = self.FORMS + (self.POSITIVE_FORMS if np.all(y > 0) else ())
        if not self.reselect and self.warm is not None and "form" in self.warm:
            forms = (self.warm["form"],)
        best, best_ic, errors = None, np.inf, []
        for form in forms:
            try:
                model = ETS(self.m, *form, warm=self.warm).fit(y)
            except ModelError as exc:
                errors.append(str(exc))
                continue
            ic = model._fitted.aicc
            if np.isfinite(ic) and ic < best_ic:
                best, best_ic = model, ic
                chosen = form
        if best is None:
            raise ModelError(f"{self.name}: no ETS form could be fitted ({'; '.join(errors)[:200]})")
        if self.warm is not None:
            self.warm["form"] = chosen
        self._best, self.info = best, best.info
        return self
