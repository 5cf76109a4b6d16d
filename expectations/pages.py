"""The offline pages of validation runs (审核明细): one self-contained HTML file per run and an index
of runs, rendered from what the gate stored in audit, so any past run can be rendered again.

Every check of a run is listed, GX expectations and SQL edit checks alike, with its severity,
result, counts, reason and a few failing rows. The page has no script and loads nothing: CSS is
inline, fonts are the system's, and a Content-Security-Policy forbids the rest.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from expectations import read_sql
from expectations.followups import field_labels, validation_tables_exist
from expectations.page_render import render_index, render_run
from expectations.suites import FORMS, GROUPS
from warehouse.db import fetch_dicts
from warehouse.spec import load_contract

log = logging.getLogger(__name__)
EXAMPLES = 5   # failing rows shown per check; `zonestat followups` lists them all
INDEX = "index.html"


@dataclass(frozen=True)
class Verdict:
    """The run's overall answer, as `zonestat validate` gave it by its exit code."""

    status: str
    exit_code: int | None
    label_zh: str
    label_en: str
    text_zh: str
    text_en: str


VERDICTS = {v.status: v for v in (
    Verdict("passed", 0, "通过", "passed", "没有强制性审核未通过; 核实性问题 (如有) 列在下面, 请企业核实说明.",
            "No critical check failed; warnings, if any, are listed below for the enterprises to confirm."),
    Verdict("failed", 1, "未通过", "failed", "有强制性审核未通过: 相关行已隔离, 不计入指标, 待企业更正后重新审核.",
            "Critical checks failed: those rows are quarantined and kept out of the figures until corrected."),
    Verdict("error", 3, "审核未完成", "the gate could not answer",
            "某项检查未能给出结果 (出错): 没有隔离任何行, 核心数据未变, 不要发布本期数据.",
            "A check raised instead of answering: nothing was quarantined, core is unchanged; do not publish."),
    Verdict("running", None, "未完成", "not finished", "运行中或被中断, 结果不完整.",
            "Still running or interrupted: the results are incomplete."),
)}


@dataclass
class RunPage:
    """What a run's page shows, as plain rows from the SQL files."""

    run: dict
    verdict: Verdict
    suites: list[dict]
    released: list[dict]
    generated_at: dt.datetime
    checks: list[dict] = field(default_factory=list)

    @property
    def failed(self) -> list[dict]:
        """The failed checks, critical first (then in the page's order)."""
        return sorted((c for c in self.checks if not c["success"]), key=lambda c: c["severity"] != "critical")

    @property
    def coverage(self) -> list[dict]:
        return [c for c in self.checks if c["expectation_type"] == "sql:coverage"]


def page_path(pages_dir: Path, period: dt.date, run_id: int) -> Path:
    """Where a run's page lives: <pages_dir>/<YYYY-MM>/validation-run-<id>.html."""
    return Path(pages_dir) / f"{period:%Y-%m}" / f"validation-run-{run_id}.html"


def runs(con: duckdb.DuckDBPyConnection, run_id: int | None = None, period: dt.date | None = None) -> list[dict]:
    """Stored runs with their check counts, newest first (empty when nothing was ever validated)."""
    if not validation_tables_exist(con):
        return []
    return fetch_dicts(con, read_sql("reports/validation_runs.sql"), {"run_id": run_id, "period": period})


def _forms() -> dict[str, dict]:
    contract = load_contract()
    return {name: {"name": name, "code": contract.forms[name].code, "label": contract.forms[name].label_zh}
            for name in FORMS}


def _checks(con: duckdb.DuckDBPyConnection, run_id: int) -> list[dict]:
    """Every stored result of the run, each with its first failing rows under `examples`."""
    checks = fetch_dicts(con, read_sql("reports/validation_run_checks.sql"),
                         {"run_id": run_id, "forms": list(FORMS), "groups": list(GROUPS)})
    examples: dict[tuple[str, str], list[dict]] = {}
    labels = field_labels()
    for row in fetch_dicts(con, read_sql("reports/validation_run_examples.sql"),
                           {"run_id": run_id, "examples": EXAMPLES}):
        row["field_label"] = labels.get(row["field"] or "", "")
        examples.setdefault((row["suite"], row["check_name"]), []).append(row)
    for check in checks:
        check["examples"] = examples.get((check["suite"], check["check_name"]), [])
    return checks


def _by_suite(checks: list[dict]) -> list[dict]:
    """Checks grouped by the validated table (form), in the gate's order of forms."""
    forms = _forms()
    suites: dict[str, dict] = {}
    for check in checks:
        form = forms.get(check["suite"], {"name": check["suite"], "code": check["suite"], "label": ""})
        suite = suites.setdefault(check["suite"], {**form, "checks": []})
        suite["checks"].append(check)
    for suite in suites.values():
        suite["failed"] = sum(not c["success"] for c in suite["checks"])
        suite["critical_failed"] = sum(not c["success"] and c["severity"] == "critical" for c in suite["checks"])
    return list(suites.values())


def gather_run(con: duckdb.DuckDBPyConnection, run_id: int) -> RunPage:
    """Everything the page of one stored run shows; KeyError when there is no such run."""
    found = runs(con, run_id=run_id)
    if not found:
        raise KeyError(f"no validation run {run_id} in the warehouse")
    run = found[0]
    checks = _checks(con, run_id)
    return RunPage(run=run, verdict=VERDICTS.get(run["status"], VERDICTS["running"]), suites=_by_suite(checks),
                   released=fetch_dicts(con, read_sql("reports/validation_run_released.sql"), {"run_id": run_id}),
                   generated_at=dt.datetime.now().replace(microsecond=0), checks=checks)


def write_run_page(con: duckdb.DuckDBPyConnection, run_id: int, pages_dir: Path) -> Path:
    """Render the run's page from the warehouse and write it (atomically) under pages_dir."""
    page = gather_run(con, run_id)
    path = page_path(pages_dir, page.run["period"], run_id)
    _write(path, render_run(page))
    return path


def write_index(con: duckdb.DuckDBPyConnection, pages_dir: Path) -> Path:
    """The index of every stored run, newest first, linking the pages that exist."""
    listed = runs(con)
    for run in listed:
        path = page_path(pages_dir, run["period"], run["run_id"])
        run["href"] = path.relative_to(pages_dir).as_posix() if path.exists() else None
        run["verdict"] = VERDICTS.get(run["status"], VERDICTS["running"])
    path = Path(pages_dir) / INDEX
    _write(path, render_index(listed, dt.datetime.now().replace(microsecond=0)))
    return path


def _write(path: Path, text: str) -> None:
    """Write to a temporary name, then rename: a reader never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)



def write_pages(con: duckdb.DuckDBPyConnection, run_id: int, pages_dir: Path | None) -> tuple[Path | None, Path | None]:
    """The run's page and the index, for the gate. A failure is logged, never raised: the pages
    report a run, they are not its verdict."""
    if pages_dir is None:
        return None, None
    try:
        return write_run_page(con, run_id, pages_dir), write_index(con, pages_dir)
    except Exception as err:  # noqa: BLE001 - the verdict stands without its page
        log.warning("validation page of run %s could not be written: %s: %s", run_id, type(err).__name__, err)
        return None, None
