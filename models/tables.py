"""Long-table input and output of the batch forecast (pyarrow Tables with SQL-safe column names)."""
from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass
from typing import Iterable, Iterator

import pandas as pd
import pyarrow as pa

from models.batch import ForecastConfig, SeriesForecast, forecast_series
from models.prepare import SeriesError

INPUT_COLUMNS = ("series_id", "period", "value")
FORECAST_COLUMNS = ("series_id", "period", "model", "mean", "lo_80", "hi_80", "lo_95", "hi_95")
FORECAST_SCHEMA = pa.schema([("series_id", pa.string()), ("period", pa.date32()), ("model", pa.string())]
                            + [(c, pa.float64()) for c in FORECAST_COLUMNS[3:]])


@dataclass
class BatchResult:
    """forecasts (the file format), backtests (for marts.forecast_backtest), choices, errors,
    `filled`: the history periods that were not in the data but filled before modelling, and
    `paths`: the sample paths (series_id, path, period, value) when asked for."""

    forecasts: pa.Table
    backtests: pa.Table
    choices: pa.Table
    errors: pa.Table
    filled: pa.Table | None = None
    paths: pa.Table | None = None


def iter_series(data) -> Iterator[tuple[str, pd.Series, pd.Series]]:
    """(series_id, periods, values) per series from an Arrow table, a DataFrame or such tuples."""
    if isinstance(data, (pa.Table, pd.DataFrame)):
        frame = data.to_pandas() if isinstance(data, pa.Table) else data
        missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"input lacks column(s) {', '.join(missing)}; expected {', '.join(INPUT_COLUMNS)}")
        for sid, grp in frame.groupby(frame["series_id"].astype(str), sort=False):
            yield sid, grp["period"], grp["value"]
    else:
        yield from data


def forecast_rows(sf: SeriesForecast) -> list[dict]:
    fc = sf.forecast
    rows = []
    for i, p in enumerate(sf.periods):
        row = {"series_id": sf.series_id, "period": p.date(), "model": sf.model, "mean": float(fc.mean[i])}
        for lv in sorted(fc.lower):
            row[f"lo_{lv}"], row[f"hi_{lv}"] = float(fc.lower[lv][i]), float(fc.upper[lv][i])
        rows.append(row)
    return rows


def backtest_rows(sf: SeriesForecast) -> list[dict]:
    """Backtest errors on the model's scale (per-period flows for YTD series), with real periods."""
    periods = sf.prepared.periods
    out = []
    for r in sf.selection.backtest:
        c, s = r["cutoff"], r["step"]
        row = {"series_id": sf.series_id, "model": r["model"], "cutoff": periods[c - 1].date(),
               "period": periods[c + s - 1].date(), "step": s,
               "chosen": r["model"] == sf.model}
        row.update({k: v for k, v in r.items() if k not in ("model", "cutoff", "step")})
        out.append(row)
    return out


def choice_row(sf: SeriesForecast) -> dict:
    sel, prep = sf.selection, sf.prepared
    return {"series_id": sf.series_id, "model": sf.model, "score_mase": sel.scores.get(sf.model),
            "calendar": prep.layout.kind, "cumulative": prep.layout.cumulative, "n_obs": len(prep.y),
            "converged": sel.converged, "width_factor": sel.width_factor, "fallback_reason": sel.fallback,
            "failures": "; ".join(f"{k}: {v}" for k, v in sel.failures.items()) or None,
            "notes": "; ".join(sf.notes) or None}


def filled_rows(sf: SeriesForecast) -> list[dict]:
    """Months the models saw that were not data (filled gaps), as given back in the input's terms."""
    prep = sf.prepared
    keep = prep.filled[prep.filled >= prep.periods[0]]
    return [{"series_id": sf.series_id, "period": p.date(), "filled": True} for p in keep]


def path_rows(sf: SeriesForecast) -> list[dict]:
    """The sample paths of a forecast, one row per path and month."""
    if sf.paths is None:
        return []
    return [{"series_id": sf.series_id, "path": p, "period": period.date(), "value": float(v)}
            for p, row in enumerate(sf.paths) for period, v in zip(sf.periods, row)]


def _table(rows: list[dict], columns: Iterable[str] = ()) -> pa.Table:
    """Rows as an Arrow table: every key any row has (a missing value is null, never NaN);
    `columns` name the columns of an empty table."""
    names = list(dict.fromkeys(k for row in rows for k in row)) or list(columns)
    return pa.table({n: [row.get(n) for row in rows] for n in names}) if names else pa.table({})


def forecast_table(rows: list[dict], levels: Iterable[int] = (80, 95)) -> pa.Table:
    """The forecast-file table; typed even when empty (other levels add lo_/hi_ columns)."""
    extra = [f"{b}_{lv}" for lv in levels if lv not in (80, 95) for b in ("lo", "hi")]
    schema = FORECAST_SCHEMA
    for col in extra:
        schema = schema.append(pa.field(col, pa.float64()))
    return pa.Table.from_pylist(rows, schema=schema)


def forecast_batch(data, cfg: ForecastConfig = ForecastConfig(), quiet: bool = True,
                   with_paths: bool = False) -> BatchResult:
    """Forecast every series in `data`, in its order; unusable series go to `errors`, the rest
    are forecast. The one loop over series: `forecast-file` and the pipeline's chunks
    (models.chunks) both run it. `with_paths`: keep the sample paths (cfg.n_paths of them).

    quiet=True silences statsmodels' warnings with `warnings.catch_warnings`, which is not
    thread-safe: from threads pass quiet=False (convergence is recorded either way)."""
    import statsmodels.tools.sm_exceptions  # noqa: F401 - it resets warning filters on import

    fc_rows, bt_rows, ch_rows, err_rows, fill_rows, paths = [], [], [], [], [], []
    with warnings.catch_warnings() if quiet else contextlib.nullcontext():
        if quiet:
            warnings.simplefilter("ignore")
        for sid, periods, values in iter_series(data):
            try:
                sf = forecast_series(sid, periods, values, cfg)
            except SeriesError as exc:
                err_rows.append({"series_id": sid, "problem": exc.problem})
                continue
            fc_rows += forecast_rows(sf)
            bt_rows += backtest_rows(sf)
            ch_rows.append(choice_row(sf))
            fill_rows += filled_rows(sf)
            if with_paths:
                paths += path_rows(sf)
    return BatchResult(forecast_table(fc_rows, cfg.levels), _table(bt_rows), _table(ch_rows),
                       _table(err_rows, ("series_id", "problem")), filled_table(fill_rows),
                       _table(paths) if with_paths else None)


FILLED_SCHEMA = pa.schema([("series_id", pa.string()), ("period", pa.date32()), ("filled", pa.bool_())])


def filled_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=FILLED_SCHEMA)

