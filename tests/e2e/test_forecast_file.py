"""`zonestat forecast-file` on a small generated parquet: gaps, zeros, a YTD series, unusable input."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from zonestat.cli.forecast_file import forecast_file

runner = CliRunner()
COLUMNS = ["series_id", "period", "model", "mean", "lo_80", "hi_80", "lo_95", "hi_95"]


def cli() -> typer.Typer:
    """The command as registered in the zonestat app (a local app, so this test owns no registration)."""
    app = typer.Typer(add_completion=False)
    app.command("forecast-file")(forecast_file)

    @app.callback()
    def _root() -> None:
        """zonestat (test)"""

    return app


def series(sid: str, months: int, seed: int, start: str = "2019-01-01", zeros: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    periods = pd.date_range(start, periods=months, freq="MS")
    t = np.arange(months)
    values = 200 + 2 * t + 40 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 5, months)
    if zeros:
        values = np.where(rng.random(months) < 0.25, 0.0, values / 10)
    return pd.DataFrame({"series_id": sid, "period": periods.date, "value": values})


def ytd_series(sid: str, years: int = 6) -> pd.DataFrame:
    flows = series(sid, 12 * years, seed=9)
    flows["value"] = flows.groupby(pd.to_datetime(flows["period"]).dt.year)["value"].cumsum()
    return flows[pd.to_datetime(flows["period"]).dt.month != 1]  # Feb holds Jan-Feb


@pytest.fixture
def good(tmp_path) -> Path:
    gap = series("GAP", 60, seed=1).drop(index=[30])
    frame = pd.concat([gap, series("ZEROS", 72, seed=2, zeros=True), ytd_series("YTD")])
    path = tmp_path / "in.parquet"
    frame.to_parquet(path, index=False)
    return path


@pytest.fixture
def with_short(tmp_path, good) -> Path:
    frame = pd.concat([pd.read_parquet(good), series("SHORT", 10, seed=3)])
    path = tmp_path / "with_short.parquet"
    frame.to_parquet(path, index=False)
    return path


def test_forecasts_every_series(tmp_path, good):
    out = tmp_path / "out.parquet"
    result = runner.invoke(cli(), ["forecast-file", str(good), "--horizon", "6", "--out", str(out)])
    assert result.exit_code == 0, result.output
    fc = pq.read_table(out).to_pandas()
    assert list(fc.columns) == COLUMNS
    assert sorted(fc["series_id"].unique()) == ["GAP", "YTD", "ZEROS"]
    assert (fc["lo_95"] <= fc["lo_80"] + 1e-9).all() and (fc["lo_80"] <= fc["mean"] + 1e-9).all()
    assert (fc["mean"] <= fc["hi_80"] + 1e-9).all() and (fc["hi_80"] <= fc["hi_95"] + 1e-9).all()
    gap = fc[fc["series_id"] == "GAP"]
    assert [str(p)[:7] for p in gap["period"]] == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert (fc.loc[fc["series_id"] == "ZEROS", "lo_95"] >= 0).all()
    ytd = fc[fc["series_id"] == "YTD"]
    assert len(ytd) == 5 and not any(pd.to_datetime(ytd["period"]).dt.month == 1)  # Feb = Jan-Feb
    assert ytd["mean"].iloc[0] < ytd["mean"].iloc[1]  # year-to-date: grows within the year
    assert "模型选择" in result.output and "jan_feb_merged" in result.output


def test_unusable_series_is_named_and_the_rest_forecast(tmp_path, with_short):
    out = tmp_path / "out.parquet"
    result = runner.invoke(cli(), ["forecast-file", str(with_short), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output  # one series left out: exit 1, like ingest
    assert "SHORT: too short: 10 usable periods" in result.output and "with_short.parquet" in result.output
    assert "left out" in result.output and "1 of 4 series" in result.output
    assert sorted(set(pq.read_table(out).column("series_id").to_pylist())) == ["GAP", "YTD", "ZEROS"]


def test_skip_bad_forecasts_the_rest_and_exits_0(tmp_path, with_short):
    out = tmp_path / "out.parquet"
    result = runner.invoke(cli(), ["forecast-file", str(with_short), "--out", str(out), "--skip-bad", "--json",
                                   "--models", "snaive,theta", "--spring-festival"])
    assert result.exit_code == 0, result.output
    assert "SHORT" in result.output
    assert "SHORT" not in set(pq.read_table(out).column("series_id").to_pylist())


def test_filled_months_are_listed_beside_the_output(tmp_path, good):
    out = tmp_path / "out.parquet"
    result = runner.invoke(cli(), ["forecast-file", str(good), "--out", str(out), "--models", "snaive,theta"])
    assert result.exit_code == 0, result.output
    filled = pq.read_table(tmp_path / "out.filled.parquet").to_pylist()
    assert [(r["series_id"], str(r["period"])) for r in filled] == [("GAP", "2021-07-01")]
    assert "已填补 filled: 1 missing months in 1 series" in result.output


def test_empty_input_and_every_series_bad_exit_1(tmp_path):
    empty = tmp_path / "empty.parquet"
    pd.DataFrame({"series_id": pd.Series([], dtype=str), "period": pd.Series([], dtype="datetime64[s]"),
                  "value": pd.Series([], dtype=float)}).to_parquet(empty)
    result = runner.invoke(cli(), ["forecast-file", str(empty), "--out", str(tmp_path / "o.parquet")])
    assert result.exit_code == 1 and "empty.parquet: no rows" in result.output
    short = tmp_path / "short.parquet"
    pd.concat([series("S1", 10, 1), series("S2", 12, 2)]).to_parquet(short)
    for extra in ([], ["--skip-bad"]):
        result = runner.invoke(cli(), ["forecast-file", str(short), "--out", str(tmp_path / "o.parquet"), *extra])
        assert result.exit_code == 1 and "none of the 2 series can be forecast" in result.output
        assert not (tmp_path / "o.parquet").exists()


def test_text_values_are_refused_with_row_and_field(tmp_path):
    frame = pd.concat([series("OK", 48, 1), series("TEXT", 48, 2)], ignore_index=True)
    frame["value"] = frame["value"].map(lambda v: f"{v:.1f}").astype(object)
    frame.loc[60, "value"] = "1,234.5"  # the 13th row of TEXT
    path = tmp_path / "text.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "out.parquet"
    result = runner.invoke(cli(), ["forecast-file", str(path), "--out", str(out), "--models", "snaive,theta"])
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert "text.csv: series TEXT: text value '1,234.5' in field value (row 61" in text and "数值为文本" in text
    assert "Traceback" not in result.output
    assert set(pq.read_table(out).column("series_id").to_pylist()) == {"OK"}


def test_usage_and_format_errors(tmp_path):
    result = runner.invoke(cli(), ["forecast-file", str(tmp_path / "missing.parquet")])
    assert result.exit_code == 2 and "file not found" in result.output
    bad = tmp_path / "bad.parquet"
    pd.DataFrame({"series_id": ["A"], "month": ["2020-01"], "value": [1.0]}).to_parquet(bad)
    result = runner.invoke(cli(), ["forecast-file", str(bad)])
    assert result.exit_code == 1 and "period" in result.output
    result = runner.invoke(cli(), ["forecast-file", str(bad), "--models", "theta,prophet"])
    assert result.exit_code == 2 and "unknown model(s) prophet" in result.output
    junk = tmp_path / "junk.parquet"
    junk.write_text("not parquet")
    result = runner.invoke(cli(), ["forecast-file", str(junk)])
    assert result.exit_code == 1 and "cannot read" in result.output
