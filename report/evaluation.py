"""The enterprise evaluation (亩均效益 and TFP) for the office: its tables declared once, rendered as
a self-contained report section (HTML) and as the office's workbook (one sheet per class, the
award list, the 亩均 leaders, the renewal candidates).

Reads only marts.enterprise_evaluation (written by `zonestat evaluate`) and names from core.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from markupsafe import Markup

from report.data import query, table_exists
from report.tables import Column as C, Table
from warehouse.evaluation import MART
from warehouse.evaluation_config import EvaluationConfig

FIRM_COLUMNS = (
    C("rank_zone", "全区排名", "Zone rank", "int"), C("enterprise_id", "统一社会信用代码", "Credit code"),
    C("enterprise_name", "企业名称", "Name"), C("industry_label", "地方产业", "Industry"),
    C("sub_area", "片区", "Area"), C("land_area_mu", "用地面积(亩)", "Land (mu)", "num1"),
    C("tax_per_mu", "亩均税收(万元/亩)", "Tax per mu", "num2"),
    C("va_per_mu", "亩均增加值(万元/亩)", "VA per mu", "num2"),
    C("va_per_energy", "单位能耗增加值(万元/吨标煤)", "VA per tce", "num2"),
    C("va_per_emission", "单位排放增加值(万元/吨)", "VA per t emissions", "num1"),
    C("labour_productivity", "全员劳动生产率(万元/人)", "VA per worker", "num2"),
    C("rd_intensity", "R&D经费占比", "R&D / revenue", "num2"),
    C("score", "综合得分", "Score", "num2"), C("class", "档次", "Class"),
    C("class_in_industry", "行业内档次", "Class in industry"), C("rank_industry", "行业内排名", "Industry rank", "int"),
    C("class_prior_year", "上年档次", "Last year's class"), C("migration_label", "升降", "Migration"),
    C("value_added", "增加值(万元)", "Value added (10k yuan)", "num1"), C("va_method_label", "增加值算法", "VA method"),
    C("emissions_imputed", "排放缺数取均值", "Emissions imputed"),
    C("tfp_ga_index", "全要素生产率(增长核算)", "TFP (growth accounting)", "num2"),
    C("tfp_ga_rank_industry", "TFP行业排名", "TFP rank in industry", "int"),
    C("tfp_acf_index", "全要素生产率(ACF)", "TFP (ACF)", "num2"),
    C("tfp_acf_rank_industry", "ACF行业排名", "ACF rank in industry", "int"),
)
TABLES = {t.name: t for t in (
    Table("classes", "档次分布", "档次分布 Class distribution", (
        C("class", "档次", "Class"), C("label_zh", "名称", "Name"), C("firms", "企业数", "Firms", "int"),
        C("share_pct", "占比%", "Share %", "num1"), C("land_mu", "用地(亩)", "Land (mu)", "num1"),
        C("land_share_pct", "用地占比%", "Land share %", "num1"), C("mean_score", "平均得分", "Mean score", "num1"),
        C("min_score", "最低得分", "Lowest score", "num1"), C("moved_up", "升档", "Moved up", "int"),
        C("moved_down", "降档", "Moved down", "int"), C("newly_graded", "首次参评", "First graded", "int"))),
    Table("renewal", "低效用地", "低效用地整治对象(按片区) Land of renewal candidates by area", (
        C("sub_area", "片区", "Area"), C("firms", "企业数", "Firms", "int"),
        C("firms_last_class", "其中末档", "Of which lowest class", "int"), C("land_mu", "用地(亩)", "Land (mu)", "num1"),
        C("graded_land_mu", "参评用地(亩)", "Graded land (mu)", "num1"),
        C("land_share_pct", "占参评用地%", "Share of graded land %", "num1"),
        C("mean_score", "平均得分", "Mean score", "num1"))),
    Table("awards", "TFP先进企业", "全要素生产率先进企业 TFP-leading enterprises", (
        C("industry_label", "地方产业", "Industry"), C("award_rank", "名次", "Place", "int"),
        C("enterprise_id", "统一社会信用代码", "Credit code"), C("enterprise_name", "企业名称", "Name"),
        C("tfp_index", "全要素生产率", "TFP", "num2"), C("tfp_ga_rank_industry", "增长核算排名", "Growth-accounting rank", "int"),
        C("tfp_acf_rank_industry", "ACF排名", "ACF rank", "int"), C("tfp_firms_industry", "行业企业数", "Firms in industry", "int"),
        C("class", "亩均档次", "Class"), C("score", "亩均得分", "Score", "num1"),
        C("va_method_label", "增加值算法", "VA method"))),
    Table("leaders", "亩均领跑", "亩均效益领跑企业 Leaders by score", FIRM_COLUMNS),
    Table("not_graded", "不参评", "不参评企业 Firms not graded", (
        C("enterprise_id", "统一社会信用代码", "Credit code"), C("enterprise_name", "企业名称", "Name"),
        C("industry_label", "地方产业", "Industry"), C("sub_area", "片区", "Area"),
        C("land_area_mu", "用地面积(亩)", "Land (mu)", "num1"), C("not_graded_reason", "原因", "Reason"))),
)}
CLASS_COLOURS = {0: "#2e7d32", 1: "#1565c0", 2: "#ef6c00", 3: "#c62828"}


@dataclass
class EvaluationData:
    year: int
    config: EvaluationConfig
    classes: list[dict]
    renewal: list[dict]
    awards: list[dict]
    firms: list[dict]
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    def table(self, name: str) -> list[dict]:
        if name == "leaders":
            return [f for f in self.firms if f["graded"]][: int(self.config.awards["leaders_top"])]
        if name == "not_graded":
            return [f for f in self.firms if not f["graded"]]
        return getattr(self, name)

    def of_class(self, cls: str) -> list[dict]:
        return [f for f in self.firms if f["class"] == cls]

    @property
    def renewal_land(self) -> float:
        return sum(r["land_mu"] or 0 for r in self.renewal)


def latest_year(con: duckdb.DuckDBPyConnection, before: int | None = None) -> int | None:
    """The latest evaluated year (before `before`, when given); None without an evaluation."""
    schema, table = MART.split(".")
    if not table_exists(con, schema, table):
        return None
    row = con.execute(f"select max(year) from {MART} where year < coalesce(?, 9999)", [before]).fetchone()
    return row[0]


def gather(con: duckdb.DuckDBPyConnection, year: int, config: EvaluationConfig) -> EvaluationData:
    classes = [c.cls for c in config.classes]
    awards = config.awards
    return EvaluationData(
        year=year, config=config,
        classes=query(con, "evaluation_classes", year=year, classes=classes,
                      labels=[c.label_zh for c in config.classes]),
        renewal=query(con, "evaluation_renewal", year=year, renewal=list(config.renewal_classes)),
        awards=query(con, "evaluation_awards", year=year, top=int(awards["top_per_industry"]),
                     classes=list(awards["classes"]), min_firms=int(awards["min_industry_firms"]),
                     ranking=awards["tfp_ranking"], va_methods=list(awards["va_methods"])),
        firms=query(con, "evaluation_firms_list", year=year))


def score_land_chart(data: EvaluationData, width: int = 640) -> Markup:
    """Scatter of score against land (log scale), one colour per class: big plots with low scores
    stand out as renewal candidates. `width` 360 draws the phone's version (text stays readable)."""
    import math

    from report.svg import MUTED, el, line, svg, text

    points = [f for f in data.firms if f["graded"] and (f["land_area_mu"] or 0) > 0]
    height, left, bottom = (320, 50, 40) if width >= 480 else (300, 30, 40)
    if not points:
        return svg(width, 60, "得分与用地 Score against land", text(10, 30, "无 none"))
    order = {c.cls: i for i, c in enumerate(data.config.classes)}
    lo, hi = math.log10(min(f["land_area_mu"] for f in points)), math.log10(max(f["land_area_mu"] for f in points))
    scores = sorted(f["score"] for f in points)
    top = scores[min(len(scores) - 1, int(0.98 * len(scores)))] or 1.0      # the few above: on the top edge
    x = lambda v: left + (math.log10(v) - lo) / ((hi - lo) or 1) * (width - left - 20)  # noqa: E731
    y = lambda s: height - bottom - min(s, top) / top * (height - bottom - 20)  # noqa: E731
    dots = [el("circle", el("title", f"{f['enterprise_name'] or f['enterprise_id']}: {f['score']:.1f} 分, "
                                     f"{f['land_area_mu']:.1f} 亩, {f['class']}"),
               cx=x(f["land_area_mu"]), cy=y(f["score"]), r=2.5, fill=CLASS_COLOURS.get(order.get(f["class"], 3)),
               fill_opacity=0.7) for f in points]
    wide = width >= 480
    axes = [line(left, height - bottom, width - 10, height - bottom, stroke=MUTED),
            line(left, 10, left, height - bottom, stroke=MUTED),
            text(left, height - 8, f"用地面积(亩, 对数){' land, mu (log)' if wide else ''}: "
                                   f"{10 ** lo:.0f} - {10 ** hi:.0f}", fill=MUTED),
            text(4, 16, f"得分 score (axis to {top:.0f}{'; higher on the top edge' if wide else ''})", fill=MUTED)]
    legend = [text(width - (200 if wide else 110) + (45 if wide else 24) * i, 34 if not wide else 24, c.cls,
                   fill=CLASS_COLOURS.get(i, MUTED), font_weight="bold")
              for i, c in enumerate(data.config.classes)]
    return svg(width, height, "得分与用地 Score against land", *axes, *dots, *legend)


def render_section(data: EvaluationData) -> Markup:
    """The report's section (a <section id="evaluation">), self-contained."""
    from report.html import _environment

    env = _environment()
    return Markup(env.get_template("evaluation_section.html.j2").render(
        e=data, tables=TABLES, chart=score_land_chart(data), chart_narrow=score_land_chart(data, 360),
        numeric={"int", "num1", "num2"}))


def report_sections(con: duckdb.DuckDBPyConnection, year: int) -> list[Markup]:
    """The monthly report's evaluation section: the latest evaluation up to `year`, if any. A broken
    configuration shows as a note in its place, not as a failed report."""
    from warehouse.evaluation_config import EvaluationConfigError, load_evaluation_config

    latest = latest_year(con, before=year + 1)
    if latest is None:
        return []
    try:
        config = load_evaluation_config()
    except EvaluationConfigError as err:
        return [Markup('<section id="evaluation"><h2>亩均效益综合评价 <span class="en">Enterprise evaluation</span>'
                       '</h2><p class="note">{}</p></section>').format(f"评价配置有误, 本节从略: {err}")]
    return [render_section(gather(con, latest, config))]


def render_page(data: EvaluationData) -> str:
    """The section as a page of its own (written by `zonestat evaluate`)."""
    from report.html import TEMPLATES, _environment

    env = _environment()
    css = Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))
    return env.get_template("evaluation_page.html.j2").render(e=data, section=render_section(data), css=css)


def write_workbook(data: EvaluationData, path: Path) -> Path:
    """The office's workbook: 说明, 档次分布, one sheet per class, TFP先进企业, 亩均领跑, 低效用地, 不参评."""
    from openpyxl import Workbook

    from report.workbook import _put, write_table

    wb = Workbook()
    about = wb.active
    about.title = "说明"
    config = data.config
    items = [("评价年度", data.year), ("评价办法", config.version), ("生成于", data.generated_at.isoformat(" ")),
             ("参评企业", sum(c["firms"] for c in data.classes)), ("不参评企业", len(data.table("not_graded"))),
             ("分档方法", "按百分位" if config.class_method == "percentile" else "按得分"),
             ("整治对象档次", "、".join(config.renewal_classes)), ("整治对象用地(亩)", round(data.renewal_land, 1)),
             ("先进企业评选", f"各地方产业({config.awards['min_industry_firms']}家以上参评)"
                         f"{'、'.join(config.awards['classes'])}档、增加值为实测({'、'.join(config.awards['va_methods'])})的企业中全要素生产率前{config.awards['top_per_industry']}名, "
                         f"排名依据: {'增长核算法' if config.awards['tfp_ranking'] == 'growth_accounting' else 'ACF控制函数法'}"),
             ("金额单位", "万元")]
    for r, (key, value) in enumerate(items, start=1):
        _put(about, r, 1, key)
        _put(about, r, 2, value)
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 20, 90
    write_table(wb.create_sheet(TABLES["classes"].sheet), TABLES["classes"], data.classes)
    for level in config.classes:
        sheet = Table(f"class_{level.cls}", f"{level.cls}类 {level.label_zh}", level.label_zh, FIRM_COLUMNS)
        write_table(wb.create_sheet(sheet.sheet), sheet, data.of_class(level.cls))
    for name in ("awards", "leaders", "renewal", "not_graded"):
        write_table(wb.create_sheet(TABLES[name].sheet), TABLES[name], data.table(name))
    candidates = Table("candidates", "整治对象名单", "整治对象名单", FIRM_COLUMNS)
    write_table(wb.create_sheet(candidates.sheet), candidates,
                [f for f in data.firms if f["class"] in config.renewal_classes])
    wb.save(path)
    return path
