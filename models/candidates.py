"""The candidate models offered to the orchestrator for one prepared series."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from models.arima import airline
from models.baselines import drift, naive, seasonal_drift, seasonal_naive
from models.calendar_cn import cny_regressors
from models.ets import ETS, AutoETS, default_ets
from models.janfeb import MERGED, Layout, next_slots
from models.prepare import Prepared
from models.select import Factory
from models.stl import STLModel
from models.theta import Theta
from models.transform import LogModel

# Chosen by the accuracy benchmark (docs/forecasting.md): what pays for its fitting time.
DEFAULT_CANDIDATES: tuple[str, ...] = ("snaive", "naive", "theta", "stl_ets", "ets_ANA")
ALL_CANDIDATES: tuple[str, ...] = DEFAULT_CANDIDATES + (
    "drift", "snaive_drift", "stl_arima", "ets_AAdA", "ets_MAdM", "ets_MNM", "ets_default",
    "sarima", "sarima_cny", "stl_ets_cny", "ets_auto")
FALLBACK: tuple[str, ...] = ("snaive", "naive")
# The default method: one member from each family, their median (docs/forecasting.md, "Method").
COMBINATION: tuple[str, ...] = ("ets_AAdA", "sarima", "theta", "stl_ets")
POSITIVE_ONLY = {"ets_MAdM", "ets_MNM"}


def _logged(model, positive: bool):
    """Log scale (multiplicative seasonality) when the series is strictly positive."""
    return LogModel(model, name=model.name) if positive else model


def festival_regressor(periods: pd.DatetimeIndex, layout: Layout, h: int) -> np.ndarray | None:
    """Spring Festival columns for the fit periods plus h future slots (None past the date table)."""
    future = next_slots(periods[-1], 2 * h + 2, layout)[:h]
    try:
        return cny_regressors(periods.append(future), merged_jan_feb=layout.kind == MERGED)
    except KeyError:
        return None


def factories(prep: Prepared, h: int, names: Sequence[str] = DEFAULT_CANDIDATES,
              seasonal_test: bool = False) -> dict[str, Factory]:
    """Factories for the requested candidate names that make sense for this series. With
    `seasonal_test`, a series without significant seasonality (the M3 Theta test at lag m) gets
    the non-seasonal forms of ETS, the airline ARIMA and STL+ETS."""
    m, positive = prep.m, prep.positive
    ms = m
    if seasonal_test:
        from models.theta import has_seasonality

        ms = m if has_seasonality(prep.y, m) else 1
    warm: dict[str, dict] = {name: {} for name in names}  # per series: warm starts across folds
    makers: dict[str, Factory] = {
        "snaive": lambda: seasonal_naive(m),
        "naive": naive,
        "drift": drift,
        "snaive_drift": lambda: seasonal_drift(m),
        "theta": lambda: Theta(m),
        "stl_ets": lambda: _logged(STLModel(ms, "ets", warm=warm.get("stl_ets")), positive),
        "stl_arima": lambda: _logged(STLModel(m, "arima"), positive),
        "ets_AAdA": lambda: ETS(ms, "add", "add", True, "add", warm=warm.get("ets_AAdA")),
        "ets_ANA": lambda: ETS(m, "add", None, False, "add", warm=warm.get("ets_ANA")),
        "ets_MAdM": lambda: ETS(m, "mul", "add", True, "mul", warm=warm.get("ets_MAdM")),
        "ets_MNM": lambda: ETS(m, "mul", None, False, "mul", warm=warm.get("ets_MNM")),
        "ets_default": lambda: default_ets(m),
        "ets_auto": lambda: AutoETS(m, warm=warm.get("ets_auto")),
        "sarima": lambda: _logged(airline(ms, warm=warm.get("sarima")), positive),
    }
    exog = festival_regressor(prep.periods, prep.layout, h) if {"sarima_cny", "stl_ets_cny"} & set(names) else None
    makers["stl_ets_cny"] = lambda: _logged(STLModel(m, "ets", warm=warm.get("stl_ets_cny"), exog=exog,
                                                     name="stl_ets_cny"), positive)
    if exog is not None:  # SARIMA needs the regressor; STL without it is plain stl_ets
        makers["sarima_cny"] = lambda: _logged(airline(m, exog=exog), positive)
    unknown = set(names) - set(ALL_CANDIDATES)
    if unknown:
        raise ValueError(f"unknown candidate models: {sorted(unknown)}")
    return {n: makers[n] for n in names if n in makers and (positive or n not in POSITIVE_ONLY)}
