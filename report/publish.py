"""What a pipeline run tells people: the briefing as markdown and tables (no Prefect here)."""
from __future__ import annotations

import datetime as dt

import duckdb

from warehouse.db import fetch_dicts

STATUS_ZH = {"final": "正式", "provisional": "初步", "no_data": "无数据", "no_base": "无基数"}
ALERT_ZH = {"alert": "🔴 预警", "normal": "正常", "good": "🟢 良好"}


def briefing(con: duckdb.DuckDBPyConnection, period: dt.date) -> list[dict]:
    return fetch_dicts(con, "select * from marts.briefing where period = ? order by sort_order", [period])


def load_summary(con: duckdb.DuckDBPyConnection, since_load: int) -> list[dict]:
    return fetch_dicts(con, "select coalesce(form, '未识别') as form, count(*) as files, sum(rows_read) as rows_read, "
                            "sum(rows_loaded) as rows_loaded, sum(rows_rejected) as rows_rejected, "
                            "count(*) filter (where status = 'failed') as files_failed "
                            "from audit.loads where load_id > ? group by all order by form", [since_load])


def full_year(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[dict]:
    """Zone-level full-year outlook rows of the as-of month (empty when no forecast was stored)."""
    exists = con.execute("select count(*) from information_schema.tables where table_schema = 'marts' "
                         "and table_name = 'forecast_full_year'").fetchone()[0]
    if not exists:
        return []
    return fetch_dicts(con, """
        select f.indicator_id, i.label_zh, round(f.growth_mean_pct, 1) as growth_pct,
               round(f.growth_lo_80_pct, 1) as lo_80, round(f.growth_hi_80_pct, 1) as hi_80,
               f.target_growth_pct as target_pct, round(f.required_rest_growth_pct, 1) as required_rest_pct,
               round(f.prob_meet_target, 3) as prob_meet_target, f.model
        from marts.forecast_full_year as f join meta.indicators as i using (indicator_id)
        where f.as_of = ? and f.breakdown = 'zone' order by i.headline nulls last, f.indicator_id""", [as_of])


def gate_markdown(gate: dict) -> str:
    """The validation section of the briefing: quarantine, then critical checks and warnings."""
    lines = [f"- 审核运行 run {gate['run_id']}: 隔离 quarantined {gate['quarantined']} 行, "
             f"解除 released {gate['released']} 行"
             + ("; 本期为初步数 provisional (coverage)" if gate["provisional"] else "")]
    for kind, label in (("critical", "严重 critical"), ("warnings", "提示 warning")):
        lines += [f"- {label}: {f['check']} ({f['suite']}): {f['rows']} 行 — {f['reason']}" for f in gate[kind]]
    if gate.get("docs"):
        lines.append(f"- 审核明细 every check of the run, offline: `{gate['docs']}`")
    return "\n".join(lines)


def gate_failure_message(period: str, gate: dict) -> str:
    checks = "; ".join(f"{f['check']} ({f['rows']} rows)" for f in gate["critical"])
    return (f"{period}: validation gate failed {len(gate['critical'])} critical check(s): {checks}. "
            f"The rows are quarantined; see `zonestat followups --period {period}`, fix and re-run "
            "(or publish with them held out: `zonestat run --period " + period + " --allow-critical`, "
            "or the deployment parameter allow_critical=true).")


def _value(row: dict) -> str:
    if row["value"] is None:
        return "—"
    return f"{row['value']:.{row['decimals']}f}" + (" 个" if row["unit"] == "个" else row["unit"])


def briefing_markdown(period: dt.date, rows: list[dict], loads: list[dict], paths: dict[str, str],
                      gate: str | None = None, outlook: list[dict] | None = None) -> str:
    """The run's briefing in Chinese (English beside the headings), as markdown."""
    label = rows[0]["period_label"] if rows else f"{period:%Y-%m}"
    lines = [f"# {label} 主要经济指标 Headline indicators", "",
             "| 指标 Indicator | 数值 Value | 预警 Alert | 状态 Status | 已报/应报 Filed |", "|---|---:|---|---|---:|"]
    for r in rows:
        lines.append(f"| {r['label_zh']} | {_value(r)} | {ALERT_ZH.get(r['alert'], '')} | "
                     f"{STATUS_ZH.get(r['status'], r['status'])} | {r['n_filed']}/{r['n_in_scope']} |")
    lines += [f"- {r['label_zh']}: {r['detail']}" for r in rows if r["detail"]]
    lines += ["", "## 本次入库 Files loaded in this run", ""]
    if loads:
        lines += ["| 表式 Form | 文件 Files | 失败 Failed | 读入 Read | 入库 Loaded | 拒收 Rejected |", "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {r['form']} | {r['files']} | {r['files_failed']} | {r['rows_read']} | {r['rows_loaded']} | "
                  f"{r['rows_rejected']} |" for r in loads]
    else:
        lines.append("无新文件 (no new files)")
    if outlook:
        lines += ["", "## 全年预测 Full-year outlook", "",
                  "| 指标 Indicator | 全年增速 Growth [80%] | 目标 Target | 余月需增 Needed | 达标概率 P(meet) |",
                  "|---|---:|---:|---:|---:|"]
        lines += [f"| {r['label_zh']} | {r['growth_pct']}% [{r['lo_80']}, {r['hi_80']}] | "
                  f"{'—' if r['target_pct'] is None else str(r['target_pct']) + '%'} | "
                  f"{'—' if r['required_rest_pct'] is None else str(r['required_rest_pct']) + '%'} | "
                  f"{'—' if r['prob_meet_target'] is None else format(r['prob_meet_target'], '.0%')} |"
                  for r in outlook]
    if gate:
        lines += ["", "## 数据审核 Validation", "", gate]
    lines += ["", "## 输出 Outputs", ""] + [f"- {name}: `{path}`" for name, path in paths.items()]
    return "\n".join(lines)


def gate_failure_markdown(period: str, gate: dict, followups: dict[str, int]) -> str:
    """The artifact of a run the validation gate stopped: the failing critical checks, the
    follow-up counts, and how to go on."""
    lines = [f"# {period} 审核未通过 Validation gate failed", "",
             f"{len(gate['critical'])} 项严重问题 critical check(s) failed; the failing rows are quarantined "
             "(隔离) and nothing was published for this period.", "",
             "| 检查 Check | 表 Suite | 行数 Rows | 原因 Reason |", "|---|---|---:|---|"]
    lines += [f"| {f['check']} | {f['suite']} | {f['rows']} | {f['reason']} |" for f in gate["critical"]]
    if gate.get("warnings"):
        lines += ["", f"另有 {len(gate['warnings'])} 项提示 warnings (not blocking)."]
    if gate.get("docs"):
        lines += ["", f"审核明细 every check of the run, with failing rows, offline: `{gate['docs']}`"]
    lines += ["", "## 需跟进 Follow-ups", ""]
    lines += [f"- {severity}: {count} 家单位 units" for severity, count in followups.items()] or ["- 无 none"]
    lines += ["", "## 下一步 How to proceed", "",
              f"1. `zonestat followups --period {period} --out followups.xlsx`: the list to send back (联系人, 电话).",
              "2. Load the corrected files (更正) and run again: they release the rows that now pass.",
              f"3. Or publish with the failing rows held out: `zonestat run --period {period} --allow-critical` "
              "(deployment parameter `allow_critical: true`)."]
    return "\n".join(lines)
