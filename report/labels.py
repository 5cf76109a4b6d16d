"""Words for users in place of internal ids: forecast models in plain Chinese, load-check reasons
in Chinese with the English original beside them."""
from __future__ import annotations

MODEL_WORDS = {"ets": "指数平滑", "sarima": "ARIMA", "arima": "ARIMA", "theta": "Theta", "stl_ets": "STL分解+指数平滑",
               "snaive": "季节朴素", "naive": "朴素", "drift": "漂移"}
# the start of a load check's reason (English, from warehouse/) -> Chinese
REASONS_ZH = (
    ("not a valid unified social credit code", "统一社会信用代码无效"),
    ("same enterprise_id/period as row", "同一单位同一报告期重复报送"),
    ("duplicate", "重复报送"),
    ("january filing", "1月免报表式报送了1月数据"),
    ("not a whole number", "不是整数"),
    ("not a number", "不是数值"),
    ("not a date", "不是日期"),
    ("not a year", "不是年份"),
    ("missing value", "缺少数值"),
    ("negative value", "出现负值"),
    ("period", "报告期有误"),
    ("unreadable", "无法读取"),
    ("superseded", "已被较新版本取代"),
    ("conflict", "同级版本数据不一致"),
)


def model_words(model: str | None) -> str:
    """'ets_AAdA+sarima+theta' -> '组合(指数平滑、ARIMA、Theta)'; one model -> its word; unknown ids kept."""
    if not model:
        return ""
    names = []
    for part in model.split("+"):
        key = part if part in MODEL_WORDS else part.split("_")[0]
        names.append(MODEL_WORDS.get(key, part))
    names = list(dict.fromkeys(names))
    return f"组合({'、'.join(names)})" if "+" in model else names[0]


def reason_words(reason: str | None) -> str:
    """The reason with its Chinese in front ('统一社会信用代码无效 not a valid ...'); unknown reasons as they are."""
    if not reason:
        return ""
    low = reason.lower()
    zh = next((z for key, z in REASONS_ZH if low.startswith(key) or key in low[:60]), None)
    return f"{zh} {reason}" if zh and not any("\u4e00" <= ch <= "\u9fff" for ch in reason) else reason
