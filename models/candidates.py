"""The candidate models offered to the orchestrator for one prepared series."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from models.arima import AutoArima, airline
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
    "sarima", "sarima_cny", "stl_ets_cny", "ets_auto", "ets_ANN", "ets_AAdN", "arima_auto")
FALLBACK: tuple[str, ...] = ("snaive", "naive")
# The default method: one member from each family, their median (docs/forecasting.md, "Method").
COMBINATION: tuple[str, ...] = ("ets_AAdA", "sarima", "theta", "stl_ets")
# For a series without a season (`is_seasonal`): flat or mean-reverting members, no trend, no
# season (simple smoothing, a small ARIMA without drift, Theta); fitted on the whole history.
NONSEASONAL_COMBINATION: tuple[str, ...] = ("ets_ANN", "arima_auto", "theta")
SEASONALITY_TEST = "diff"
# A season weaker than the remainder (Fs < 0.5: Var(season) < Var(remainder) when uncorrelated)
STRENGTH = 0.5
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


def is_seasonal(prep: Prepared, test: bool | str = "m3", max_strength: float | None = None) -> bool:
    """Does the series have a season worth modelling? `test`: "m3" (or True) is the two-sided ACF
    test of the M3 Theta method at lag m; "positive" counts only a positive lag-m autocorrelation
    (a year-on-year rate has a negative one); "diff": the one-sided test on the first differences
    (a persistent series has a spurious positive one in levels); "strength": the STL seasonal
    strength alone, seasonal from `max_strength` (default STRENGTH) on; False: always seasonal.
    With `max_strength`, a series the test calls non-seasonal stays seasonal unless its STL
    seasonal strength (log scale for a positive series, as its models see it) is also below that.
    A series too short for the test (under 2m + 1 periods) is seasonal."""
    from models.theta import has_seasonality, seasonal_strength

    if not test or len(prep.y) < 2 * prep.m + 1:  # too short to test: seasonal, as without a test
        return True
    y = np.log(prep.y) if prep.positive else prep.y
    if test == "strength":
        return seasonal_strength(y, prep.m) >= (STRENGTH if max_strength is None else max_strength)
    if has_seasonality(prep.y, prep.m, one_sided=test in ("positive", "diff"), differenced=test == "diff"):
        return True
    if max_strength is None:
        return False
    return seasonal_strength(y, prep.m) >= max_strength


def factories(prep: Prepared, h: int, names: Sequence[str] = DEFAULT_CANDIDATES,
              seasonal_test: bool = False, seasonal: bool | None = None) -> dict[str, Factory]:
    """Factories for the requested candidate names that make sense for this series. With
    `seasonal_test`, a series without significant seasonality (the M3 Theta test at lag m) gets
    the non-seasonal forms of ETS, the airline ARIMA and STL+ETS. `seasonal=False` (a decision
    taken by `is_seasonal`) gives the non-seasonal forms of those and of Theta."""
    m, positive = prep.m, prep.positive
    ms, theta_seasonal = m, None
    if seasonal is not None:
        ms, theta_seasonal = (m, None) if seasonal else (1, False)
    elif seasonal_test:
        from models.theta import has_seasonality

        ms = m if has_seasonality(prep.y, m) else 1
    warm: dict[str, dict] = {name: {} for name in names}  # per series: warm starts across folds
    makers: dict[str, Factory] = {
        "snaive": lambda: seasonal_naive(m),
        "naive": naive,
        "drift": drift,
        "snaive_drift": lambda: seasonal_drift(m),
        "theta": lambda: Theta(m, seasonal=theta_seasonal),
        "stl_ets": lambda: _logged(STLModel(ms, "ets", warm=warm.get("stl_ets")), positive),
        "stl_arima": lambda: _logged(STLModel(m, "arima"), positive),
        "ets_AAdA": lambda: ETS(ms, "add", "add", True, "add", warm=warm.get("ets_AAdA")),
        "ets_ANN": lambda: ETS(1, "add", None, False, None, warm=warm.get("ets_ANN")),
        "ets_AAdN": lambda: ETS(1, "add", "add", True, None, warm=warm.get("ets_AAdN")),
        "arima_auto": lambda: AutoArima(warm=warm.get("arima_auto")),
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
