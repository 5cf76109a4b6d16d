"""The true zone: units plus calibrated monthly flows in integer units of 100 yuan."""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from demo import projects as proj, series
from demo.calibrate import (H1, TARGETS, Y23, Y24, fit_industries, fit_sei_and_second_half, growth_ratio,
                                    h1, settle, to_units)
from demo.identity import Registry
from demo.population import assign_sei, build_firms, build_trades, filing_mask


@dataclass
class Zone:
    """Ground truth. Flows are (unit, year, month) int64 arrays in 100-yuan units (0.1 千元)."""

    firms: pd.DataFrame
    trades: pd.DataFrame
    projects: pd.DataFrame
    industry: dict[str, np.ndarray]
    employees: np.ndarray
    trade: dict[str, np.ndarray]
    invest: np.ndarray
    project_files: np.ndarray
    registry: Registry


def build_zone(seed: int) -> Zone:
    """Draw the population, simulate the series and calibrate them onto the published H1-2024 figures."""
    registry = Registry(_rng(seed, "identity"))
    firms = build_firms(registry, _rng(seed, "firms"))
    trades = build_trades(registry, _rng(seed, "trades"))
    projects = proj.build_projects(firms, registry, _rng(seed, "projects"))
    flows, employees = _industry(firms, _rng(seed, "industry"))
    invest, files = _investment(projects, _rng(seed, "investment"))
    return Zone(firms, trades, projects, flows, employees, _trade(trades, _rng(seed, "trade")),
                invest, files, registry)


def _rng(seed: int, name: str) -> np.random.Generator:
    """An independent stream per component, so one component's draws never shift another's."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def _industry(firms: pd.DataFrame, rng: np.random.Generator) -> tuple[dict, np.ndarray]:
    """Output, sales, exports and finance of industrial firms, calibrated for the 2024 register."""
    s = filing_mask(firms, 2024)
    levels = series.output_levels(firms, rng)
    output = series.monthly_output(levels, rng)
    fit_industries(output, firms, s)
    h1_now, h1_before = output[:, Y24, :H1].sum(axis=1), output[:, Y23, :H1].sum(axis=1)
    innovative = h1_now / h1_before + rng.normal(0.0, 0.08, len(firms))  # SEI firms tend to grow faster
    assign_sei(firms, h1_now, s, TARGETS["sei_output_share"], innovative)
    fit_sei_and_second_half(output, firms, s)
    growth = 1.0 + TARGETS["industrial_output_growth"]
    out = {"gross_output": settle(output, [(s, lambda v: growth_ratio(v, s), growth)])}
    sales, exports = series.sales_and_exports(output, rng)
    out["sales_output"], out["export_delivery"] = to_units(sales), to_units(exports)
    revenue, rd = series.revenue_and_rd(output, firms, rng)
    rd_growth = 1.0 + TARGETS["rd_expense_growth"]
    out["rd_expense"] = settle(rd, [(s, lambda v: growth_ratio(v, s), rd_growth)])
    rd_h1 = h1(out["rd_expense"], s, Y24)
    fit = lambda v: h1(v, s, Y24) * TARGETS["rd_expense_ratio"] / rd_h1  # noqa: E731
    out["operating_revenue"] = settle(revenue, [(s, fit, 1.0)])
    for name, values in series.finance_rest(revenue, rd, rng).items():
        out[name] = to_units(values)
    return out, series.employees(levels, rng)


def _trade(trades: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Goods and retail sales of trade units, retail calibrated for the 2024 register."""
    s = filing_mask(trades, 2024)
    flows = series.trade_series(trades, rng)
    target = 1.0 + TARGETS["retail_sales_growth"]
    retail = settle(flows["retail_sales"], [(s, lambda v: growth_ratio(v, s), target)],
                    companions=(flows["goods_sales"],))
    return {"retail_sales": retail, "goods_sales": np.maximum(to_units(flows["goods_sales"]), retail)}


def _investment(projects: pd.DataFrame, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Completed investment calibrated for total and manufacturing growth; planned totals kept above it."""
    flows, files = proj.investment(projects, rng)
    manuf = projects["is_manufacturing"].to_numpy(dtype=bool)
    every = np.ones(len(projects), dtype=bool)
    total = 1.0 + TARGETS["fai_growth"]

    def other_fit(v: np.ndarray) -> float:
        """Non-manufacturing 2024 investment relative to what the total growth needs."""
        need = total * h1(v, every & files[:, Y23, H1 - 1], Y23) - h1(v, manuf & files[:, Y24, H1 - 1], Y24)
        return h1(v, ~manuf & files[:, Y24, H1 - 1], Y24) / need

    steps = [(manuf, lambda v: growth_ratio(v, manuf, files), 1.0 + TARGETS["manufacturing_investment_growth"]),
             (~manuf, other_fit, 1.0)]
    units = settle(flows, steps)
    proj.settle_planned(projects, flows)
    return units, files
