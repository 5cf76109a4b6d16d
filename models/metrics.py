"""Accuracy measures used by the backtests and the benchmark."""
from __future__ import annotations

import numpy as np


def smape(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """Symmetric APE per point, in percent (0 where both are 0)."""
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    denom = np.abs(a) + np.abs(f)
    return np.where(denom > 0, 200.0 * np.abs(a - f) / np.where(denom > 0, denom, 1.0), 0.0)


def seasonal_scale(periods, values, lag_months: int = 12) -> float:
    """Mean absolute change against the same month `lag_months` earlier (gaps allowed), never 0."""
    import pandas as pd

    s = pd.Series(np.asarray(values, float), index=pd.DatetimeIndex(periods))
    prior = s.reindex(s.index - pd.DateOffset(months=lag_months)).to_numpy()
    diffs = np.abs(s.to_numpy() - prior)
    diffs = diffs[np.isfinite(diffs)]
    if len(diffs) and diffs.mean() > 0:
        return float(diffs.mean())
    step = np.abs(np.diff(s.to_numpy()))
    return float(step.mean()) if len(step) and step.mean() > 0 else float(np.mean(np.abs(s))) or 1.0


def covered(actual: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    a = np.asarray(actual, float)
    return (a >= np.asarray(lo, float)) & (a <= np.asarray(hi, float))
