"""Firm total factor productivity (TFP) from a value-added Cobb-Douglas: arrays in, arrays out.

Two estimators (docs/evaluation.md):

- `growth_accounting`: the Solow residual ln TFP = ln VA - α ln K - (1 - α) ln L per firm and
  year, α per group (industry x year) from income data (1 - the median labour share) or, where
  too few firms report wages, an OLS of ln(VA/L) on ln(K/L) (constant returns, statsmodels).
- `acf`: Ackerberg-Caves-Frazer (2015) control function on a firm panel (>= 3 years): stage 1
  purges measurement error with a cubic in (k, l, proxy); stage 2 finds (βk, βl) by GMM on the
  innovation of a cubic productivity process, instruments k_t, l_{t-1}, k_{t-1} and m_{t-1}.

No database and no Prefect here: plain numpy (and statsmodels/scipy inside the functions).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations_with_replacement

import numpy as np

INCOME, REGRESSION, REGRESSION_POOLED = "income", "regression", "regression_pooled"


@dataclass
class GrowthAccounting:
    ln_tfp: np.ndarray      # per row (nan where an input is missing)
    alpha: np.ndarray       # capital share used, per row
    source: np.ndarray      # INCOME | REGRESSION | REGRESSION_POOLED per row ('' where no TFP)
    clipped: np.ndarray     # the share fell outside the bounds and was clipped


def _ols_alpha(y: np.ndarray, x: np.ndarray) -> float:
    """Slope of ln(VA/L) on ln(K/L): the capital elasticity under constant returns."""
    import statsmodels.api as sm

    fit = sm.OLS(y, sm.add_constant(x, has_constant="add")).fit()
    return float(fit.params[1])


def growth_accounting(ln_va: np.ndarray, ln_k: np.ndarray, ln_l: np.ndarray, group: np.ndarray,
                      labour_share: np.ndarray, shares: str = INCOME, min_firms: int = 10,
                      bounds: tuple[float, float] = (0.05, 0.8)) -> GrowthAccounting:
    """Solow residual per row; `group` labels rows sharing one α (e.g. industry x year);
    `labour_share` is labour compensation / VA per row (nan: not reported)."""
    n = len(ln_va)
    ok = np.isfinite(ln_va) & np.isfinite(ln_k) & np.isfinite(ln_l)
    alpha, source = np.full(n, np.nan), np.full(n, "", dtype=object)
    clipped = np.zeros(n, dtype=bool)
    pooled = _ols_alpha(ln_va[ok] - ln_l[ok], ln_k[ok] - ln_l[ok]) if ok.sum() >= 3 else np.nan
    for g in np.unique(group[ok]):
        rows = ok & (group == g)
        wages = rows & np.isfinite(labour_share) & (labour_share > 0) & (labour_share < 1)
        if shares == INCOME and wages.sum() >= min_firms:
            value, how = 1.0 - float(np.median(labour_share[wages])), INCOME
        elif rows.sum() >= min_firms:
            value, how = _ols_alpha(ln_va[rows] - ln_l[rows], ln_k[rows] - ln_l[rows]), REGRESSION
        else:
            value, how = pooled, REGRESSION_POOLED
        bounded = float(np.clip(value, *bounds))
        alpha[rows], source[rows], clipped[rows] = bounded, how, bounded != value
    ln_tfp = np.where(ok, ln_va - alpha * ln_k - (1.0 - alpha) * ln_l, np.nan)
    return GrowthAccounting(ln_tfp, alpha, source, clipped)


@dataclass
class ACFResult:
    beta_k: float
    beta_l: float
    ln_tfp: np.ndarray      # ω = φ - βk k - βl l per row (nan where not estimable)
    n_obs: int              # rows with a lagged observation in stage 2
    converged: bool
    objective: float


def _poly(columns: list[np.ndarray], degree: int = 3) -> np.ndarray:
    """All monomials of the columns up to `degree`, with a constant."""
    terms = [np.ones_like(columns[0])]
    for d in range(1, degree + 1):
        for combo in combinations_with_replacement(range(len(columns)), d):
            terms.append(np.prod([columns[i] for i in combo], axis=0))
    return np.column_stack(terms)


def _lag_index(firm: np.ndarray, year: np.ndarray) -> np.ndarray:
    """For each row, the row of the same firm in the year before (-1: none)."""
    order = np.lexsort((year, firm))
    f, y = firm[order], year[order]
    previous = np.full(len(order), -1)
    same = (f[1:] == f[:-1]) & (y[1:] == y[:-1] + 1)
    previous[1:][same] = order[:-1][same]
    out = np.full(len(order), -1)
    out[order] = previous
    return out


def acf(firm: np.ndarray, year: np.ndarray, y: np.ndarray, k: np.ndarray, l: np.ndarray,
        proxy: np.ndarray) -> ACFResult:
    """ACF estimates on a panel of logs (value added y, capital k, labour l, proxy m = energy or
    intermediate inputs). Rows need not be sorted; years must be integers."""
    from scipy.optimize import minimize

    n = len(y)
    ok = np.isfinite(y) & np.isfinite(k) & np.isfinite(l) & np.isfinite(proxy)
    years = np.unique(year[ok])
    dummies = [(year == t).astype(float) for t in years[1:]]
    X1 = np.column_stack([_poly([k, l, proxy])] + dummies) if dummies else _poly([k, l, proxy])
    phi = np.full(n, np.nan)
    coef, *_ = np.linalg.lstsq(X1[ok], y[ok], rcond=None)
    phi[ok] = X1[ok] @ coef - (np.column_stack(dummies)[ok] @ coef[-len(dummies):] if dummies else 0.0)
    lag = _lag_index(firm, year)
    pair = ok & (lag >= 0)
    pair[pair] = ok[lag[pair]]
    cur, prev = np.flatnonzero(pair), lag[pair]
    # instruments known before the innovation: k_t (chosen at t-1), l_{t-1}, k_{t-1}, m_{t-1};
    # over-identified, so a spurious root of the two core moments does not pass for a solution
    Z = np.column_stack([k[cur], l[prev], k[prev], proxy[prev]])
    Z = (Z - Z.mean(axis=0)) / np.where(Z.std(axis=0) > 0, Z.std(axis=0), 1.0)

    def moments(beta: np.ndarray) -> np.ndarray:
        omega = phi[cur] - beta[0] * k[cur] - beta[1] * l[cur]
        omega_lag = phi[prev] - beta[0] * k[prev] - beta[1] * l[prev]
        G = _poly([omega_lag], degree=3)
        rho, *_ = np.linalg.lstsq(G, omega, rcond=None)
        xi = omega - G @ rho
        return Z.T @ xi / len(xi)

    def objective(beta: np.ndarray) -> float:
        return float(np.sum(moments(beta) ** 2)) * 1e4

    # a coarse grid over plausible elasticities, then Nelder-Mead from the two best points: the
    # moments can have more than one local minimum, and a grid is cheaper than many starts
    grid = [np.array([a, b]) for a in np.linspace(0.05, 0.95, 10) for b in np.linspace(0.05, 1.25, 13)]
    values = [objective(g) for g in grid]
    best = None
    for i in np.argsort(values)[:2]:
        fit = minimize(objective, grid[i], method="Nelder-Mead",
                       options={"xatol": 1e-5, "fatol": 1e-12, "maxiter": 2000})
        if best is None or fit.fun < best.fun:
            best = fit
    beta_k, beta_l = (float(b) for b in best.x)
    ln_tfp = np.where(ok, phi - beta_k * k - beta_l * l, np.nan)
    return ACFResult(beta_k, beta_l, ln_tfp, int(len(cur)), bool(best.success), float(best.fun))


@dataclass
class PanelTFP:
    ln_tfp: np.ndarray      # per row: the industry's own ACF estimate, or the pooled one
    beta_k: np.ndarray
    beta_l: np.ndarray
    scope: np.ndarray       # 'industry' | 'pooled' | None (no panel)
    estimates: dict         # scope name -> (beta_k, beta_l, observations with a lag)


def acf_by_group(firm: np.ndarray, year: np.ndarray, group: np.ndarray, y: np.ndarray, k: np.ndarray,
                 l: np.ndarray, proxy: np.ndarray, min_years: int = 3, min_rows: int = 150) -> PanelTFP:
    """ACF pooled over all rows, then per group with at least `min_rows` usable rows; a group's own
    estimate replaces the pooled one only when both elasticities lie in (0, 1). Nothing (nan) with
    fewer than `min_years` years."""
    n = len(y)
    out = PanelTFP(np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan), np.full(n, None, dtype=object), {})
    if len(np.unique(year)) < min_years:
        return out
    ok = np.isfinite(y) & np.isfinite(k) & np.isfinite(l) & np.isfinite(proxy)
    fit = acf(firm, year, y, k, l, proxy)
    out.ln_tfp[:], out.beta_k[:], out.beta_l[:], out.scope[:] = fit.ln_tfp, fit.beta_k, fit.beta_l, "pooled"
    out.estimates["pooled"] = (fit.beta_k, fit.beta_l, fit.n_obs)
    for g in np.unique(group):
        rows = group == g
        if (ok & rows).sum() < min_rows:
            continue
        own = acf(firm[rows], year[rows], y[rows], k[rows], l[rows], proxy[rows])
        out.estimates[str(g)] = (own.beta_k, own.beta_l, own.n_obs)
        if 0 < own.beta_k < 1 and 0 < own.beta_l < 1:          # else implausible: keep the pooled
            out.ln_tfp[rows], out.beta_k[rows], out.beta_l[rows] = own.ln_tfp, own.beta_k, own.beta_l
            out.scope[rows] = "industry"
    return out


def estimate(x: dict[str, np.ndarray], settings: dict) -> tuple[dict[str, object], dict]:
    """Both TFP estimates of every firm-year of `x` (arrays: year, firm, industry, and the logs y,
    k, l, m, with labour_share), under the configuration's `tfp` settings: growth accounting per
    industry and year, and the ACF panel. Returns (columns per row: tfp_ga, tfp_alpha,
    tfp_alpha_source, tfp_acf, acf_beta_k, acf_beta_l, acf_scope; the ACF elasticities per scope).
    Whoever calls warehouse.evaluation.evaluate passes this function in (`estimate`), so the
    warehouse imports no model."""
    group = np.array([f"{a}|{b}" for a, b in zip(x["industry"].tolist(), x["year"].tolist())])
    ga = growth_accounting(x["y"], x["k"], x["l"], group, x["labour_share"], settings["shares"],
                           int(settings["min_firms"]), tuple(settings["alpha_bounds"]))
    panel = acf_by_group(x["firm"], x["year"], x["industry"], x["y"], x["k"], x["l"], x["m"],
                         int(settings["panel"]["min_years"]), int(settings["panel"]["min_firm_years"]))
    columns = {"tfp_ga": ga.ln_tfp, "tfp_alpha": ga.alpha, "tfp_alpha_source": [s or None for s in ga.source.tolist()],
               "tfp_acf": panel.ln_tfp, "acf_beta_k": panel.beta_k, "acf_beta_l": panel.beta_l,
               "acf_scope": panel.scope.tolist()}
    return columns, panel.estimates


def rank_within(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """1 = highest value within its group; nan values get no rank (0)."""
    ranks = np.zeros(len(values), dtype=np.int64)
    for g in np.unique(group):
        rows = np.flatnonzero((group == g) & np.isfinite(values))
        order = rows[np.argsort(-values[rows], kind="stable")]
        ranks[order] = np.arange(1, len(order) + 1)
    return ranks
