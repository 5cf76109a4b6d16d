"""The bulletin's wording file: checked at load (a wrong field names its template), and filled from
literal rows into the office's sentences."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from report.bulletin import compose
from report.wording import WORDING_FILE, Figure, WordingError, fill, load_wording


def _variant(tmp_path: Path, edit) -> Path:
    raw = yaml.safe_load(WORDING_FILE.read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "bulletin.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _paragraph(raw: dict, name: str) -> dict:
    return next(p for s in raw["sections"] for p in s["paragraphs"] if p["name"] == name)


def test_the_shipped_wording_loads_and_names_only_known_fields():
    wording = load_wording()
    names = [p.name for s in wording.sections for p in s.paragraphs]
    assert {"industrial_output", "industries", "investment", "retail", "research", "outlook"} <= set(names)


@pytest.mark.parametrize("sentence, message", [
    ("{period_label}，固定资产投资{fai_grwoth:change}。", "unknown field {fai_grwoth}"),
    ("{period_label}，固定资产投资{fai_growth:percent}。", "unknown format {fai_growth:percent}"),
    ("全区固定资产投资{fai_value:change}。", "{fai_value:change} needs a percent figure"),
    ("全区固定资产投资{fai_value。", "template 'investment, sentence 2'"),
    ("固定资产投资{fai_growth:gap}。", "{fai_growth:gap} needs a gap in points"),
])
def test_a_wrong_template_fails_at_load_naming_the_template(tmp_path, sentence, message):
    path = _variant(tmp_path, lambda raw: _paragraph(raw, "investment")["sentences"].append(sentence))
    with pytest.raises(WordingError) as err:
        load_wording(path)
    assert "investment" in str(err.value) and message in str(err.value)


def test_outlook_fields_are_not_figures_fields(tmp_path):
    """A field of another kind of paragraph is unknown here: {prob} belongs to the outlook."""
    path = _variant(tmp_path, lambda raw: _paragraph(raw, "retail")["sentences"].append("概率{prob}%。"))
    with pytest.raises(WordingError, match=r"template 'retail, sentence 2' names an unknown field \{prob\}"):
        load_wording(path)


def test_a_figure_is_written_as_a_bulletin_writes_it():
    assert Figure(11.0, 1, "%").text("change") == "增长11.0%"
    assert Figure(-4.54, 2, "%").text("change") == "下降4.54%"
    assert Figure(0.0, 1, "%").text("change") == "持平"
    assert Figure(462.4, 1, "亿元", provisional=True).text("unit") == "462.4亿元*"
    assert Figure(7, 0, "个").text("") == "7"
    assert Figure(-1.2, 1, "个百分点").text("gap") == "落后进度1.2个百分点"
    assert Figure(0.3, 1, "个百分点").text("gap") == "超过进度0.3个百分点"
    assert fill("同比{g:change}，共{n}个", {"g": Figure(3.0, 1, "%"), "n": Figure(None, 0)}) is None
    assert fill("其中{xs}。", {"xs": []}) is None and fill("其中{xs}。", {"xs": ["甲", "乙"]}) == "其中甲、乙。"


def _row(ident, kind, value, unit="%", decimals=1, breakdown="zone", member="全区", label="全区", hardware=False,
         status="final"):
    return {"indicator_id": ident, "kind": kind, "value": value, "unit": unit, "decimals": decimals,
            "breakdown": breakdown, "member": member, "member_label": label, "hardware": hardware, "status": status}


def test_compose_on_literal_rows():
    """Hand-written rows in, the office's sentences out; sentences without figures are left out and listed."""
    figures = [
        _row("industrial_output_value", "level", 462.4, "亿元"), _row("industrial_output_growth", "growth", 11.0),
        _row("hardware_industries_growing", "count", 1, "个", 0),
        _row("industrial_output_growth", "growth", 15.4, breakdown="local_industry", member="power_tools",
             label="电动工具", hardware=True),
        _row("industrial_output_growth", "growth", -4.5, breakdown="local_industry", member="doors", label="门业",
             hardware=True, status="provisional"),
        _row("fai_value", "level", 14.5, "亿元"), _row("fai_growth", "growth", 31.4),
    ]
    bulletin = compose(load_wording(), dt.date(2024, 6, 1), figures, outlook=[])
    assert bulletin.title == "经济开发区2024年1-6月经济运行简报"
    text = bulletin.text
    assert "1-6月，全区规上工业总产值462.4亿元，按同口径计算同比增长11.0%。" in text
    assert "传统八大五金行业中1个行业保持增长态势：电动工具增长15.4%。门业下降4.5%*。" in text
    assert "1-6月，全区完成固定资产投资14.5亿元，同比增长31.4%" not in text   # names manufacturing too: left out
    assert "investment, sentence 1" in bulletin.left_out and "outlook" not in " ".join(bulletin.left_out)
    assert [s.heading for s in bulletin.sections] == ["一、工业生产"]
    assert bulletin.note and "初步数" in bulletin.note and "95%" in bulletin.note
