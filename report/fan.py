"""The H2 forecast as a cumulative (year-to-date) fan chart with the annual target as a line.

The chart's December band is exactly the model's full-year band (marts.forecast_full_year).
Months in between lie on the path of the monthly means, and their bands widen like a sum of
independent months (the square root of the summed squared monthly band widths), scaled so the
December band is met; without monthly rows the path is a straight line and the band widens
with the square root of the months ahead. See docs/report.md.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from markupsafe import Markup

from report.svg import (GRID, MUTED, Scale, el, fmt_tick, line, nice_ticks, polygon, polyline, svg,
                        text)
from warehouse.period import month_label

BANDS = (("95", "#d6e4f5"), ("80", "#a9c7ea"))
TARGET = "#c8553d"


@dataclass
class Fan:
    """Cumulative values in 万元 by month (2 = 1-2月 ... 12)."""

    actual: list[tuple[int, float]]
    mean: list[tuple[int, float]]
    bands: dict[str, list[tuple[int, float, float]]] = field(default_factory=dict)
    target: float | None = None

    def scaled(self, divisor: float) -> "Fan":
        """The same fan in another unit (万元 / 1e4 = 亿元)."""
        return Fan(actual=[(m, v / divisor) for m, v in self.actual], mean=[(m, v / divisor) for m, v in self.mean],
                   bands={k: [(m, lo / divisor, hi / divisor) for m, lo, hi in b] for k, b in self.bands.items()},
                   target=None if self.target is None else self.target / divisor)


def display_unit(fan: Fan) -> tuple[float, str]:
    """亿元 for a zone-sized total, 万元 when the full year stays under 1 亿元."""
    return (1e4, "亿元") if _y_range(fan)[1] >= 1e4 else (1.0, "万元")


def amount(value: float, span: float) -> str:
    """An amount with as many decimals as the spread it is compared within needs."""
    decimals = 0 if span >= 100 else 1 if span >= 1 else 2
    return f"{value:,.{decimals}f}"


def _fractions(as_of: int, monthly: list[dict]) -> tuple[list[float], dict[str, list[float]]]:
    """Share of the rest-of-year mean reached by each month, and each band's widening share."""
    months = list(range(as_of + 1, 13))
    by_month = {r["period"].month: r for r in monthly}
    if monthly and all(m in by_month for m in months):
        means = [max(by_month[m]["mean"], 0.0) for m in months]
        total = sum(means) or 1.0
        frac = [sum(means[: i + 1]) / total for i in range(len(months))]
        spread = {}
        for level in ("80", "95"):
            sq = [(by_month[m][f"hi_{level}"] - by_month[m][f"lo_{level}"]) ** 2 for m in months]
            spread[level] = [math.sqrt(sum(sq[: i + 1]) / (sum(sq) or 1.0)) for i in range(len(months))]
        return frac, spread
    frac = [(i + 1) / len(months) for i in range(len(months))]
    root = [math.sqrt(f) for f in frac]
    return frac, {"80": root, "95": root}


def cumulative_fan(actual_ytd: list[tuple[int, float]], outlook: dict, monthly: list[dict]) -> Fan:
    """Year-to-date actuals, then the forecast path and bands to December, from the marts' rows."""
    as_of = outlook["as_of"].month
    start = outlook["ytd_actual"]
    if start is None:
        start = actual_ytd[-1][1] if actual_ytd else 0.0
    end = outlook["full_year_mean"] if outlook["full_year_mean"] is not None else start
    fan = Fan(actual=list(actual_ytd), mean=[(as_of, start)], target=outlook.get("target_full_year"))
    if as_of >= 12:
        return fan
    frac, spread = _fractions(as_of, monthly)
    months = list(range(as_of + 1, 13))
    fan.mean += [(m, start + (end - start) * f) for m, f in zip(months, frac)]
    for level in ("80", "95"):
        lo, hi = outlook.get(f"full_year_lo_{level}"), outlook.get(f"full_year_hi_{level}")
        if lo is None or hi is None:
            continue
        band = [(as_of, start, start)]
        for (m, mid), s in zip(fan.mean[1:], spread[level]):
            band.append((m, mid - (end - lo) * s, mid + (hi - end) * s))
        fan.bands[level] = band
    return fan


def _y_range(fan: Fan) -> tuple[float, float]:
    values = [v for _, v in fan.actual + fan.mean]
    values += [v for band in fan.bands.values() for _, lo, hi in band for v in (lo, hi)]
    if fan.target is not None:
        values.append(fan.target)
    return 0.0, max(values or [1.0])


def fan_chart(fan: Fan, label_zh: str, label_en: str, target_growth: float | None, width: int = 760) -> Markup:
    """Draw the fan (亿元, or 万元 for small totals): actual line, 95% and 80% bands, mean path,
    annual target line, and a zoomed strip of the full-year band against the target at the right.
    `width` below 600 draws the phone's version: legend on two rows, every other month labelled."""
    narrow = width < 600
    height, left, top, bottom = 340, 52 if narrow else 64, 86 if narrow else 72, 306
    right = width - (140 if narrow else 200)
    divisor, unit = display_unit(fan)
    fan = fan.scaled(divisor)
    ticks = nice_ticks(0.0, _y_range(fan)[1] * 1.05, 5)
    ys, xs = Scale(ticks[0], ticks[-1], bottom, top), Scale(2, 12, left, right)
    parts = [text(8, 18, f"{label_zh} 累计 year to date", font_weight="bold", font_size=13),
             text(8, 33, f"{label_en} · {unit}, cumulative", font_size=11, fill=MUTED)]
    parts += _legend(8, 54, per_row=3 if narrow else 5)
    for t in ticks:
        parts += [line(left, ys(t), right, ys(t), stroke=GRID),
                  text(left - 6, ys(t) + 4, fmt_tick(t), font_size=11, fill=MUTED, text_anchor="end")]
    parts += [text(xs(m), bottom + 16, month_label(m), font_size=11, fill=MUTED, text_anchor="middle")
              for m in range(2, 13) if not narrow or m % 2 == 0]
    for level, colour in BANDS:
        band = fan.bands.get(level)
        if band:
            outline = [(xs(m), ys(lo)) for m, lo, _ in band] + [(xs(m), ys(hi)) for m, _, hi in reversed(band)]
            parts.append(polygon(outline, fill=colour, class_=f"band band-{level}", stroke="none"))
    parts += _lines(fan, xs, ys, unit)
    parts += _target(fan, xs, ys, right, target_growth, unit, ticks[-1] - ticks[0], short=narrow)
    parts += _strip(fan, right + (44 if narrow else 60), top, bottom)
    return svg(width, height, f"{label_zh} {label_en}: 下半年预测 H2 forecast", *parts)


def _lines(fan: Fan, xs: Scale, ys: Scale, unit: str) -> list[str]:
    parts = []
    if fan.actual:
        parts.append(polyline([(xs(m), ys(v)) for m, v in fan.actual], stroke="#1f2933",
                              stroke_width=2.5, class_="series actual"))
        parts += [el("circle", el("title", f"实际 actual {month_label(m)}: {v:,.2f} {unit}"),
                     cx=xs(m), cy=ys(v), r=3, fill="#1f2933") for m, v in fan.actual]
    if len(fan.mean) > 1:
        parts.append(polyline([(xs(m), ys(v)) for m, v in fan.mean], stroke="#2f6fb3",
                              stroke_width=2, stroke_dasharray="6 4", class_="series mean"))
    return parts


def _target(fan: Fan, xs: Scale, ys: Scale, right: float, target_growth: float | None, unit: str,
            span: float, short: bool = False) -> list[str]:
    if fan.target is None:
        return []
    y = ys(fan.target)
    growth = "" if target_growth is None else f" ({target_growth:+.1f}%)"
    return [line(xs(2), y, right, y, stroke=TARGET, stroke_width=1.5, stroke_dasharray="8 3", class_="target"),
            text(xs(2) + 4, y - 6, f"{'目标' if short else '年度目标 annual target'} {amount(fan.target, span / 100)}"
                 f"{'' if short else ' ' + unit}{growth}", font_size=11, fill=TARGET)]


def _strip(fan: Fan, x: float, top: float, bottom: float) -> list[str]:
    """The full-year (December) band, zoomed, with the mean and the target marked and labelled."""
    band95, band80 = (fan.bands.get(k, [None])[-1] for k in ("95", "80"))
    mean = fan.mean[-1][1]
    values = [mean] + ([fan.target] if fan.target is not None else [])
    values += [v for b in (band95, band80) if b for v in b[1:]]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.15 or abs(mean) * 0.05 or 1.0
    ys, span = Scale(lo - pad, hi + pad, bottom, top + 10), hi - lo
    parts = [text(x + 20, top - 6, "全年 full year", font_size=11, text_anchor="middle", font_weight="bold"),
             line(x - 30, top + 4, x - 30, bottom, stroke=GRID, stroke_dasharray="2 3")]
    for band, colour in ((band95, BANDS[0][1]), (band80, BANDS[1][1])):
        if band:
            parts.append(el("rect", x=x, y=ys(band[2]), width=40, height=max(ys(band[1]) - ys(band[2]), 1.0),
                            fill=colour, class_="band strip"))
            parts += [text(x + 44, ys(v) + 4, amount(v, span), font_size=10.5, fill=MUTED)
                      for v in band[1:] if band is band95]
    parts += [line(x - 4, ys(mean), x + 44, ys(mean), stroke="#2f6fb3", stroke_width=2.5),
              text(x - 8, ys(mean) + 4, amount(mean, span), font_size=11, fill="#2f6fb3", text_anchor="end")]
    if fan.target is not None:
        y = ys(fan.target)
        gap = y - ys(mean)   # keep the two labels apart when the target sits on the mean
        label_y = y + (0 if abs(gap) >= 12 else (12 - abs(gap)) * (1 if gap >= 0 else -1))
        parts += [line(x - 4, y, x + 44, y, stroke=TARGET, stroke_width=1.5, stroke_dasharray="4 2"),
                  text(x - 8, label_y + 4, amount(fan.target, span), font_size=11, fill=TARGET, text_anchor="end")]
    return parts


def _legend(x: float, y: float, per_row: int = 5) -> list[str]:
    items = [("#1f2933", "实际 actual", "line"), ("#2f6fb3", "预测均值 mean", "dash"),
             ("#a9c7ea", "80% 区间 band", "box"), ("#d6e4f5", "95% 区间 band", "box"),
             (TARGET, "年度目标 target", "dash")]
    parts = []
    for i, (colour, label, kind) in enumerate(items):
        xx, yy = x + (i % per_row) * 126, y + (i // per_row) * 16
        if kind == "box":
            parts.append(el("rect", x=xx, y=yy - 8, width=20, height=10, fill=colour))
        else:
            parts.append(line(xx, yy - 3, xx + 20, yy - 3, stroke=colour, stroke_width=2,
                              stroke_dasharray="5 3" if kind == "dash" else None))
        parts.append(text(xx + 26, yy + 1, label, font_size=11))
    return parts
