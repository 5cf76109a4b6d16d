"""The report's tables, declared once: the HTML page and the workbook both render these columns.

A column's `fmt` says how to show a value: text, int, year (no thousands separator), num1, num2,
yi (万元 shown and written as 亿元, one decimal), prob (0..1 shown as percent), date, datetime, list,
value and dec (the indicator's own decimals, from the row's `decimals`), model (a forecast model id in
plain words: 指数平滑, ARIMA, 组合(...)).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    fmt: str = "text"

    @property
    def heading(self) -> str:
        return f"{self.zh} {self.en}"


@dataclass(frozen=True)
class Table:
    name: str
    sheet: str
    title: str
    columns: tuple[Column, ...]


C = Column
TABLES = {t.name: t for t in (
    Table("headline", "主要指标", "主要经济指标 Headline indicators", (
        C("label_zh", "指标", "Indicator"), C("label_en", "英文名", "English"), C("value", "数值", "Value", "value"),
        C("unit", "单位", "Unit"), C("basis_label", "口径", "Basis"), C("alert_label", "预警", "Alert"),
        C("status_label", "状态", "Status"),
        C("warn_below", "触警阈值", "Warn below", "num1"), C("good_above", "优质阈值", "Good above", "num1"),
        C("n_filed", "已报", "Filed", "int"), C("n_in_scope", "应报", "In scope", "int"),
        C("coverage_pct", "报送率%", "Coverage %", "num1"),
        C("current_amount", "本期累计(万元)", "YTD (10k yuan)", "num1"),
        C("comparable_amount", "同口径本期(万元)", "YTD, units with a base (10k yuan)", "num1"),
        C("base_amount", "基期(万元)", "Base (10k yuan)", "num1"),
        C("n_without_base", "无基数单位", "Units without a base", "int"), C("detail", "说明", "Detail"))),
    Table("industries", "分行业", "分行业增长与拉动 Growth by local industry", (
        C("label_zh", "行业", "Industry"), C("label_en", "英文名", "English"),
        C("growth_pct", "增速%", "Growth %", "num1"), C("pull_pp", "拉动(百分点)", "Pull (pp)", "num2"),
        C("contribution_pct", "贡献率%", "Contribution %", "num1"),
        C("current_amount", "本期累计(万元)", "YTD (10k yuan)", "num1"),
        C("base_amount", "基期(万元)", "Base (10k yuan)", "num1"),
        C("n_filed", "已报", "Filed", "int"), C("n_in_scope", "应报", "In scope", "int"),
        C("status_label", "状态", "Status"))),
    Table("trends", "月度走势", "月度走势 Monthly trends", (
        C("amount_label", "指标", "Indicator"), C("period", "报告期", "Period", "date"),
        C("year", "年", "Year", "year"), C("month", "月", "Month", "int"),
        C("month_amount", "本月(万元)", "Month (10k yuan)", "num1"),
        C("ytd_amount", "累计(万元)", "YTD (10k yuan)", "num1"),
        C("status_label", "状态", "Status"))),
    Table("forecast", "全年预测", "全年预测 Full-year outlook", (
        C("label_zh", "指标", "Indicator"), C("ytd_actual", "已完成(亿元)", "YTD actual (100m yuan)", "yi"),
        C("full_year_mean", "全年预测(亿元)", "Full year (100m yuan)", "yi"),
        C("growth_mean_pct", "预测增速%", "Forecast growth %", "dec"),
        C("growth_lo_80_pct", "80%下限%", "80% low %", "dec"), C("growth_hi_80_pct", "80%上限%", "80% high %", "dec"),
        C("growth_lo_95_pct", "95%下限%", "95% low %", "dec"), C("growth_hi_95_pct", "95%上限%", "95% high %", "dec"),
        C("target_growth_pct", "目标增速%", "Target %", "dec"),
        C("required_rest_growth_pct", "下半年需增速%", "Required rest-of-year growth %", "dec"),
        C("prob_meet_target", "达标概率", "P(meet target)", "prob"), C("model", "模型", "Model", "model"),
        C("status", "预测状态", "Forecast status"))),
    Table("forecast_monthly", "月度预测", "月度预测 Monthly forecast", (
        C("label_zh", "指标", "Indicator"), C("period", "月份", "Month", "date"),
        C("mean", "均值(万元)", "Mean (10k yuan)", "num1"), C("lo_80", "80%下限", "80% low", "num1"),
        C("hi_80", "80%上限", "80% high", "num1"), C("lo_95", "95%下限", "95% low", "num1"),
        C("hi_95", "95%上限", "95% high", "num1"))),
    Table("target_split", "目标分解", "全年目标分行业分解 Annual target split by industry", (
        C("label_zh", "指标", "Indicator"), C("member_label", "行业", "Industry"), C("rule_label", "分解规则", "Rule"),
        C("override_growth_pct", "自定目标%", "Own target %", "dec"),
        C("base_full_year", "上年基数(亿元)", "Base, last year (100m yuan)", "yi"),
        C("target_full_year", "全年目标(亿元)", "Full-year target (100m yuan)", "yi"),
        C("target_share_pct", "占全区目标%", "Share of the zone's target %", "num1"),
        C("target_growth_pct", "目标增速%", "Target growth %", "dec"),
        C("required_rest_growth_pct", "余月需增速%", "Required rest-of-year growth %", "dec"),
        C("prob_meet_target", "达标概率", "P(meet share)", "prob"))),
    Table("tracking", "目标进度", "全年目标进度 Target path and progress", (
        C("label_zh", "指标", "Indicator"), C("member_label", "行业", "Industry"), C("period", "月份", "Month", "date"),
        C("path_ytd", "目标路径累计(亿元)", "Path, YTD (100m yuan)", "yi"),
        C("path_month", "当月应完成(亿元)", "Due in the month (100m yuan)", "yi"),
        C("path_pct", "序时进度%", "Path, % of target", "num1"),
        C("actual_ytd", "实际累计(亿元)", "Actual YTD (100m yuan)", "yi"),
        C("done_pct", "完成目标%", "Done, % of target", "num1"),
        C("gap_pp", "快慢(百分点)", "Ahead (+) / behind (-), pp", "num1"))),
    Table("filings", "报送情况", "报表报送情况 Filings received against expected", (
        C("form", "表式", "Form"), C("form_label", "表名", "Form name"),
        C("expected_units", "应报", "Expected", "int"), C("filed_units", "已报", "Received", "int"),
        C("missing_units", "未报", "Missing", "int"), C("coverage_pct", "报送率%", "Coverage %", "num1"))),
    Table("reasons", "问题原因", "拒收、提示与审核问题 Rows rejected or flagged, by reason", (
        C("outcome_label", "结果", "Outcome"), C("severity_label", "级别", "Severity"), C("form", "表式", "Form"),
        C("field", "字段", "Field"), C("check_name", "问题", "Problem"),
        C("rows_period", "本期行数", "Rows (period)", "int"), C("rows_ytd", "本年行数", "Rows (YTD)", "int"),
        C("units", "单位数", "Units", "int"), C("example", "示例", "Example"))),
    Table("followups", "跟进名单", "需跟进企业 Enterprises to follow up with", (
        C("unit_id", "统一社会信用代码/项目代码", "Credit code / project"), C("unit_name", "单位名称", "Name"),
        C("local_industry", "行业", "Industry"), C("contact_person", "联系人", "Contact"),
        C("contact_phone", "电话", "Phone"), C("severity_label", "级别", "Severity"),
        C("issues", "问题数", "Issues", "int"),
        C("problems", "问题", "Problems"))),
    Table("outside", "名录外单位", "名录外报送单位 Filers outside the register", (
        C("form", "表式", "Form"), C("enterprise_id", "统一社会信用代码", "Credit code"),
        C("file_name", "文件", "File"), C("source_row", "行", "Row", "int"),
        C("amount", "本期累计(万元)", "YTD (10k yuan)", "num1"), C("base", "上年同期(万元)", "Prior year (10k yuan)", "num1"),
        C("indicator_zh", "所涉指标", "Indicator"), C("indicator_value", "现值%", "Now %", "num2"),
        C("value_if_admitted", "纳入后%", "If admitted %", "num2"))),
    Table("lineage", "数据来源", "数据来源 Sources of the figures", (
        C("form", "表式", "Form"), C("period_label", "报告期", "Period"),
        C("rows_used", "使用行数", "Rows used", "int"),
        C("load_ids", "批次号", "Load ids", "list"), C("files", "文件", "Files"),
        C("loaded_at", "入库时间", "Loaded at", "datetime"))),
)}


def show(value, fmt: str, row: dict | None = None) -> str:
    """A value as the page shows it (the workbook keeps the raw value and a number format)."""
    if value is None or value == "":
        return "—" if fmt != "text" else ""
    if fmt in ("value", "dec"):
        decimals = (row or {}).get("decimals") or 0
        return f"{value:,.{decimals}f}"
    if fmt == "yi":
        return f"{value / 1e4:,.1f}"
    if fmt == "year":
        return str(value)
    if fmt == "model":
        from report.labels import model_words

        return model_words(value)
    if fmt == "int":
        return f"{value:,}"
    if fmt in ("num1", "num2"):
        return f"{value:,.{int(fmt[-1])}f}"
    if fmt == "prob":
        return f"{value * 100:.0f}%"
    if fmt == "list":
        return ", ".join(str(v) for v in value)
    if fmt == "date" and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if fmt == "datetime" and isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


NUMBER_FORMATS = {"int": "#,##0", "year": "0", "yi": "#,##0.0", "num1": "#,##0.0", "num2": "#,##0.00", "prob": "0%", "date": "yyyy-mm",
                  "datetime": "yyyy-mm-dd hh:mm"}
