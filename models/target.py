"""Full-year outlook against an annual target, from simulated sample paths of the remaining months.

The probability of meeting the target is the share of simulated full years that reach it: paths
keep the correlation between months, which a normal guess on summed monthly intervals loses.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from models.base import LEVELS


@dataclass(frozen=True)
class Outlook:
    """Projected full year (value and growth) with bounds, required growth and P(meet target)."""

    projected: float
    bounds: dict[int, tuple[float, float]]
    growth: float
    growth_bounds: dict[int, tuple[float, float]]
    required_growth: float | None
    prob_meet: float
    n_paths: int


def required_growth(target_growth: float, ytd_growth: float, weight: float) -> float:
    """DOMAIN.md §5: growth the rest of the year needs, g2 = (G - w*g1) / (1 - w), w = B_ytd / B."""
    if not 0 <= weight < 1:
        raise ValueError(f"weight (base share of the elapsed months) must be in [0, 1), got {weight}")
    return (target_growth - weight * ytd_growth) / (1 - weight)


def required_growth_from_levels(target_growth: float, base_full_year: float, base_ytd: float,
                                ytd_actual: float) -> float:
    """The same in levels: g2 = ((1+G)*B - YTD) / (B - B_ytd) - 1."""
    if not 0 <= base_ytd < base_full_year:
        raise ValueError("last year's YTD base must be >= 0 and below the full-year base")
    return ((1 + target_growth) * base_full_year - ytd_actual) / (base_full_year - base_ytd) - 1


def monthly_requirements(remaining_base: Sequence[float], needed_growth: float) -> np.ndarray:
    """Per-period amounts that meet the target: last year's remaining periods (Jan-Feb as one) x (1+g2)."""
    return np.asarray(remaining_base, dtype=float) * (1 + needed_growth)


def _check(base_full_year: float, paths: np.ndarray) -> np.ndarray:
    if not base_full_year > 0:
        raise ValueError(f"full-year base must be positive, got {base_full_year}")
    paths = np.asarray(paths, dtype=float)
    if paths.ndim == 1:
        paths = paths[:, None]
    if paths.ndim != 2 or paths.shape[0] < 2 or not np.all(np.isfinite(paths)):
        raise ValueError("remaining_paths must be a finite (n_paths, n_remaining) array, n_paths >= 2")
    return paths


def full_year_outlook(ytd_actual: float, base_full_year: float, target_growth: float,
                      remaining_paths: np.ndarray, base_ytd: float | None = None,
                      levels: Sequence[int] = LEVELS) -> Outlook:
    """Full-year value = YTD actual + each path's sum of the remaining months (n_remaining may be 0)."""
    paths = _check(base_full_year, remaining_paths)
    totals = ytd_actual + paths.sum(axis=1)
    growth = totals / base_full_year - 1
    q = lambda a, lv: (float(np.quantile(a, 0.5 - lv / 200)), float(np.quantile(a, 0.5 + lv / 200)))  # noqa: E731
    needed = None
    if base_ytd is not None:
        needed = required_growth_from_levels(target_growth, base_full_year, base_ytd, ytd_actual)
    goal = (1 + target_growth) * base_full_year
    return Outlook(projected=float(totals.mean()), bounds={lv: q(totals, lv) for lv in levels},
                   growth=float(growth.mean()), growth_bounds={lv: q(growth, lv) for lv in levels},
                   required_growth=needed, prob_meet=float(np.mean(totals >= goal)),
                   n_paths=len(totals))
