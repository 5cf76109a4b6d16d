"""Headers as offices write them: the same column under its usual spellings maps to one field and
one unit; a contract whose aliases of two fields read alike is refused naming them."""
from __future__ import annotations

import dataclasses

import pytest

from warehouse.spec import SpecError, detect_form, load_contract, split_unit

BASE = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本月(千元)", None, "工业总产值(当年价格)上年同期累计(千元)",
        "工业销售产值(当年价格)本年累计(千元)"]


@pytest.mark.parametrize("header, unit", [
    ("工业总产值(当年价格)本年累计(千元)", "千元"),
    ("工业总产值本年累计（千元）", "千元"),            # full-width brackets, no price basis
    ("工业总产值本年累计(千元)(当年价格)", "千元"),     # price basis after the unit
    ("工业总产值(千元)本年累计", "千元"),              # unit inside the name
    ("工业总产值本年累计(单位:万元)", "万元"),
    ("工业总产值本年累计/万元", "万元"),
    ("工业总产值本年累计 亿元", "亿元"),
    ("工业总产值(当年价格)1-6月累计(千元)", "千元"),
    ("工业总产值1－6月", None),                       # full-width dash, no unit: the 单位 line's or the form's
    ("工业总产值1至本月累计(元)", "元"),
    ("工业总产值累计", None),
])
def test_spellings_of_the_ytd_column(header, unit):
    headers = list(BASE)
    headers[3] = header
    match = detect_form(headers, load_contract())
    assert match.form.code == "B204-1" and not match.conflicts and not match.missing
    assert match.columns[3] == "gross_output_value_ytd"
    assert match.columns[4] == "gross_output_value_ytd_prior" and match.columns[2] == "gross_output_value"
    assert match.units.get("gross_output_value_ytd") == unit


def test_prior_year_spellings_are_not_the_current_year():
    for header in ("营业收入上年同期", "营业收入上年同期累计(千元)", "营业收入上年1-6月"):
        match = detect_form(["统一社会信用代码", "报告期", "营业收入(千元)", header, "研发费用"], load_contract())
        assert match.columns[2] == "operating_revenue_ytd" and match.columns[3] == "operating_revenue_ytd_prior"


def test_aliases_of_two_fields_that_read_alike_are_refused():
    form = load_contract().forms["b204_1"]
    month = form.fields["gross_output_value"]
    clash = dataclasses.replace(month, aliases=month.aliases + ("工业总产值1-本月",))   # a YTD spelling
    broken = dataclasses.replace(form, fields={**form.fields, "gross_output_value": clash})
    with pytest.raises(SpecError, match="工业总产值1-本月"):
        broken.alias_index


@pytest.mark.parametrize("header, expected", [
    ("千元", ("", "千元")), ("(万元)", ("", "万元")), ("元", ("", "元")),
    ("营业收入千元", ("营业收入", "千元")), ("营业收入元", ("营业收入", "元")),
    ("营业收入(千元)", ("营业收入", "千元")), ("营业收入(千元)本年累计", ("营业收入本年累计", "千元")),
    ("营业收入/万元", ("营业收入", "万元")), ("营业收入(单位:亿元)", ("营业收入", "亿元")),
    ("用地面积(亩)", ("用地面积(亩)", None)), ("工业总产值(当年价格)", ("工业总产值(当年价格)", None)),
])
def test_split_unit(header, expected):
    assert split_unit(header, load_contract().units) == expected


def test_varied_is_only_for_free_text():
    """`varied` (stored with zstd) marks free text; on a number, a code list or a padded code it
    is a mistake in forms.yaml, refused by name."""
    from warehouse.spec import _field

    assert _field("contact_phone", {"type": "text", "varied": True}).varied
    assert not _field("sub_area", {"type": "text"}).varied
    for raw in ({"type": "money", "varied": True}, {"type": "text", "pad": 4, "varied": True},
                {"type": "text", "codes": {"a": ["x"]}, "varied": True}):
        with pytest.raises(SpecError, match="field 'f': varied is for free text"):
            _field("f", raw)
