"""The model protocol and the forecast result shared by every model and the orchestrator."""
from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

LEVELS: tuple[int, ...] = (80, 95)


class ModelError(RuntimeError):
    """A model could not fit or forecast this series (the orchestrator falls back)."""


def z_value(level: int) -> float:
    """Two-sided standard normal quantile for a central interval of `level` percent."""
    return NormalDist().inv_cdf(0.5 + level / 200.0)


@dataclass(frozen=True)
class Forecast:
    """Point forecasts and central intervals for h steps; `lower[80]` is the 80% lower bound."""

    mean: np.ndarray
    lower: dict[int, np.ndarray]
    upper: dict[int, np.ndarray]

    @property
    def h(self) -> int:
        return len(self.mean)

    def clipped(self, floor: float = 0.0) -> "Forecast":
        """Mean and bounds clipped from below (for series that cannot go negative)."""
        return Forecast(np.maximum(self.mean, floor),
                        {k: np.maximum(v, floor) for k, v in self.lower.items()},
                        {k: np.maximum(v, floor) for k, v in self.upper.items()})


@dataclass
class FitInfo:
    """What a fit reports besides its parameters: convergence and noteworthy messages."""

    converged: bool | None = None
    messages: list[str] = field(default_factory=list)


@runtime_checkable
class Model(Protocol):
    """One forecasting method: fit on a gap-free array, forecast h steps, simulate paths."""

    name: str
    info: FitInfo

    def fit(self, y: np.ndarray) -> "Model": ...

    def predict(self, h: int, levels: Sequence[int] = LEVELS) -> Forecast: ...

    def sample_paths(self, h: int, n: int, seed: int | None = None) -> np.ndarray: ...


def normal_forecast(mean: np.ndarray, sd: np.ndarray, levels: Sequence[int]) -> Forecast:
    """Gaussian intervals around `mean` with per-step standard deviation `sd`."""
    mean, sd = np.asarray(mean, float), np.asarray(sd, float)
    lower = {lv: mean - z_value(lv) * sd for lv in levels}
    upper = {lv: mean + z_value(lv) * sd for lv in levels}
    return Forecast(mean, lower, upper)


def paths_forecast(paths: np.ndarray, levels: Sequence[int], mean: np.ndarray | None = None) -> Forecast:
    """Intervals from the empirical quantiles of sample paths (n, h); mean given or path mean."""
    centre = paths.mean(axis=0) if mean is None else np.asarray(mean, float)
    lower = {lv: np.quantile(paths, 0.5 - lv / 200.0, axis=0) for lv in levels}
    upper = {lv: np.quantile(paths, 0.5 + lv / 200.0, axis=0) for lv in levels}
    return Forecast(centre, lower, upper)


def check_fitted(model: object, attr: str = "_fitted") -> None:
    """Raise ModelError when predict/sample_paths is called before fit."""
    if getattr(model, attr, None) is None:
        raise ModelError(f"{type(model).__name__}: call fit() first")


class BestOf:
    """A model that fits several candidates and keeps the best as `_best` (AutoETS, AutoArima):
    it forecasts and samples through that one."""

    _best: Model | None = None

    @property
    def _fitted(self):
        return self._best

    def predict(self, h: int, levels: Sequence[int] = LEVELS) -> Forecast:
        check_fitted(self, "_best")
        return self._best.predict(h, levels)

    def sample_paths(self, h: int, n: int, seed: int | None = None) -> np.ndarray:
        check_fitted(self, "_best")
        return self._best.sample_paths(h, n, seed)


def check_input(y: np.ndarray, min_len: int, name: str) -> np.ndarray:
    """A float array without missing values and at least `min_len` long, or ModelError."""
    y = np.asarray(y, dtype=float)
    if y.ndim != 1 or len(y) < min_len:
        raise ModelError(f"{name}: needs at least {min_len} observations, got {len(y)}")
    if not np.all(np.isfinite(y)):
        raise ModelError(f"{name}: input has missing or infinite values")
    return y


def converged_flag(result: object) -> bool | None:
    """statsmodels' own convergence flag from `mle_retvals`, when the result has one."""
    retvals = getattr(result, "mle_retvals", None)
    if isinstance(retvals, dict) and "converged" in retvals:
        return bool(retvals["converged"])
    return None
