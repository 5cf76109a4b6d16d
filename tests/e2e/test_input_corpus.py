"""Issue #13 §2-§4: each generated file of tests/corpus loaded through the CLI, its outcome compared
cell by cell: the staging values, the audit counts (rows_read = loaded + rejected = the data
lines), the rejected lines and warnings by line and field, the exit code and what the CLI says."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.corpus import Case, all_cases
from zonestat.cli import app

CASES = all_cases()


def _db(home: Path) -> duckdb.DuckDBPyConnection | None:
    path = home / "warehouse.duckdb"
    return duckdb.connect(str(path), read_only=True) if path.exists() else None


def _check_audit(con: duckdb.DuckDBPyConnection, case: Case) -> None:
    loads = con.execute("select file_name, status, rows_read, rows_loaded, rows_rejected, message, header_line, "
                        "skipped_lines, decimal_mark from audit.loads order by file_name").fetchall()
    assert [r[:5] for r in loads] == sorted(case.loads)
    for name, status, read, loaded, rejected, message, header_line, skipped, decimal in loads:
        assert read == loaded + rejected
        if status == "failed":
            assert case.message and case.message in message and message.startswith(name), message
            continue
        if case.header_line is not None:
            assert header_line == case.header_line
        if case.skipped is not None:
            assert [(s["line"], s["kind"]) for s in json.loads(skipped)] == case.skipped
        if case.decimal is not None:
            assert decimal == case.decimal


def _check_rows(con: duckdb.DuckDBPyConnection, case: Case) -> None:
    rejected = con.execute("select source_file, source_row, fields, reason from audit.rejected_rows "
                           "order by source_row").fetchall()
    assert [(row, fields[0]) for _, row, fields, _ in rejected] == [(line, f) for line, f, _ in case.rejected]
    for (file, _, _, reason), (_, _, part) in zip(rejected, case.rejected):
        assert file.endswith(case.loads[0][0]) and part in reason, reason
    warnings = con.execute("select source_row, field, message from audit.load_warnings order by source_row, message").fetchall()
    assert [(row, field) for row, field, _ in warnings] == [(line, f) for line, f, _ in case.warnings]
    for (_, _, message), (_, _, part) in zip(warnings, case.warnings):
        assert part in message, message
    if case.staged is not None:
        columns = ", ".join(case.columns)
        got = con.execute(f"select {columns}, _source_row from staging.{case.table} order by _source_row").fetchall()
        assert len(got) == len(case.staged)
        assert got == case.staged                     # every cell, every row
    for line, extra in (case.extra or {}).items():
        assert con.execute(f"select _extra from raw.{case.table} where _source_row = ?", [line]).fetchone()[0] == extra


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Case, home: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ZONESTAT_TODAY", case.today)
    target = case.write(tmp_path / "corpus")
    result = CliRunner().invoke(app, ["ingest", str(target)])
    out = " ".join(result.output.split())
    assert result.exit_code == case.exit_code, result.output
    assert "Traceback" not in result.output
    for part in case.output:
        assert part in out, out
    con = _db(home)
    if con is None:
        assert not case.loads
        return
    with con:
        _check_audit(con, case)
        _check_rows(con, case)
    if case.rejected:       # the first rejection is shown naming file, row and field
        line, field, _ = case.rejected[0]
        assert f"{case.loads[0][0]} row {line}: {field}:" in out or f"row {line}: {field}:" in out


def test_every_section_has_cases() -> None:
    assert {c.section for c in CASES} == {"2", "3", "4"}
    assert len({c.name for c in CASES}) == len(CASES)
