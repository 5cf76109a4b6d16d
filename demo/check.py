"""Independent check of the true filing tables: the H1-2024 indicators as the brief defines them."""
from __future__ import annotations

import pandas as pd

from demo import contract
from demo.calibrate import TARGETS, CalibrationError
from demo.filings import Filings, Table

PERCENT_TOLERANCE = 0.001  # percentage points; the published rounding allows 0.004


def frame(table: Table) -> pd.DataFrame:
    """A table's rows as a DataFrame with field-name columns."""
    return pd.DataFrame(table.rows, columns=table.fields)


def comparable(cur: pd.DataFrame, prior: pd.DataFrame, ids: pd.Index, value: str) -> tuple[float, float]:
    """(this year, prior year) sums over ids; prior from last year's filing, else the _prior column."""
    now = cur.set_index("enterprise_id").reindex(ids)
    before = prior.set_index("enterprise_id")[value].reindex(ids)
    both = before.notna() & now[f"{value}_prior"].notna()
    if (before[both] != now.loc[both, f"{value}_prior"]).any():
        raise CalibrationError(f"{value}: 上年同期 column disagrees with last year's filing")
    return float(now[value].sum()), float(before.fillna(now[f"{value}_prior"]).sum())


def indicators(filings: Filings) -> dict:
    """The eight published H1-2024 indicators (percent) plus naive, full-year and per-industry growth."""
    s = _scope(frame(filings.register(2024)), "工业")
    b24, b23 = frame(filings.b204(2024, 6)), frame(filings.b204(2023, 6))
    f24, f23 = frame(filings.b203(2024, 6)), frame(filings.b203(2023, 6))
    cur, prior = comparable(b24, b23, s.index, "gross_output_value_ytd")
    rd_cur, rd_prior = comparable(f24, f23, s.index, "rd_expense_ytd")
    revenue = f24.set_index("enterprise_id").reindex(s.index)["operating_revenue_ytd"].sum()
    out = b24.set_index("enterprise_id").reindex(s.index)["gross_output_value_ytd"]
    by_industry = _industry_growth(b24, b23, s)
    values = {
        "industrial_output_growth": _pct(cur / prior - 1),
        **_investment(filings),
        "retail_sales_growth": _retail(filings),
        "rd_expense_ratio": _pct(rd_cur / revenue),
        "rd_expense_growth": _pct(rd_cur / rd_prior - 1),
        "sei_output_share": _pct(out[s["sei_flag"]].sum() / out.sum()),
        "hardware_industries_growing": sum(by_industry[k] > 0 for k in contract.hardware_labels()),
    }
    return {"indicators": values, "extra": _extra(filings, b24, b23, s, cur, by_industry)}


def _extra(filings: Filings, b24: pd.DataFrame, b23: pd.DataFrame, s: pd.DataFrame, cur: float,
           by_industry: dict) -> dict:
    """Naive (published-scope) growth, full-year growth, project concentration, industry growth."""
    scope23 = _scope(frame(filings.register(2023)), "工业").index
    naive = b23.set_index("enterprise_id").reindex(scope23)["gross_output_value_ytd"].sum()
    fy_cur, fy_prior = comparable(frame(filings.b204(2024, 12)), frame(filings.b204(2023, 12)), s.index,
                                  "gross_output_value_ytd")
    return {"naive_output_growth": _pct(cur / naive - 1),
            "full_year_2024_output_growth": _pct(fy_cur / fy_prior - 1),
            "largest_project_share_of_fai": _largest_project_share(filings),
            "industry_output_growth": by_industry}


def assert_targets(values: dict) -> None:
    """Raise CalibrationError unless every indicator matches its target and naive growth differs."""
    for name, target in TARGETS.items():
        got = values["indicators"][name]
        want = target if name == "hardware_industries_growing" else target * 100
        if abs(got - want) > PERCENT_TOLERANCE:
            raise CalibrationError(f"{name}: got {got}, want {want}")
    gap = values["extra"]["naive_output_growth"] - values["indicators"]["industrial_output_growth"]
    if abs(gap) < 1.5:
        raise CalibrationError(f"naive growth differs by only {gap:.2f} points")


def _scope(register: pd.DataFrame, unit_type: str) -> pd.DataFrame:
    """Above-scale (or above-quota) units of one type in a register, indexed by credit code."""
    rows = register[(register["unit_type"] == unit_type) & register["above_scale"]]
    return rows.set_index("enterprise_id")


def _industry_growth(b24: pd.DataFrame, b23: pd.DataFrame, s: pd.DataFrame) -> dict[str, float]:
    out = {}
    for label, members in s.groupby("local_industry"):
        cur, prior = comparable(b24, b23, members.index, "gross_output_value_ytd")
        out[str(label)] = _pct(cur / prior - 1)
    return out


def _investment(filings: Filings) -> dict[str, float]:
    p24, p23 = frame(filings.f206(2024, 6)), frame(filings.f206(2023, 6))
    total = p24["completed_investment_ytd"].sum() / p23["completed_investment_ytd"].sum() - 1
    m24, m23 = (p[p["is_manufacturing"]]["completed_investment_ytd"].sum() for p in (p24, p23))
    return {"fai_growth": _pct(total), "manufacturing_investment_growth": _pct(m24 / m23 - 1)}


def _largest_project_share(filings: Filings) -> float:
    """Share of the biggest project in H1-2024 completed investment (growth is not one project's)."""
    ytd = frame(filings.f206(2024, 6))["completed_investment_ytd"]
    return _pct(ytd.max() / ytd.sum())


def _retail(filings: Filings) -> float:
    t = _scope(frame(filings.register(2024)), "批零")
    cur, prior = comparable(frame(filings.e204(2024, 6)), frame(filings.e204(2023, 6)), t.index, "retail_sales_ytd")
    return _pct(cur / prior - 1)


def _pct(ratio: float) -> float:
    return round(float(ratio) * 100.0, 6)
