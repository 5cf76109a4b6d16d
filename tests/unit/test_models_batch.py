"""The batch function: long table in, long tables out; June backtests; YTD series; chunks."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from models.batch import ForecastConfig, forecast_series, june_folds
from models.chunks import concat_results as concat, table_chunks as chunks
from models.tables import FORECAST_COLUMNS, forecast_batch

FAST = ForecastConfig(method="select", candidates=("snaive", "naive", "theta"))


def frame(sid: str, months: int = 60, seed: int = 0, start: str = "2018-01-01") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    values = 100 + t + 20 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, months)
    return pd.DataFrame({"series_id": sid, "period": pd.date_range(start, periods=months, freq="MS"),
                         "value": values})


def test_batch_tables_and_errors():
    data = pa.Table.from_pandas(pd.concat([frame("A"), frame("B", seed=1), frame("TINY", months=8)]),
                                preserve_index=False)
    res = forecast_batch(data, FAST)
    fc = res.forecasts.to_pandas()
    assert tuple(res.forecasts.column_names) == FORECAST_COLUMNS
    assert res.forecasts.schema.field("period").type == pa.date32()
    assert sorted(fc["series_id"].unique()) == ["A", "B"] and len(fc) == 12
    assert res.errors.to_pylist() == [{"series_id": "TINY", "problem": "too short: 8 usable periods, need at least 24 (2 years)"}]
    choices = res.choices.to_pandas().set_index("series_id")
    assert set(choices["calendar"]) == {"monthly"} and choices.loc["A", "model"] in fc["model"].values
    bt = res.backtests.to_pandas()
    assert {"series_id", "model", "cutoff", "period", "step", "actual", "mean", "lo_80", "hi_95", "chosen"} <= set(bt)
    assert set(bt["model"]) >= {"snaive", "naive", "theta"} and bt["step"].max() == 6


def test_june_backtest_folds_fit_through_june():
    prep_periods = pd.date_range("2015-01-01", "2020-08-01", freq="MS")
    folds = june_folds(prep_periods, min_train=26, max_folds=None)
    assert [prep_periods[f.cutoff - 1].strftime("%Y-%m") for f in folds] == ["2017-06", "2018-06", "2019-06"]
    assert all(f.steps == 6 for f in folds)
    df = frame("J", months=72, start="2015-01-01")
    sf = forecast_series("J", df["period"], df["value"], ForecastConfig(method="select", candidates=FAST.candidates, backtest="june"))
    cutoffs = {r["cutoff"] for r in sf.selection.backtest}
    assert {sf.prepared.periods[c - 1].month for c in cutoffs} == {6}


def test_ytd_series_forecast_stays_cumulative_with_paths():
    df = frame("Y", months=72, start="2018-01-01")
    df["value"] = df.groupby(df["period"].dt.year)["value"].cumsum()
    df = df[df["period"].dt.month != 1]
    sf = forecast_series("Y", df["period"], df["value"], ForecastConfig(method="select", candidates=FAST.candidates, n_paths=200))
    assert [p.month for p in sf.periods] == [2, 3, 4, 5, 6]  # Jan-Feb (in Feb), then Mar..Jun
    assert np.all(np.diff(sf.forecast.mean) > 0) and sf.paths.shape == (200, 5)
    assert np.all(sf.forecast.lower[95] <= sf.forecast.mean) and np.all(sf.forecast.mean <= sf.forecast.upper[95])


def test_chunks_keep_whole_series_and_concat():
    data = pa.Table.from_pandas(pd.concat([frame(s, seed=i) for i, s in enumerate("ABC")]), preserve_index=False)
    parts = chunks(data, 2)
    assert [sorted(set(p.column("series_id").to_pylist())) for p in parts] == [["A", "B"], ["C"]]
    merged = concat([forecast_batch(p, FAST) for p in parts])
    assert merged.forecasts.num_rows == 18 and merged.choices.num_rows == 3


def test_missing_column_is_a_clear_error():
    with pytest.raises(ValueError, match="lacks column"):
        forecast_batch(pd.DataFrame({"series_id": ["A"], "value": [1.0]}), FAST)


def test_same_forecasts_with_one_or_two_worker_processes():
    """Each series is forecast on its own: the result does not depend on the number of workers."""
    from models.chunks import forecast_parallel

    data = pa.Table.from_pandas(pd.concat([frame(f"S{i}", months=48, seed=i) for i in range(4)]),
                                preserve_index=False)
    cfg = ForecastConfig()
    one = forecast_parallel(data, cfg, jobs=1)
    two = forecast_parallel(data, cfg, jobs=2, chunk_size=1)
    assert one.forecasts.equals(two.forecasts)
    assert one.choices.to_pylist() == two.choices.to_pylist()


def test_seasonal_test_gives_non_seasonal_members_to_a_series_without_seasonality():
    from models.candidates import factories
    from models.prepare import prepare

    rng = np.random.default_rng(5)
    noise = prepare("N", pd.date_range("2015-01-01", periods=72, freq="MS"), 50 + rng.normal(0, 1, 72))
    seasonal = prepare("S", frame("S", months=72)["period"], frame("S", months=72)["value"])
    assert factories(noise, 6, ("ets_AAdA",), seasonal_test=True)["ets_AAdA"]().seasonal is None
    assert factories(seasonal, 6, ("ets_AAdA",), seasonal_test=True)["ets_AAdA"]().seasonal == "add"
    assert factories(noise, 6, ("ets_AAdA",))["ets_AAdA"]().seasonal == "add"  # off by default


def yoy_rate(months: int = 120, seed: int = 3) -> pd.DataFrame:
    """A year-on-year growth rate: the twelve-month change of a seasonal level series, in percent.
    Its season is gone, and it has the negative lag-12 autocorrelation that differencing leaves."""
    rng = np.random.default_rng(seed)
    t = np.arange(months + 12)
    level = 100 * np.exp(0.06 * t / 12 + np.cumsum(rng.normal(0, 0.01, months + 12))
                         + 0.1 * np.sin(2 * np.pi * t / 12))
    rate = 100 * (level[12:] / level[:-12] - 1)
    return pd.DataFrame({"series_id": "R", "period": pd.date_range("2014-01-01", periods=months, freq="MS"),
                         "value": rate})


def test_seasonality_decision_fires_on_a_growth_rate_and_not_on_a_seasonal_or_weakly_seasonal_level():
    from models.candidates import is_seasonal
    from models.prepare import prepare
    from statsmodels.tsa.stattools import acf

    r = yoy_rate()
    rate = prepare("R", r["period"], r["value"])
    assert acf(rate.y, nlags=12)[-1] < 0  # what fooled the two-sided M3 test
    assert is_seasonal(rate, True) and not is_seasonal(rate, "diff", 0.5)
    s = frame("S", months=120)
    level = prepare("S", s["period"], s["value"])
    assert is_seasonal(level, "diff", 0.5) and is_seasonal(level, "m3") and is_seasonal(level, "strength", 0.5)
    # a level series with a weak season under much noise: the differenced test misses it, the
    # seasonal strength keeps it seasonal (as on the tourism series that lost with the M3 test alone)
    rng = np.random.default_rng(0)
    t = np.arange(120)
    weak = prepare("W", pd.date_range("2014-01-01", periods=120, freq="MS"),
                   1000 + 40 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 30, 120))
    assert not is_seasonal(weak, "diff") and is_seasonal(weak, "diff", 0.5)
    short = prepare("T", r["period"][:24], r["value"][:24])  # too short to test: seasonal as before
    assert is_seasonal(short, "diff", 0.5)
    assert is_seasonal(rate, False)  # no test: every series seasonal


def test_a_growth_rate_gets_the_non_seasonal_members_on_its_whole_history():
    r = yoy_rate(months=180)
    sf = forecast_series("R", r["period"], r["value"])
    assert sf.model == "ets_ANN+arima_auto+theta", sf.model
    assert len(sf.prepared.y) == 180  # the whole history, not the last ten years
    assert any("no seasonality found" in n for n in sf.notes)
    assert np.all(np.isfinite(sf.forecast.mean)) and np.all(sf.forecast.lower[95] < sf.forecast.upper[95])
    s = frame("S", months=180)
    level = forecast_series("S", s["period"], s["value"])
    assert level.model == "ets_AAdA+sarima+theta+stl_ets" and len(level.prepared.y) == 120
    assert not any("no seasonality" in n for n in level.notes)
    off = forecast_series("R", r["period"], r["value"], ForecastConfig(seasonal_test=False))
    assert off.model == "ets_AAdA+sarima+theta+stl_ets"  # the switch can be turned off
