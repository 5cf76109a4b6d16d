"""The README's main job: `zonestat demo` on a fresh home prints the H1-2024 table of the zone's
half-year report, and a second run changes nothing."""
from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from zonestat.cli import app

runner = CliRunner()
EXPECTED = {  # the zone's half-year report, at its published precision
    "industrial_output_growth": 11.0, "fai_growth": 31.4, "manufacturing_investment_growth": 51.7,
    "retail_sales_growth": 37.35, "rd_expense_ratio": 3.3, "rd_expense_growth": 12.9, "sei_output_share": 15.0,
    "hardware_industries_growing": 7.0,
}


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo") / "zhome"
    mp = pytest.MonkeyPatch()
    mp.setenv("ZONESTAT_HOME", str(home))
    mp.delenv("ZONESTAT_DB", raising=False)
    first = runner.invoke(app, ["demo"])
    yield home, first
    mp.undo()


@pytest.mark.slow
def test_demo_prints_load_summary_and_h1_table(demo_home):
    home, result = demo_home
    assert result.exit_code == 0, result.output
    out = result.output
    for text in ("入库汇总 Load summary", "拒收与提示原因", "2024年1-6月 主要指标", "规上工业产值增速", "11.0%",
                 "31.4%", "51.7%", "37.35%", "3.3%", "12.9%", "15%", "7 个"):
        assert text in out, text
    # the demo's defects are caught and explained with file and row
    assert "not a valid unified social credit code" in out
    assert "duplicate: same enterprise_id/period as row" in out
    assert "January filing of B203" in out


@pytest.mark.slow
def test_demo_json_matches_the_half_year_report(demo_home):
    result = runner.invoke(app, ["indicators", "--period", "2024-06", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["indicator_id"]: r for r in json.loads(result.output)}
    assert {k: rows[k]["value"] for k in EXPECTED} == EXPECTED
    assert all(rows[k]["status"] == "final" for k in EXPECTED)
    assert rows["industrial_output_growth"]["label_zh"] == "规上工业产值增速"


@pytest.mark.slow
def test_demo_rerun_changes_nothing_and_warehouse_is_queryable(demo_home):
    home, _ = demo_home
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        before = con.execute("select count(*), max(load_id) from audit.loads").fetchone()
    again = runner.invoke(app, ["demo"])
    assert again.exit_code == 0 and "already loaded" in again.output
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*), max(load_id) from audit.loads").fetchone() == before
    result = runner.invoke(app, ["query", "select form, count(*) as n from audit.loads group by form order by form",
                                 "--format", "json"])
    assert result.exit_code == 0
    forms = {r["form"] for r in json.loads(result.output)}
    assert {"B204-1", "B203", "206-1", "E204-1", "名录库"} <= forms
    assert (home / "exports" / "indicators" / "indicators_2024-06.parquet").exists()
