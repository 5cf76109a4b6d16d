"""`zonestat evaluate`: the year's enterprise evaluation (亩均效益 classes, TFP, awards, renewal
land) into marts.enterprise_evaluation, the office's workbook and a page with the report section."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from zonestat.cli.common import EXIT_DATA, EXIT_USAGE, console, fail, print_table, require_db, settings, to_json


def evaluate(year: int = typer.Option(..., "--year", help="The evaluation year, e.g. 2023 (December filings)."),
             out: Optional[Path] = typer.Option(None, "--out", help="The workbook to write (.xlsx; default "
                                                "$ZONESTAT_HOME/reports/evaluation/亩均效益评价_YYYY.xlsx)."),
             json_out: bool = typer.Option(False, "--json", help="Print the class distribution and awards as JSON.")) -> None:
    """亩均评价: score and class every above-scale industrial firm, rank TFP, list awards and renewal land."""
    from warehouse.db import session
    from models.tfp import estimate
    from warehouse.evaluation import EvaluationDataError, evaluate as run_evaluation
    from warehouse.evaluation_config import EvaluationConfigError, load_evaluation_config
    from zonestat.cli.output import check_writable

    if not 1990 <= year <= 2100:
        raise fail(f"--year {year}: not a plausible year (年份有误)", EXIT_USAGE)
    s = settings()
    db = require_db(s)
    target = out if out is not None else s.reports / "evaluation" / f"亩均效益评价_{year}.xlsx"
    if target.suffix.lower() != ".xlsx":
        raise fail(f"--out {out}: the workbook must be an .xlsx file (应为 .xlsx 文件)", EXIT_USAGE)
    check_writable(target, "--out", [db])
    try:
        config = load_evaluation_config()
    except EvaluationConfigError as err:
        raise fail(f"配置错误 {err}", EXIT_USAGE) from err
    with session(db) as con:
        try:
            result = run_evaluation(con, year, config, estimate=estimate)
        except EvaluationConfigError as err:
            raise fail(f"配置错误 {err}", EXIT_USAGE) from err
        except EvaluationDataError as err:
            raise fail(str(err), EXIT_DATA) from err
        data = _gather(con, year, config)
    paths = _write(data, target)
    if json_out:
        console.print_json(to_json([{"year": year, "evaluated": result.evaluated, "graded": result.graded,
                                     "classes": data.classes, "renewal_land_mu": data.renewal_land,
                                     "awards": data.awards, "acf": result.acf}]))
        return
    _print(result, data, paths)


def _gather(con, year: int, config):
    from report.evaluation import gather

    return gather(con, year, config)


def _write(data, target: Path) -> dict[str, Path]:
    """Workbook and page, each written to a temporary name and renamed when complete."""
    from report.evaluation import render_page, write_workbook

    target.parent.mkdir(parents=True, exist_ok=True)
    page = target.with_suffix(".html")
    tmp_xlsx, tmp_html = target.with_name(target.name + ".tmp"), page.with_name(page.name + ".tmp")
    write_workbook(data, tmp_xlsx)
    tmp_html.write_text(render_page(data), encoding="utf-8")
    os.replace(tmp_xlsx, target)
    os.replace(tmp_html, page)
    return {"xlsx": target, "html": page}


def _print(result, data, paths: dict[str, Path]) -> None:
    console.print(f"{result.year}年度 亩均效益评价: {result.evaluated} 家规上工业企业, 参评 {result.graded} 家 "
                  f"(evaluated {result.evaluated}, graded {result.graded}; years {result.years[0]}-{result.years[-1]})")
    print_table(data.classes, {"class": "档次 class", "label_zh": "名称", "firms": "企业数 firms",
                               "share_pct": "占比% share", "land_mu": "用地(亩) land", "mean_score": "平均得分 mean"},
                title="档次分布 Class distribution")
    print_table(data.renewal, {"sub_area": "片区 area", "firms": "企业数 firms", "land_mu": "用地(亩) land",
                               "land_share_pct": "占参评用地% share"},
                title=f"低效用地整治对象 ({'/'.join(data.config.renewal_classes)}类) Renewal candidates: "
                      f"{data.renewal_land:,.1f} 亩")
    print_table(data.awards, {"industry_label": "地方产业 industry", "award_rank": "名次", "enterprise_name": "企业名称",
                              "tfp_index": "TFP", "class": "档次", "score": "得分"},
                title="全要素生产率先进企业 TFP-leading enterprises", limit=30)
    if result.not_evaluated:
        console.print(f"补充表中 {result.not_evaluated} 家不在{result.year}年规上工业名录, 未评价 ({result.not_evaluated} "
                      "supplement rows name units that are not above-scale industrial firms in that year's register; "
                      "not evaluated)")
    if result.without_tfp:
        console.print(f"无全要素生产率 {result.without_tfp} 家: 增加值、净固定资产或用工人数缺失或不为正 "
                      f"(no TFP for {result.without_tfp} firms: value added, net fixed assets or employees missing "
                      "or not positive)")
    if result.acf:
        pooled = result.acf.get("pooled")
        own = [v for k, v in result.acf.items() if k != "pooled"]
        used = sum(0 < bk < 1 and 0 < bl < 1 for bk, bl, _ in own)
        console.print(f"ACF ({result.years[0]}-{result.years[-1]}): 全区 pooled βk={pooled[0]:.2f} βl={pooled[1]:.2f}; "
                      f"{used}/{len(own)} 个产业采用本产业估计, 其余用全区 (industries using their own estimate; "
                      "the others, implausible or too small, the pooled one)")
    console.print(f"工作簿 workbook: {paths['xlsx']}")
    console.print(f"页面 page: {paths['html']}")
