"""Who is in the zone: above-scale industrial enterprises and above-quota trade units, by year."""
from __future__ import annotations

import numpy as np
import pandas as pd

from demo import contract
from demo.identity import INDUSTRY_WORDS, TRADE_WORDS, Registry

NEVER = 9999
SUB_AREAS = ("核心区", "古山片区", "石柱片区", "农机产业园", "浙商回归产业园")
_SUB_AREA_P = (0.4, 0.2, 0.15, 0.1, 0.15)
# label: count weight, size multiplier, level growth % 2019..2024 (2024 = H1-2024 target), SEI area,
# share of firms that may be SEI (1.0: the whole industry is SEI)
INDUSTRY_PLAN = {
    "门业": (0.14, 1.0, (6, 3, 12, 2, 1, -4), "", 0.0),
    "杯壶": (0.11, 0.9, (8, 5, 15, 0, 6, 9), "", 0.0),
    "电动工具": (0.15, 1.3, (10, 8, 20, -2, 7, 16), "高端装备", 0.4),
    "车业": (0.12, 1.4, (5, -6, 14, 3, 9, 12), "高端装备", 0.3),
    "休闲运动器具": (0.08, 0.9, (9, 15, 22, -5, 3, 14), "", 0.0),
    "厨具": (0.09, 0.9, (5, 2, 10, 1, 4, 6), "", 0.0),
    "金属材料": (0.08, 1.6, (4, 1, 18, 4, 2, 10), "新材料", 0.4),
    "五金工具": (0.12, 0.8, (6, 0, 12, 1, 3, 5), "", 0.0),
    "储能": (0.025, 1.5, (25, 30, 45, 50, 35, 45), "新能源", 1.0),
    "其他": (0.08, 0.8, (6, 0, 10, 3, 4, 8), "", 0.0),
}
OTHER_CODES = ("3399", "2929", "3511", "3489", "2319")
# code: count weight, median annual goods sales (千元), retail share range, retail growth % 2019..2024
TRADE_PLAN = {
    "5174": (0.12, 60000, (0.02, 0.12), (6, 0, 12, 3, 5, 8)),
    "5123": (0.05, 40000, (0.05, 0.2), (5, 2, 8, 4, 4, 6)),
    "5175": (0.07, 50000, (0.02, 0.1), (7, -1, 14, 2, 6, 9)),
    "5137": (0.05, 45000, (0.05, 0.15), (4, -3, 9, 0, 5, 12)),
    "5162": (0.04, 90000, (0.01, 0.05), (3, -6, 15, 8, 2, 3)),
    "5261": (0.14, 45000, (0.88, 0.98), (5, -3, 12, 2, 8, 22)),
    "5292": (0.13, 25000, (0.9, 0.99), (40, 60, 50, 35, 40, 95)),
    "5211": (0.05, 25000, (0.85, 0.98), (5, -2, 6, 1, 4, 6)),
    "5212": (0.11, 15000, (0.9, 0.99), (5, 3, 6, 2, 4, 7)),
    "5265": (0.08, 30000, (0.92, 0.99), (4, -8, 10, 6, 3, 2)),
    "5271": (0.16, 12000, (0.8, 0.95), (3, -5, 8, -2, 5, 25)),
}
FIRM_FLOWS = {2020: (0.08, 0.05), 2021: (0.10, 0.04), 2022: (0.09, 0.06),
              2023: (0.09, 0.05), 2024: (0.10, 0.045)}  # year: (entry rate, exit rate)
TRADE_FLOWS = {2020: (0.09, 0.05), 2021: (0.10, 0.04), 2022: (0.08, 0.05),
               2023: (0.09, 0.05), 2024: (0.10, 0.05)}
N_FIRMS_2019, N_TRADE_2019 = 1240, 165


def build_firms(registry: Registry, rng: np.random.Generator) -> pd.DataFrame:
    """Industrial enterprises with entry/exit years, industry, SEI flag and register details."""
    labels = list(INDUSTRY_PLAN)
    weights = np.array([INDUSTRY_PLAN[k][0] for k in labels])
    frame = _cohorts(N_FIRMS_2019, FIRM_FLOWS, rng, lambda y, n: _firm_draw(labels, weights, y, n, rng))
    codes = contract.industry_codes()
    frame["industry_code"] = [str(rng.choice(codes.get(k) or OTHER_CODES)) for k in frame["group"]]
    frame["local_industry"] = frame["group"]
    sei_p = frame["group"].map(lambda k: INDUSTRY_PLAN[k][4]).to_numpy()
    frame["sei_eligible"] = rng.random(len(frame)) < sei_p  # flags are set by assign_sei
    frame["sei_flag"] = False
    frame["sei_area"] = ""
    frame["land_area_mu"] = np.maximum(3.0, frame["size"] / rng.uniform(2500, 7000, len(frame))).round(1)
    frame["unit_type"] = "工业"
    _identities(frame, registry, rng, lambda k: INDUSTRY_WORDS[k])
    return frame.sort_values("enterprise_id", ignore_index=True)


def build_trades(registry: Registry, rng: np.random.Generator) -> pd.DataFrame:
    """Above-quota wholesale and retail units with entry/exit years and retail shares."""
    codes = list(TRADE_PLAN)
    weights = np.array([TRADE_PLAN[c][0] for c in codes])
    frame = _cohorts(N_TRADE_2019, TRADE_FLOWS, rng, lambda y, n: _trade_draw(codes, weights, n, rng))
    frame["industry_code"] = frame["group"]
    frame["local_industry"] = ""
    frame["sei_flag"] = False
    frame["sei_area"] = ""
    low, high = (np.array([TRADE_PLAN[c][2][i] for c in frame["group"]]) for i in (0, 1))
    frame["retail_share"] = rng.uniform(low, high)
    frame["land_area_mu"] = np.nan
    frame["unit_type"] = "批零"
    _identities(frame, registry, rng, lambda c: TRADE_WORDS[c])
    return frame.sort_values("enterprise_id", ignore_index=True)


def assign_sei(firms: pd.DataFrame, weight: np.ndarray, scope: np.ndarray, share: float,
               priority: np.ndarray) -> None:
    """Flag SEI firms: all of wholly-SEI industries, then eligible firms of partly-SEI industries,
    highest priority first, until their weight (H1 output) reaches `share` of the scope's total."""
    whole = firms["group"].map(lambda k: INDUSTRY_PLAN[k][4] >= 1.0).to_numpy()
    flag = whole.copy()
    room = share * weight[scope].sum() - weight[scope & whole].sum()
    eligible = np.flatnonzero(firms["sei_eligible"].to_numpy() & ~whole)
    for i in eligible[np.argsort(-priority[eligible], kind="stable")]:
        if weight[i] <= room + 0.001 * weight[scope].sum():
            flag[i] = True
            room -= weight[i] if scope[i] else 0.0
    firms["sei_flag"] = flag
    firms["sei_area"] = [INDUSTRY_PLAN[k][3] if f else "" for k, f in zip(firms["group"], flag)]


def known_mask(frame: pd.DataFrame, year: int) -> np.ndarray:
    """Units listed in the register of a year (above scale, about to enter, or just dropped out)."""
    entry, exit_ = frame["entry_year"].to_numpy(), frame["exit_year"].to_numpy()
    pre = frame["pre_listed"].to_numpy() & (entry - 1 == year)
    post = frame["exit_listed"].to_numpy() & (exit_ == year)
    return filing_mask(frame, year) | pre | post


def filing_mask(frame: pd.DataFrame, year: int) -> np.ndarray:
    """Units above scale (filing) in a year: entered on or before it and not yet exited."""
    return (frame["entry_year"].to_numpy() <= year) & (year < frame["exit_year"].to_numpy())


def _cohorts(n0: int, flows: dict, rng: np.random.Generator, draw) -> pd.DataFrame:
    """Initial cohort of 2019 plus yearly entrants; exits chosen among small active units."""
    parts = [draw(2019, n0).assign(entry_year=2019)]
    exit_year = np.full(n0, NEVER)
    for year, (rate_in, rate_out) in flows.items():
        sizes = pd.concat(parts, ignore_index=True)["size"].to_numpy()
        active = np.flatnonzero(exit_year == NEVER)
        weights = sizes[active] ** -0.6
        n_out = round(rate_out * len(active))
        out = rng.choice(active, n_out, replace=False, p=weights / weights.sum())
        exit_year[out] = year
        new = draw(year, round(rate_in * len(active))).assign(entry_year=year)
        parts.append(new)
        exit_year = np.concatenate([exit_year, np.full(len(new), NEVER)])
    frame = pd.concat(parts, ignore_index=True)
    frame["exit_year"] = exit_year
    frame["pre_listed"] = (frame["entry_year"] > 2019) & (rng.random(len(frame)) < 0.5)
    frame["exit_listed"] = rng.random(len(frame)) < 0.7
    return frame


def _firm_draw(labels, weights, year: int, n: int, rng) -> pd.DataFrame:
    """Industry and anchor size (annual output, 千元) of n new enterprises."""
    w = weights.copy()
    if year >= 2022:
        w[labels.index("储能")] *= 2.0
    group = rng.choice(labels, n, p=w / w.sum())
    mult = np.array([INDUSTRY_PLAN[k][1] for k in group])
    median, sigma = (15000, 1.05) if year == 2019 else (12000, 0.9)
    size = (20000 + rng.lognormal(np.log(median), sigma, n)) * mult
    return pd.DataFrame({"group": group, "size": size})


def _trade_draw(codes, weights, n: int, rng) -> pd.DataFrame:
    """Industry code and anchor size (annual goods sales, 千元) of n new trade units."""
    group = rng.choice(codes, n, p=weights / weights.sum())
    median = np.array([TRADE_PLAN[c][1] for c in group])
    size = median * rng.lognormal(0.0, 0.8, n) + 6000
    return pd.DataFrame({"group": group, "size": size})


def _identities(frame: pd.DataFrame, registry: Registry, rng, words) -> None:
    """Credit code, unique name, contact person, phone and sub-area for every row."""
    frame["enterprise_id"] = [registry.credit_code() for _ in range(len(frame))]
    frame["enterprise_name"] = [registry.company_name(words(g)) for g in frame["group"]]
    frame["contact_person"] = [registry.person() for _ in range(len(frame))]
    frame["contact_phone"] = [registry.phone() for _ in range(len(frame))]
    frame["sub_area"] = rng.choice(SUB_AREAS, len(frame), p=_SUB_AREA_P)
