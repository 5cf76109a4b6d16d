"""Quarantine lifecycle in SQL: critical rows held out of core, warnings not; released when the
current filing of the key passes, marked superseded by a resubmission."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from expectations import checks, quarantine, store
from expectations.results import CheckResult
from expectations.suites import load_config
from tests.conftest import credit_code, write_csv
from warehouse.build import build
from warehouse.ingest import load_file

JUNE = dt.date(2024, 6, 1)
A, B = credit_code(301), credit_code(302)
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码"]
B204 = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计(千元)", "工业销售产值(当年价格)本年累计(千元)",
        "出口交货值本年累计(千元)"]


def result(severity: str, failures: list[tuple]) -> CheckResult:
    return CheckResult("b204_1", "1", f"{severity}_check", "t", "values", None, severity, not failures,
                       failures=failures)


def gate_run(con, *results: CheckResult) -> tuple[int, int]:
    """A validation run with the given answers: results written, quarantine updated."""
    checks.prepare(con, JUNE, load_config())
    run_id = store.start_run(con, JUNE, "test")
    store.write_results(con, run_id, list(results))
    return quarantine.update_quarantine(con, run_id, JUNE)


def current_row(con, code: str) -> tuple[int, int]:
    return con.execute("select _load_id, _source_row from staging.b204_1 where enterprise_id = ? and period = ?",
                       [code, JUNE]).fetchone()


def failure(con, code: str) -> tuple:
    load_id, source_row = current_row(con, code)
    return (load_id, source_row, code, JUNE, "export_delivery_value_ytd", 900.0, 570.0, None)


def in_core(con) -> list[str]:
    return sorted(r[0] for r in con.execute("select enterprise_id from core.industrial_output where period = ?",
                                            [JUNE]).fetchall())


def held(con) -> list[tuple]:
    return con.execute("select unit_id, load_id, reasons, released_at is not null, superseded_by_load "
                       "from audit.quarantine order by load_id").fetchall()


@pytest.fixture
def loaded(con, tmp_path: Path):
    for path in (write_csv(tmp_path / "reg.csv", REG, [[A, "甲", 2024, "工业", "是", "3311"],
                                                      [B, "乙", 2024, "工业", "是", "3311"]]),
                 write_csv(tmp_path / "june.csv", B204, [[A, "2024-06", 600, 570, 900], [B, "2024-06", 600, 570, 10]])):
        assert load_file(con, path).status == "loaded"
    build(con)
    return con


def resubmit(con, tmp_path: Path, name: str, export: float) -> int:
    loaded = load_file(con, write_csv(tmp_path / name, B204, [[A, "2024-06", 600, 570, export]]))
    build(con)
    return loaded.load_id


def test_critical_rows_are_held_out_of_core_and_warnings_are_not(loaded):
    june = current_row(loaded, A)[0]
    new, released = gate_run(loaded, result("critical", [failure(loaded, A)]), result("warning", [failure(loaded, B)]))
    assert (new, released) == (1, 0)
    assert held(loaded) == [(A, june, ["critical_check"], False, None)]
    build(loaded)
    assert in_core(loaded) == [B]


def test_a_corrected_resubmission_releases_and_supersedes(loaded, tmp_path):
    june = current_row(loaded, A)[0]
    gate_run(loaded, result("critical", [failure(loaded, A)]))
    fix = resubmit(loaded, tmp_path, "fix_更正.csv", 10)
    new, released = gate_run(loaded)  # the resubmission passes every check
    assert (new, released) == (0, 1)
    assert held(loaded) == [(A, june, ["critical_check"], True, fix)]
    build(loaded)
    assert in_core(loaded) == [A, B]
    assert current_row(loaded, A)[0] == fix


def test_a_resubmission_that_still_fails_supersedes_without_releasing(loaded, tmp_path):
    june = current_row(loaded, A)[0]
    gate_run(loaded, result("critical", [failure(loaded, A)]))
    again = resubmit(loaded, tmp_path, "again_更正.csv", 800)
    gate_run(loaded, result("critical", [failure(loaded, A)]))
    assert held(loaded) == [(A, june, ["critical_check"], False, again), (A, again, ["critical_check"], False, None)]
    build(loaded)
    assert in_core(loaded) == [B]


def test_a_row_that_passes_later_is_released_in_place_and_can_be_held_again(loaded):
    june = current_row(loaded, A)[0]
    gate_run(loaded, result("critical", [failure(loaded, A)]))
    gate_run(loaded)  # e.g. the register entry it lacked was loaded
    assert held(loaded) == [(A, june, ["critical_check"], True, None)]
    gate_run(loaded, result("critical", [failure(loaded, A)]))
    assert held(loaded) == [(A, june, ["critical_check"], False, None)]
    assert quarantine.active(loaded, JUNE) == 1
