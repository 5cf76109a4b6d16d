"""Scale the 2024 values so the H1-2024 indicators of the true data hit the published figures."""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from demo.population import INDUSTRY_PLAN
from demo.seasons import year_index

TARGETS = {
    "industrial_output_growth": 0.110, "fai_growth": 0.314, "manufacturing_investment_growth": 0.517,
    "retail_sales_growth": 0.3735, "rd_expense_ratio": 0.033, "rd_expense_growth": 0.129,
    "sei_output_share": 0.15, "hardware_industries_growing": 7,
}
FULL_YEAR_OUTPUT_GROWTH = 0.09
Y23, Y24 = year_index(2023), year_index(2024)
H1 = 6  # months January..June
TOLERANCE = 2e-6  # relative; 0.0003 percentage points on a growth rate, the brief allows 0.004


class CalibrationError(RuntimeError):
    """The generated data could not be brought onto the published indicators."""


def to_units(values: np.ndarray) -> np.ndarray:
    """千元 floats -> integer units of 100 yuan (0.1 千元 = 0.01 万元, the written precision)."""
    return np.rint(values * 10.0).astype(np.int64)


def h1(values: np.ndarray, rows: np.ndarray, yi: int) -> float:
    """Sum over rows of January-June of one year."""
    return float(values[rows, yi, :H1].sum())


def fit_industries(output: np.ndarray, firms: pd.DataFrame, s: np.ndarray) -> None:
    """Each industry to its planned H1-2024 growth, all jointly scaled so the zone grows 11.0%."""
    groups = firms["group"].to_numpy()
    plan = {k: 1.0 + INDUSTRY_PLAN[k][2][-1] / 100.0 for k in INDUSTRY_PLAN}
    prior = {k: h1(output, s & (groups == k), Y23) for k in plan}
    lam = (1.0 + TARGETS["industrial_output_growth"]) * sum(prior.values())
    lam /= sum(plan[k] * prior[k] for k in plan)
    for k in plan:
        rows = s & (groups == k)
        output[rows, Y24] *= lam * plan[k] * prior[k] / h1(output, rows, Y24)


def fit_sei_and_second_half(output: np.ndarray, firms: pd.DataFrame, s: np.ndarray) -> None:
    """SEI output to exactly 15% of the scope (industry totals kept), then H2 slowing to the full-year figure."""
    _split_sei(output, firms["group"].to_numpy(), firms["sei_flag"].to_numpy(dtype=bool), s)
    _slow_second_half(output, s)


def _split_sei(output: np.ndarray, groups: np.ndarray, sei: np.ndarray, s: np.ndarray) -> None:
    """Within industries that are partly SEI, shift output between SEI and other firms."""
    mixed = [k for k in np.unique(groups[s & sei]) if (s & ~sei & (groups == k)).any()]
    in_mixed = np.isin(groups, mixed)
    total = h1(output, s, Y24)
    fixed = h1(output, s & sei & ~in_mixed, Y24)
    sigma = (TARGETS["sei_output_share"] * total - fixed) / h1(output, s & sei & in_mixed, Y24)
    for k in mixed:
        rows_sei, rows_non = s & sei & (groups == k), s & ~sei & (groups == k)
        c_sei, c_non = h1(output, rows_sei, Y24), h1(output, rows_non, Y24)
        output[rows_sei, Y24] *= sigma
        output[rows_non, Y24] *= (c_sei + c_non - sigma * c_sei) / c_non


def _slow_second_half(output: np.ndarray, s: np.ndarray) -> None:
    """Let growth fade gradually from July so the full year lands on FULL_YEAR_OUTPUT_GROWTH."""
    need = (1.0 + FULL_YEAR_OUTPUT_GROWTH) * output[s, Y23].sum() - h1(output, s, Y24)
    months = output[s, Y24, H1:].sum(axis=0)
    ramp = np.arange(1, 7) / 6.0
    k = (months.sum() - need) / (months * ramp).sum()
    output[np.ix_(s, [Y24], range(H1, 12))] *= (1.0 - k * ramp)[None, None, :]


def growth_ratio(values: np.ndarray, rows: np.ndarray, files: np.ndarray | None = None) -> float:
    """H1-2024 over H1-2023 of the rows (optionally only those filing in June of each year)."""
    if files is None:
        return h1(values, rows, Y24) / h1(values, rows, Y23)
    return h1(values, rows & files[:, Y24, H1 - 1], Y24) / h1(values, rows & files[:, Y23, H1 - 1], Y23)


Step = tuple[np.ndarray, Callable[[np.ndarray], float], float]  # rows, measure, target


def settle(values: np.ndarray, steps: list[Step], companions: tuple[np.ndarray, ...] = ()) -> np.ndarray:
    """Round to units, measure, and scale each step's rows in 2024 by target/measured until all hit.

    Companion arrays get the same factors (e.g. goods sales follow retail sales).
    """
    for _ in range(10):
        units = to_units(values)
        misses = [(rows, measure(units), target) for rows, measure, target in steps]
        misses = [(rows, got, target) for rows, got, target in misses if abs(got / target - 1.0) > TOLERANCE]
        if not misses:
            return units
        for rows, got, target in misses:
            for array in (values, *companions):
                array[rows, Y24] *= target / got
    raise CalibrationError(f"could not settle: {[(got, target) for _, got, target in misses]}")
