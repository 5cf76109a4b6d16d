"""Words for users in the report: model ids in plain Chinese, load-check reasons with Chinese in front."""
from __future__ import annotations

from report.labels import model_words, reason_words
from report.tables import show


def test_model_ids_in_plain_words():
    assert model_words("ets_ANA") == "指数平滑"
    assert model_words("ets_AAdA+sarima+theta+stl_ets") == "组合(指数平滑、ARIMA、Theta、STL分解+指数平滑)"
    assert model_words("snaive") == "季节朴素" and model_words("mystery_model") == "mystery_model"
    assert model_words(None) == "" and show("ets_ANA", "model") == "指数平滑"


def test_reasons_in_chinese_with_the_english_beside():
    assert reason_words("not a valid unified social credit code (18 characters)") == \
        "统一社会信用代码无效 not a valid unified social credit code (18 characters)"
    assert reason_words("January filing of B203, whose January is exempt").startswith("1月免报表式报送了1月数据 January")
    assert reason_words("环比异常 month change out of band") == "环比异常 month change out of band"   # already Chinese
    assert reason_words("something new") == "something new"


def test_numbers_as_a_bulletin_writes_them():
    assert show(2023, "year") == "2023" and show(2023, "int") == "2,023"
    assert show(4623969.9, "yi") == "462.4"
    assert show(37.3456, "dec", {"decimals": 2}) == "37.35" and show(11.04, "dec", {"decimals": 1}) == "11.0"
