"""The report's chart geometry and escaping, on literal rows (no warehouse, no browser)."""
from __future__ import annotations

import datetime as dt

import pytest

from report.fan import cumulative_fan, fan_chart
from report.svg import el, nice_ticks, text

OUTLOOK = {"as_of": dt.date(2024, 6, 1), "ytd_actual": 600.0, "full_year_mean": 1200.0,
           "full_year_lo_80": 1100.0, "full_year_hi_80": 1320.0, "full_year_lo_95": 1050.0,
           "full_year_hi_95": 1400.0, "target_full_year": 1150.0}


def monthly(widths):
    return [{"period": dt.date(2024, 7 + i, 1), "mean": 100.0, "lo_80": 100 - w, "hi_80": 100 + w,
             "lo_95": 100 - 1.5 * w, "hi_95": 100 + 1.5 * w} for i, w in enumerate(widths)]


def test_december_band_is_the_full_year_band_and_bands_widen():
    fan = cumulative_fan([(2, 200.0), (6, 600.0)], OUTLOOK, monthly([10, 12, 14, 16, 18, 20]))
    assert [m for m, _ in fan.mean] == list(range(6, 13))
    assert fan.mean[0] == (6, 600.0) and fan.mean[-1] == (12, pytest.approx(1200.0))
    assert fan.mean[3][1] == pytest.approx(900.0)   # equal monthly means: half-way in September
    for level in ("80", "95"):
        band = fan.bands[level]
        assert band[-1][1:] == (pytest.approx(OUTLOOK[f"full_year_lo_{level}"]),
                                pytest.approx(OUTLOOK[f"full_year_hi_{level}"]))
        widths = [hi - lo for _, lo, hi in band]
        assert widths[0] == 0 and widths == sorted(widths)
    assert fan.target == 1150.0


def test_without_monthly_rows_the_path_is_straight():
    fan = cumulative_fan([(6, 600.0)], OUTLOOK, [])
    steps = [b[1] - a[1] for a, b in zip(fan.mean, fan.mean[1:])]
    assert steps == pytest.approx([100.0] * 6)
    assert fan.bands["95"][-1][1:] == (pytest.approx(1050.0), pytest.approx(1400.0))


def test_fan_chart_draws_bands_target_and_strip():
    svg = str(fan_chart(cumulative_fan([(6, 600.0)], OUTLOOK, []), "规上工业产值增速", "Output growth", 8.0))
    assert svg.count('class="band band-') == 2 and 'class="target"' in svg
    assert "年度目标 annual target 1,150.0 万元 (+8.0%)" in svg   # a total under 1 亿元 is drawn in 万元


def test_text_in_charts_is_escaped():
    assert str(text(0, 0, "<script>alert(1)</script>有限公司")).endswith(
        ">&lt;script&gt;alert(1)&lt;/script&gt;有限公司</text>")
    assert 'data-x="&#34;&gt;&lt;b&gt;"' in str(el("g", data_x='"><b>'))


def test_nice_ticks_cover_the_range():
    assert nice_ticks(0, 97, 5) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
