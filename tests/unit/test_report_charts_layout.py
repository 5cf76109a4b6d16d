"""Chart layout on literal rows: the phone's drawings fit 400 units with text no smaller than 10.5,
and a growth label never sits across the zone's line."""
from __future__ import annotations

import re

from report.charts import industry_bars, trend_lines
from report.fan import cumulative_fan, fan_chart
from tests.unit.test_report_charts import OUTLOOK, monthly

ROWS = [{"label_zh": name, "label_en": name, "growth_pct": g, "pull_pp": g / 10, "status": "final"}
        for name, g in (("储能", 44.2), ("电动工具", 15.4), ("金属材料", 9.4), ("杯壶", 8.4), ("门业", -4.5))]


def view_width(svg: str) -> float:
    return float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))


def font_sizes(svg: str) -> list[float]:
    return [float(v) for v in re.findall(r'<text[^>]* font-size="([\d.]+)"', svg)]


def test_narrow_drawings_fit_a_phone_and_keep_their_text_large():
    fan = cumulative_fan([(2, 200.0), (6, 600.0)], OUTLOOK, monthly([10, 12, 14, 16, 18, 20]))
    for chart in (industry_bars(ROWS, 11.0, width=400), fan_chart(fan, "规上工业产值增速", "Output growth", 8.0, width=400)):
        svg = str(chart)
        assert view_width(svg) == 400
        assert min(font_sizes(svg)) >= 10.5
        xs = [float(x) for x in re.findall(r'<text x="([\d.-]+)"', svg)]
        assert min(xs) >= 0 and max(xs) <= 400
    wide = [str(industry_bars(ROWS, 11.0)), str(fan_chart(fan, "规上工业产值增速", "Output growth", 8.0)),
            str(trend_lines("规上工业产值", "Output", 2024, [(2, 1.0), (3, 2.0)], [(2, 1.0)]))]
    assert all(min(font_sizes(s)) >= 10.5 for s in wide)    # x 0.89 at the A4 width: still over 9 px


def test_a_growth_label_is_never_across_the_zone_line():
    svg = str(industry_bars(ROWS, 11.0))
    zone_x = float(re.search(r'<line x1="([\d.]+)"[^>]*stroke="#e0a800"', svg).group(1))
    labels = re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="start"[^>]*>([+-][\d.]+)</text>', svg)
    assert {label for _, label in labels} >= {"+9.4", "+8.4", "+15.4"}     # 9.4 and 8.4 end near the line at 11
    for x, label in labels:
        start, end = float(x), float(x) + 6.5 * len(label)
        assert not start - 2 <= zone_x <= end, (label, start, zone_x)
