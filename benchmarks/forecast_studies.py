"""Studies behind two choices in docs/forecasting.md: the Jan-Feb calendar and the Spring Festival
regressors (run by `benchmarks/forecast_accuracy.py --janfeb`)."""
from __future__ import annotations

import dataclasses

import pandas as pd

from models.batch import ForecastConfig

import forecast_accuracy as fa  # noqa: E402 - run from benchmarks/forecast_accuracy.py


def with_jan_rebuilt(train: pd.DataFrame) -> pd.DataFrame:
    """12-month treatment: a YTD series gets January back as its historical share of Jan-Feb;
    other series keep January/February as gaps (filled seasonally by the preparation)."""
    from models.janfeb import MERGED, detect_layout

    parts = []
    for sid, g in train.groupby("series_id"):
        layout = detect_layout(pd.DatetimeIndex(g["period"]), g["value"].to_numpy())
        if layout.cumulative and layout.kind == MERGED:
            wide = g.assign(y=g["period"].dt.year, mo=g["period"].dt.month).pivot(index="y", columns="mo", values="value")
            share = float((wide[1] / wide[2]).median()) if 1 in wide else 0.5
            jan = wide[2][wide.get(1, pd.Series(dtype=float)).reindex(wide.index).isna()] * share
            g = pd.concat([g, pd.DataFrame({"series_id": sid, "period": pd.to_datetime([f"{y}-01-01" for y in jan.index]),
                                            "value": jan.to_numpy()})])
        parts.append(g)
    return pd.concat(parts).sort_values(["series_id", "period"])


def janfeb_study(nbs: pd.DataFrame, jobs: int) -> None:
    """Merged/absent Jan-Feb calendar (the default) against a 12-month calendar with Jan/Feb rebuilt."""
    combined = [s for s in nbs["series_id"].unique() if s != "CN_PMI_MFG"]
    jt, js = fa.june_split(nbs[nbs["series_id"].isin(combined)])
    keep = jt["series_id"].str[-4:].astype(int) >= 2015  # cutoffs with years of Jan-Feb reporting behind them
    jt = jt[keep]
    js = js[js["series_id"].isin(jt["series_id"])]
    cfg = ForecastConfig(backtest="june")
    rows = []
    for label, train, c in (("merged calendar", jt, cfg),
                            ("12-month rebuilt", with_jan_rebuilt(jt), dataclasses.replace(cfg, calendar="monthly"))):
        joined, _, _ = fa.run(train, js, c, jobs)
        for sid, part in joined.groupby(joined["series_id"].str.split("@").str[0]):
            s = fa.scores(part, train[train["series_id"].str.startswith(sid + "@")])
            rows.append({"series": sid, "treatment": label, "sMAPE": s["sMAPE"], "MASE": s["MASE"]})
        s = fa.scores(joined, train)
        rows.append({"series": "ALL", "treatment": label, "sMAPE": s["sMAPE"], "MASE": s["MASE"]})
    table = pd.DataFrame(rows).pivot(index="series", columns="treatment")
    print("\n## Jan-Feb treatment, June cutoffs 2015+ (July-December errors)")
    print(table.round(3).to_string())


def festival_study(nbs: pd.DataFrame, jobs: int, years: int = 8) -> None:
    """SARIMA with and without the Spring Festival regressors, origins every month, 1-3 months ahead:
    retail sales while January and February were still published (to 2011), and the PMI."""
    cases = {"CN_RETAIL_LEVEL to 2011": nbs[(nbs["series_id"] == "CN_RETAIL_LEVEL") & (nbs["period"] < "2012-01-01")],
             "CN_PMI_MFG": nbs[nbs["series_id"] == "CN_PMI_MFG"]}
    print(f"\n## Spring Festival regressor: {years * 12} monthly origins per series, 1-3 months ahead (MASE)")
    print(f"{'series':<26}{'model':<12}{'all months':>12}{'Jan-Mar':>10}")
    for label, one in cases.items():
        origins = one["period"].iloc[-(12 * years + 3):-3]
        train = pd.concat([one[one["period"] <= o].assign(series_id=f"S@{o:%Y-%m}") for o in origins])
        test = pd.concat([one[(one["period"] > o) & (one["period"] <= o + pd.DateOffset(months=3))]
                         .assign(series_id=f"S@{o:%Y-%m}") for o in origins])
        for name in ("stl_ets", "stl_ets_cny", "sarima", "sarima_cny"):
            joined, _, _ = fa.run(train, test, ForecastConfig(method="select", candidates=(name,), n_folds=0, max_combine=1), jobs)
            jm = joined[joined["period"].dt.month <= 3]
            print(f"{label:<26}{name:<12}{fa.scores(joined, train)['MASE']:12.3f}{fa.scores(jm, train)['MASE']:10.3f}")
