"""`zonestat validate`, `zonestat validation-pages` and `zonestat followups`: the edit-check gate
(审核) of a period, its offline pages, and the list sent back to enterprises. Great Expectations is
imported only when the gate runs.

Exit codes of `validate`: 0 no critical failure; 1 the period has critical failures (data failed
validation); 2 usage or configuration error (bad period, no warehouse, malformed suite); 3 the gate
could not answer (an expectation raised): nothing was quarantined, do not publish.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from zonestat.cli.common import EXIT_DATA, console, fail, print_table, require_db, settings

EXIT_GATE_ERROR = 3
SEVERITY_LABELS = {"critical": "强制 critical", "warning": "核实 warning"}
SUMMARY_COLUMNS = {"severity": "严重程度 severity", "suite": "表 table", "check": "审核规则 check",
                   "failed": "未通过 failed", "elements": "检查 checked", "reason": "说明 reason"}


def _period(text: str):
    import datetime as dt

    from warehouse.period import parse_period

    try:
        return parse_period(text, dt.date.today())
    except ValueError as err:
        raise fail(f"--period: {err} (报告期格式应为 2024-06)") from err


def summary_rows(gate) -> list[dict]:
    """Failing checks, critical first, one row per table x check."""
    failing = sorted((r for r in gate.results if not r.success), key=lambda r: (r.severity, r.suite, r.check))
    return [{"severity": SEVERITY_LABELS.get(r.severity, r.severity), "suite": r.suite, "check": r.check,
             "failed": r.unexpected_count, "elements": r.element_count, "reason": r.reason_zh} for r in failing]


def _as_json(gate) -> str:
    checks = [{"suite": r.suite, "suite_version": r.suite_version, "check": r.check, "type": r.expectation_type,
               "severity": r.severity, "success": r.success, "element_count": r.element_count,
               "unexpected_count": r.unexpected_count, "observed_value": r.observed_value} for r in gate.results]
    return json.dumps({"run_id": gate.run_id, "period": gate.period.isoformat(), "status": gate.status,
                       "exit_code": gate.exit_code, "rows_checked": gate.rows_checked,
                       "quarantined": gate.quarantined, "released": gate.released, "held": gate.held,
                       "provisional": gate.provisional, "coverage": gate.coverage,
                       "docs": str(gate.page) if gate.page else None,
                       "docs_index": str(gate.index) if gate.index else None,
                       "checks": checks}, ensure_ascii=False)


def print_summary(gate) -> None:
    by_severity = {s: sum(1 for r in gate.results if r.severity == s and not r.success) for s in SEVERITY_LABELS}
    console.print(f"审核 validation run {gate.run_id}, 报告期 period {gate.period:%Y-%m}: "
                  f"{gate.rows_checked} 行 rows, {len(gate.results)} 项检查 checks")
    print_table(summary_rows(gate), SUMMARY_COLUMNS, title="未通过的审核 Failed checks, by severity and check")
    console.print(f"强制性审核未通过 critical checks failed: {by_severity['critical']}; "
                  f"核实性审核 warnings: {by_severity['warning']}")
    console.print(f"隔离 quarantined: {gate.quarantined} 新增 new, {gate.held} 仍在隔离 held; "
                  f"解除 released: {gate.released}")
    shares = ", ".join(f"{k} {v:.1%}" for k, v in gate.coverage.items() if v is not None)
    console.print(f"报送率 coverage: {shares or '-'}"
                  + ("  [yellow]本期为初步数 provisional[/]" if gate.provisional else ""))
    if gate.page:
        console.print(f"审核明细 validation page: {gate.page}")
        console.print(f"历次审核 all runs: {gate.index}")


def validate(period: str = typer.Option(..., "--period", help="Month to validate, e.g. 2024-06 (Feb = Jan-Feb)."),
             json_out: bool = typer.Option(False, "--json", help="Print the result as JSON.")) -> None:
    """审核: run the edit checks of a period; quarantine critical failures and rebuild core."""
    from expectations.gate import run_gate
    from expectations.results import GateError
    from expectations.suites import SuiteError
    from warehouse.db import WarehouseBusy

    month = _period(period)
    s = settings()
    db = require_db(s)
    try:
        gate = run_gate(db, month, pages_dir=s.validation_dir)
    except (SuiteError, WarehouseBusy) as err:
        raise fail(str(err)) from err
    except GateError as err:
        raise fail(f"审核未完成, 结果不可信 the gate could not answer: {err}", EXIT_GATE_ERROR) from err
    if json_out:
        print(_as_json(gate))
    else:
        print_summary(gate)
    if gate.exit_code:
        raise typer.Exit(EXIT_DATA)


def validation_pages(run: Optional[int] = typer.Option(None, "--run", help="The run whose page to write."),
                     period: Optional[str] = typer.Option(None, "--period", help="Every run of this month, e.g. 2024-06.")
                     ) -> None:
    """审核明细: write the offline pages of stored validation runs (all by default) and the index,
    from the results in the warehouse; no check is run again."""
    from expectations import pages
    from warehouse.db import session

    month = _period(period) if period else None
    s = settings()
    db = require_db(s)
    with session(db, read_only=True) as con:
        found = pages.runs(con, run_id=run, period=month)
        if not found:
            raise fail("no validation run matches (没有符合条件的审核运行); run `zonestat validate --period "
                       "YYYY-MM` first")
        written = [pages.write_run_page(con, r["run_id"], s.validation_dir) for r in found]
        index = pages.write_index(con, s.validation_dir)
    for path in written:
        console.print(f"审核明细 validation page: {path}")
    console.print(f"历次审核 all runs: {index}")


def followups(period: str = typer.Option(..., "--period", help="Month whose follow-ups to list, e.g. 2024-06."),
              out: Path = typer.Option(Path("followups.xlsx"), "--out", "-o", help="The XLSX file to write.")) -> None:
    """审核反馈: the figures enterprises must fix or explain, with contacts, as an XLSX in Chinese."""
    from expectations.followups import followup_rows, latest_run, write_xlsx
    from warehouse.db import session

    from zonestat.cli.output import check_writable

    month = _period(period)
    db = require_db(settings())
    check_writable(out, "--out", [db])
    with session(db, read_only=True) as con:
        if latest_run(con, month) is None:
            raise fail(f"period {month:%Y-%m} has not been validated; run `zonestat validate --period "
                       f"{month:%Y-%m}` first (本期尚未审核)")
        rows = followup_rows(con, month)
    path = write_xlsx(rows, out, month)
    units = len({r["unit_id"] for r in rows})
    console.print(f"审核反馈 follow-ups: {len(rows)} 条 items for {units} 家单位 units -> {path}")
