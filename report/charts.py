"""The report's bar and line charts as inline SVG (no script, the browser's fonts).

Amounts arrive in 万元 and are drawn in 亿元; February is drawn as 1-2月 (Jan-Feb is one period).
"""
from __future__ import annotations

from markupsafe import Markup

from report.svg import MUTED, Scale, el, fmt_tick, line, nice_ticks, polyline, svg, text
from warehouse.period import month_label

POS, NEG, THIS_YEAR, LAST_YEAR = "#2f6fb3", "#c8553d", "#2f6fb3", "#9aa5b1"
MONTHS = list(range(2, 13))


def _bar_panel(rows: list[dict], key: str, x0: float, x1: float, top: float, row_h: float,
               heading: str, unit: str, ref: float | None = None) -> list[str]:
    """One column of horizontal bars around zero, with the value at the end of each bar."""
    values = [r[key] for r in rows if r[key] is not None]
    lo, hi = min(values + [0.0]), max(values + [0.0])
    pad = (hi - lo) * 0.18 or 1.0
    scale = Scale(lo - (pad if lo < 0 else 0), hi + pad, x0, x1)
    parts = [text(x0, top - 10, heading, font_weight="bold", font_size=12),
             line(scale(0), top - 4, scale(0), top + row_h * len(rows), stroke=MUTED)]
    if ref is not None:
        parts += [line(scale(ref), top - 4, scale(ref), top + row_h * len(rows), stroke="#e0a800",
                       stroke_dasharray="4 3", stroke_width=1.5),
                  text(scale(ref) + 3, top + row_h * len(rows) + 14, f"全区 zone {ref:.1f}{unit}",
                       font_size=11, fill="#8a6d00")]
    for i, r in enumerate(rows):
        y, value = top + i * row_h, r[key]
        if value is None:
            parts.append(text(scale(0) + 4, y + row_h * 0.65, "无数据 no data", font_size=11, fill=MUTED))
            continue
        left, right = sorted((scale(0), scale(value)))
        tip = f"{r['label_zh']} {r['label_en']}: {value:.2f}{unit}"
        parts.append(el("rect", el("title", tip), x=left, y=y + 4, width=max(right - left, 1.0),
                        height=row_h - 8, fill=POS if value >= 0 else NEG, class_="bar"))
        anchor, tx = ("start", right + 4) if value >= 0 else ("end", left - 4)
        label = f"{value:+.1f}"
        if ref is not None:   # a label across the zone's line moves to its far side, clear of it
            span = 6.5 * len(label) + 2
            if anchor == "start" and tx - 2 <= scale(ref) <= tx + span:
                tx = scale(ref) + 4
            elif anchor == "end" and tx - span <= scale(ref) <= tx + 2:
                tx = scale(ref) - 4
        parts.append(text(tx, y + row_h * 0.65, label, font_size=11, text_anchor=anchor, stroke="#fff",
                          stroke_width=3, paint_order="stroke"))   # a halo keeps it legible over lines
    return parts


def _industry_labels(rows: list[dict], label_w: float, top: float, row_h: float, width: float,
                     english: bool) -> list[str]:
    stripes, labels = [], []
    for i, r in enumerate(rows):
        y = top + i * row_h + row_h * 0.65
        mark = " *" if r.get("status") == "provisional" else ""   # provisional figures, as in the tables
        labels.append(text(label_w - 8, y - (3 if english else 0), r["label_zh"] + mark, text_anchor="end",
                           font_size=13))
        if english:
            labels.append(text(label_w - 8, y + 9, r["label_en"], text_anchor="end", font_size=10.5, fill=MUTED))
        if i % 2 == 0:
            stripes.append(el("rect", x=0, y=top + i * row_h, width=width, height=row_h, fill="#f7f9fb"))
    return stripes + labels


def industry_bars(rows: list[dict], zone_growth: float | None, width: int = 800) -> Markup:
    """Growth by local industry, sorted, beside each industry's pull on the zone's growth; below
    600 wide (a phone) the pull panel goes under the growth panel and the English names are left out."""
    title = "分行业增速与拉动 Growth and pull by local industry"
    row_h, top, n = 30, 34, max(len(rows), 1)
    if width >= 600:
        label_w = 190
        parts = _industry_labels(rows, label_w, top, row_h, width, english=True)
        parts += _bar_panel(rows, "growth_pct", label_w + 10, label_w + 330, top, row_h,
                            "增速 growth (%)", "%", zone_growth)
        parts += _bar_panel(rows, "pull_pp", label_w + 390, width - 20, top, row_h,
                            "拉动 pull on zone growth (百分点 pp)", " pp")
        return svg(width, top + row_h * n + 28, title, *parts)
    label_w, second = 100, top + row_h * n + 64
    parts = _industry_labels(rows, label_w, top, row_h, width, english=False)
    parts += _bar_panel(rows, "growth_pct", label_w + 6, width - 44, top, row_h, "增速 growth (%)", "%", zone_growth)
    parts += _industry_labels(rows, label_w, second, row_h, width, english=False)
    parts += _bar_panel(rows, "pull_pp", label_w + 6, width - 44, second, row_h, "拉动 pull (百分点 pp)", " pp")
    return svg(width, second + row_h * n + 12, title, *parts)


def _y_axis(lo: float, hi: float, top: float, bottom: float, left: float, right: float,
            unit: str) -> tuple[Scale, list[str]]:
    ticks = nice_ticks(lo, hi, 4)
    scale = Scale(ticks[0], ticks[-1], bottom, top)
    parts = [text(left - 6, top - 10, unit, font_size=11, fill=MUTED, text_anchor="end")]
    for t in ticks:
        parts += [line(left, scale(t), right, scale(t)),
                  text(left - 6, scale(t) + 4, fmt_tick(t), font_size=11, fill=MUTED, text_anchor="end")]
    return scale, parts


def _x_axis(left: float, right: float, bottom: float, every: int = 1) -> tuple[Scale, list[str]]:
    scale = Scale(MONTHS[0], MONTHS[-1], left, right)
    parts = [text(scale(m), bottom + 15, month_label(m), font_size=11, fill=MUTED, text_anchor="middle")
             for m in MONTHS if (m - 2) % every == 0]
    return scale, parts


def _series(points: list[tuple[int, float]], xs: Scale, ys: Scale, colour: str, label: str,
            dashed: bool = False) -> list[str]:
    if not points:
        return []
    xy = [(xs(m), ys(v)) for m, v in points]
    parts = [polyline(xy, stroke=colour, stroke_width=2, stroke_dasharray="5 4" if dashed else None,
                      class_="series")]
    for (m, v), (x, y) in zip(points, xy):
        parts.append(el("circle", el("title", f"{label} {month_label(m)}: {v:,.2f} 亿元"), cx=x, cy=y, r=3,
                        fill=colour))
    return parts


def trend_lines(label_zh: str, label_en: str, year: int, this_year: list[tuple[int, float]],
                last_year: list[tuple[int, float]]) -> Markup:
    """One main flow indicator: the month's amount (亿元) this year against last year."""
    width, height, left, right, top, bottom = 380, 240, 52, 368, 58, 208
    values = [v for _, v in this_year + last_year] or [0.0]
    ys, y_parts = _y_axis(min(0.0, min(values)), max(values), top, bottom, left, right, "亿元")
    xs, x_parts = _x_axis(left, right, bottom, every=2)
    legend = [line(left, 40, left + 22, 40, stroke=THIS_YEAR, stroke_width=2),
              text(left + 26, 44, f"{year}年 this year", font_size=11),
              line(left + 140, 40, left + 162, 40, stroke=LAST_YEAR, stroke_width=2, stroke_dasharray="5 4"),
              text(left + 166, 44, f"{year - 1}年 last year", font_size=11)]
    parts = [text(8, 16, label_zh, font_weight="bold", font_size=13),
             text(8, 30, label_en + " · 本月 monthly", font_size=11, fill=MUTED)]
    parts += y_parts + x_parts + legend
    parts += _series(last_year, xs, ys, LAST_YEAR, f"{year - 1}年", dashed=True)
    parts += _series(this_year, xs, ys, THIS_YEAR, f"{year}年")
    if not this_year and not last_year:
        parts.append(text((left + right) / 2, (top + bottom) / 2, "无数据 no data", text_anchor="middle",
                          fill=MUTED))
    return svg(width, height, f"{label_zh} {label_en}: {year} vs {year - 1}", *parts)

