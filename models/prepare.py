"""One raw series (periods, values) -> a gap-free array on its reporting calendar, or a clear error."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.janfeb import Layout, detect_layout, slot_periods, to_flows

MAX_GAP_SHARE = 0.2


class SeriesError(ValueError):
    """A series that cannot be forecast; the message names the series and the problem."""

    def __init__(self, series_id: str, problem: str):
        super().__init__(f"{series_id}: {problem}")
        self.series_id, self.problem = series_id, problem


@dataclass
class Prepared:
    """A series ready for the models: `y` on `periods` (one per slot of `layout`)."""

    series_id: str
    y: np.ndarray
    periods: pd.DatetimeIndex
    layout: Layout
    last_value: float  # last observed value as given (the YTD figure for cumulative series)
    notes: list[str] = field(default_factory=list)
    filled: pd.DatetimeIndex = field(default_factory=lambda: pd.DatetimeIndex([]))  # periods not in the data

    @property
    def m(self) -> int:
        return self.layout.m

    @property
    def positive(self) -> bool:
        return bool(np.all(self.y > 0))

    @property
    def nonnegative(self) -> bool:
        return bool(np.all(self.y >= 0))


def _periods(series_id: str, raw) -> pd.DatetimeIndex:
    try:
        stamps = pd.to_datetime(pd.Series(raw).astype("string"), errors="raise", format="mixed")
    except (ValueError, TypeError) as exc:
        raise SeriesError(series_id, f"unreadable period ({exc})") from exc
    if stamps.isna().any():
        raise SeriesError(series_id, "empty period")
    return pd.DatetimeIndex(stamps.dt.to_period("M").dt.to_timestamp())


def _numbers(series_id: str, values) -> np.ndarray:
    """Values as floats; text that is not a plain number (e.g. "1,234.5") is refused, not dropped."""
    raw = values if isinstance(values, pd.Series) else pd.Series(values)
    vals = pd.to_numeric(raw, errors="coerce")
    text = raw.notna() & vals.isna() & raw.map(lambda v: isinstance(v, str) and v.strip() != "")
    if text.any():
        row, bad = raw.index[text.to_numpy()][0], raw[text].iloc[0]
        where = f"row {row + 1}" if isinstance(row, (int, np.integer)) else f"row {row}"
        raise SeriesError(series_id, f"text value {bad!r} in field value ({where}, {int(text.sum())} such rows): "
                                     "values must be numbers, without thousands separators or units (数值为文本)")
    return vals.to_numpy(dtype=float)


def _observed(series_id: str, periods, values) -> pd.Series:
    """Month-start indexed values, sorted, missing values dropped, duplicates refused."""
    idx = _periods(series_id, periods)
    vals = _numbers(series_id, values)
    dup = idx[idx.duplicated()]
    if len(dup):
        raise SeriesError(series_id, f"duplicate period {dup[0]:%Y-%m} (one row per month)")
    obs = pd.Series(vals, index=idx).sort_index()
    obs = obs[np.isfinite(obs.to_numpy())]
    if obs.empty:
        raise SeriesError(series_id, "no numeric values")
    return obs


def _drop_long_gaps(y: np.ndarray, m: int) -> tuple[int, str | None]:
    """Start index after the last run of >= m missing slots (older history is not used)."""
    missing = np.r_[False, np.isnan(y), False]
    edges = np.flatnonzero(np.diff(missing.astype(int)))
    runs = list(zip(edges[::2], edges[1::2]))
    long = [(a, b) for a, b in runs if b - a >= m]
    if not long:
        return 0, None
    a, b = long[-1]
    return b, f"history before a gap of {b - a} periods dropped"


def fill_gaps(y: np.ndarray, m: int) -> np.ndarray:
    """Fill isolated gaps: local trend (centred moving average) plus the same-season deviation."""
    t = np.arange(len(y))
    ok = ~np.isnan(y)
    lin = np.interp(t, t[ok], y[ok])
    trend = pd.Series(lin).rolling(m, center=True, min_periods=1).mean().to_numpy()
    out = y.copy()
    for i in np.flatnonzero(~ok):
        nbrs = [j for j in (i - m, i + m, i - 2 * m, i + 2 * m) if 0 <= j < len(y) and ok[j]]
        dev = np.mean([y[j] - trend[j] for j in nbrs]) if nbrs else lin[i] - trend[i]
        out[i] = trend[i] + dev
    return out


def prepare(series_id: str, periods, values, layout: Layout | None = None,
            kind: str | None = None, min_years: int = 2) -> Prepared:
    """Validate, detect the Jan-Feb layout (or force its `kind`), put on slots, fill short gaps."""
    obs = _observed(series_id, periods, values)
    layout = layout or detect_layout(obs.index, obs.to_numpy())
    if kind and kind != layout.kind:
        layout = Layout(kind, layout.cumulative, None)
    notes = [f"calendar {layout.kind}" + (f" since {layout.since}" if layout.since else "")]
    if layout.cumulative:
        notes.append("year-to-date values: modelled as per-period flows")
    slots = slot_periods(obs.index[0], obs.index[-1], layout)
    y = obs.reindex(slots).to_numpy(dtype=float)
    start, note = _drop_long_gaps(y, layout.m)
    if note:
        notes.append(note)
    y, slots = y[start:], slots[start:]
    missing = int(np.isnan(y).sum())
    if missing > MAX_GAP_SHARE * len(y):
        raise SeriesError(series_id, f"too many gaps: {missing} of {len(y)} periods missing")
    if len(y) - missing < min_years * layout.m:
        raise SeriesError(series_id, f"too short: {len(y) - missing} usable periods, "
                                     f"need at least {min_years * layout.m} ({min_years} years)")
    filled = slots[np.isnan(y)]
    if missing:
        notes.append(f"{missing} missing periods filled")
        y = _fill(y, slots, layout)
    if layout.cumulative:
        y = to_flows(slots, y)
    if np.ptp(y) == 0:
        notes.append("constant series")
    return Prepared(series_id, y, slots, layout, float(obs.iloc[-1]), notes, filled)


def _fill(y: np.ndarray, slots: pd.DatetimeIndex, layout: Layout) -> np.ndarray:
    """YTD gaps are interpolated within the year (flows spread evenly); others filled seasonally."""
    if not layout.cumulative:
        filled = fill_gaps(y, layout.m)
        return np.maximum(filled, 0.0) if np.nanmin(y) >= 0 else filled
    out = pd.Series(y, index=slots)
    parts = [grp.interpolate(limit_direction="both") for _, grp in out.groupby(slots.year)]
    return pd.concat(parts).reindex(slots).ffill().bfill().to_numpy(dtype=float)
