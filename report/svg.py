"""SVG primitives for the report's charts: escaped elements, linear scales and tick values.

Every text node and attribute value goes through markupsafe.escape, so a name from a filing is
drawn as text, never parsed as markup. Charts use the browser's fonts (FONT_STACK).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
              '"WenQuanYi Micro Hei", "Noto Sans SC", sans-serif')
INK, MUTED, GRID = "#1f2933", "#616e7c", "#e4e7eb"


def _attrs(attrs: dict) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = f"{value:.2f}"
        parts.append(f' {name}="{escape(str(value))}"')
    return "".join(parts)


def el(tag: str, *children: str, **attrs) -> Markup:
    """One element; children are Markup (already safe) or plain text (escaped here)."""
    inner = "".join(str(c) if isinstance(c, Markup) else str(escape(c)) for c in children)
    return Markup(f"<{tag}{_attrs(attrs)}>{inner}</{tag}>")


def text(x: float, y: float, content: str, **attrs) -> Markup:
    attrs.setdefault("fill", INK)
    attrs.setdefault("font_size", 12)
    return el("text", content, x=x, y=y, **attrs)


def line(x1: float, y1: float, x2: float, y2: float, **attrs) -> Markup:
    attrs.setdefault("stroke", GRID)
    return el("line", x1=x1, y1=y1, x2=x2, y2=y2, **attrs)


def polyline(points: list[tuple[float, float]], **attrs) -> Markup:
    attrs.setdefault("fill", "none")
    return el("polyline", points=" ".join(f"{x:.1f},{y:.1f}" for x, y in points), **attrs)


def polygon(points: list[tuple[float, float]], **attrs) -> Markup:
    return el("polygon", points=" ".join(f"{x:.1f},{y:.1f}" for x, y in points), **attrs)


def svg(width: int, height: int, title: str, *children: str, css_class: str = "chart") -> Markup:
    """The root element, sized by its viewBox (it scales with the page); `title` is its accessible name."""
    return el("svg", el("title", title), *children, xmlns="http://www.w3.org/2000/svg", role="img",
              viewBox=f"0 0 {width} {height}", width=width, height=height, class_=css_class,
              font_family=FONT_STACK, aria_label=title)


@dataclass(frozen=True)
class Scale:
    """A linear map from the data interval [lo, hi] to the pixel interval [start, end]."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = (self.hi - self.lo) or 1.0
        return self.start + (value - self.lo) / span * (self.end - self.start)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (1, 2, 2.5 or 5 times a power of ten apart)."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        return [0.0]
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    value = first
    while value < hi + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def fmt_tick(value: float) -> str:
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}".rstrip("0").rstrip(".")


