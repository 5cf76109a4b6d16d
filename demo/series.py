"""Monthly series (千元, floats) of every unit: annual levels spread over the calendar.

Industrial firms: output, sales, exports and finance. Trade units: goods and retail sales.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from demo.population import INDUSTRY_PLAN, NEVER, TRADE_PLAN, filing_mask
from demo.seasons import YEARS, industry_weights, retail_weights

# R&D expense / operating revenue of the zone's filers, by simulated year (2018..2024).
RD_RATE = (0.024, 0.026, 0.0275, 0.029, 0.0305, 0.0324, 0.033)
_RD_INDUSTRY = {"储能": 1.5, "电动工具": 1.2, "车业": 1.1, "金属材料": 0.7, "门业": 0.9}


def annual_levels(frame: pd.DataFrame, plan: np.ndarray, rng: np.random.Generator,
                  noise: float) -> np.ndarray:
    """(unit, year) levels anchored at `size` in the entry year; plan is (unit, 2019..2024) growth."""
    n, years = len(frame), len(YEARS)
    growth = np.zeros((n, years))
    growth[:, 1:] = plan + rng.normal(0.0, noise, (n, years - 1))
    rows = np.arange(n)
    entry = frame["entry_year"].to_numpy()
    anchor = entry - YEARS[0]
    entrant = entry > 2019
    growth[rows[entrant], anchor[entrant]] = rng.uniform(0.15, 0.5, entrant.sum())
    exit_idx = frame["exit_year"].to_numpy() - YEARS[0]
    fading = (frame["exit_year"].to_numpy() != NEVER) & (exit_idx - 1 > anchor)
    growth[rows[fading], exit_idx[fading] - 1] = -rng.uniform(0.05, 0.25, fading.sum())
    log_level = np.cumsum(np.log1p(np.clip(growth, -0.5, 1.0)), axis=1)
    log_level -= log_level[rows, anchor][:, None]
    return frame["size"].to_numpy()[:, None] * np.exp(log_level)


def spread(levels: np.ndarray, weights: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """(unit, year, month) flows: annual levels spread by a (year, month) calendar, with noise."""
    return levels[:, :, None] * weights[None, :, :] * rng.lognormal(0.0, noise, levels.shape + (12,))


def output_levels(firms: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """(firm, year) annual output level following the firm's industry plan."""
    plan = np.array([INDUSTRY_PLAN[k][2] for k in firms["group"]], dtype=float) / 100.0
    return annual_levels(firms, plan, rng, noise=0.07)


def monthly_output(levels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(firm, year, month) gross output: annual level spread by the seasonal calendar."""
    return spread(levels, industry_weights(), rng, noise=0.035)


def sales_and_exports(output: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Sales output (about 97.5% of output) and export delivery (a firm-specific share of sales)."""
    n = output.shape[0]
    ratio = np.clip(rng.normal(0.975, 0.012, n), 0.93, 1.02)
    sales = output * ratio[:, None, None] * rng.lognormal(0.0, 0.01, output.shape)
    share = np.where(rng.random(n) < 0.35, 0.0, rng.uniform(0.05, 0.75, n))
    drift = np.clip(share[:, None] + rng.normal(0.0, 0.03, (n, len(YEARS))), 0.0, 0.9)
    exports = sales * drift[:, :, None] * rng.lognormal(0.0, 0.05, output.shape)
    return sales, exports


def revenue_and_rd(output: np.ndarray, firms: pd.DataFrame, rng: np.random.Generator) -> tuple:
    """Operating revenue (tracks output) and R&D expense at the zone's yearly R&D rate."""
    n = output.shape[0]
    revenue = output * rng.uniform(0.96, 1.08, n)[:, None, None] * rng.lognormal(0.0, 0.02, output.shape)
    mult = rng.lognormal(0.0, 0.5, n) * firms["group"].map(lambda k: _RD_INDUSTRY.get(k, 1.0)).to_numpy()
    rd = revenue * mult[:, None, None]
    for yi, year in enumerate(YEARS):
        filing = filing_mask(firms, max(year, 2019))
        level = rd[filing, yi].sum() / revenue[filing, yi].sum()
        rd[:, yi] *= RD_RATE[yi] / level
    return revenue, rd


def finance_rest(revenue: np.ndarray, rd: np.ndarray, rng: np.random.Generator) -> dict:
    """Operating cost, taxes and total profit consistent with revenue and R&D; some firms lose money."""
    n, years = revenue.shape[:2]
    cost_ratio = np.clip(rng.normal(0.835, 0.035, n)[:, None] + rng.normal(0.0, 0.012, (n, years)), 0.65, 0.97)
    expense = rng.uniform(0.05, 0.09, n)[:, None, None]
    tax = rng.uniform(0.004, 0.009, n)[:, None, None]
    cost = revenue * cost_ratio[:, :, None]
    profit = revenue * (1.0 - cost_ratio[:, :, None] - expense - tax) - rd
    return {"operating_cost": cost, "taxes": revenue * tax, "total_profit": profit}


def employees(levels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(firm, year) average employees from output and a firm's labour productivity."""
    productivity = rng.uniform(600.0, 1400.0, levels.shape[0])[:, None]
    return np.maximum(8, np.rint(levels / productivity)).astype(np.int64)


def trade_series(trades: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Goods sales and retail sales; retail is a unit-specific, slowly drifting share of goods."""
    plan = np.array([TRADE_PLAN[c][3] for c in trades["group"]], dtype=float) / 100.0
    levels = annual_levels(trades, plan, rng, noise=0.08)
    retail = spread(levels * trades["retail_share"].to_numpy()[:, None], retail_weights(), rng, 0.05)
    drift = np.clip(rng.normal(0.0, 0.01, (len(trades), len(YEARS))), -0.02, 0.02)
    share = np.clip(trades["retail_share"].to_numpy()[:, None] + drift, 0.005, 0.995)
    goods = retail / share[:, :, None]
    return {"goods_sales": goods, "retail_sales": retail}
