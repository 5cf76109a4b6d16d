"""The monthly pipeline as real Prefect flows on a temporary server: stages in order, artifacts
published, period checked before any work, re-runs safe."""
from __future__ import annotations

import asyncio
import datetime as dt

import duckdb
import pytest

from tests.conftest import write_csv
from tests.sql.test_indicators_handworked import A, B, FIN, OUT, REG  # units of the hand-worked zone


@pytest.fixture
def inbox(home):
    box = home / "inbox"
    write_csv(box / "reg2023.csv", REG, [[A, "甲", 2023, "工业", "是", "3465", "否", "核心区"],
                                        [B, "乙", 2023, "工业", "是", "3312", "否", "核心区"]])
    write_csv(box / "reg2024.csv", REG, [[A, "甲", 2024, "工业", "是", "3465", "否", "核心区"],
                                        [B, "乙", 2024, "工业", "是", "3312", "否", "核心区"]])
    write_csv(box / "out.csv", OUT, [[A, "2023-03", 160, 160, ""], [B, "2023-03", 290, 290, ""],
                                     [A, "2024-03", 190, 190, ""], [B, "2024-03", 280, 280, ""]])
    write_csv(box / "fin.csv", FIN, [[A, "2024-03", 1000, 30], [B, "2024-03", 2000, 70]])
    return box


def artifacts(key: str):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def read():
        async with get_client() as client:
            return await client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))

    return asyncio.run(read())


def test_monthly_pipeline_runs_stages_and_publishes_artifacts(home, inbox):
    from flows.pipeline import monthly_pipeline

    result = monthly_pipeline(period="2024-03")
    assert result["ingest"]["loaded"] == 4 and result["ingest"]["failed"] == 0
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        growth = con.execute("select value from marts.briefing where indicator_id = 'industrial_output_growth' "
                             "and period = '2024-03-01'").fetchone()[0]
    assert growth == pytest.approx(round((190 + 280) / (160 + 290) * 100 - 100, 1))
    markdown = artifacts("briefing-2024-03")
    assert markdown and "2024年1-3月 主要经济指标" in markdown[0].data and "规上工业产值增速" in markdown[0].data
    table = artifacts("indicators-2024-03")
    assert table and "industrial_output_growth" in str(table[0].data)
    assert (home / "exports" / "indicators" / "indicators_2024-03.parquet").exists()

    again = monthly_pipeline(period="2024-03")  # re-running is safe: nothing new is loaded
    assert again["ingest"]["loaded"] == 0 and again["ingest"]["skipped"] == 4
    assert "无新文件" in again["briefing"]


def test_bad_period_stops_before_any_work(home):
    from flows.pipeline import monthly_pipeline
    from warehouse.period import PeriodError

    for bad in ("2024-13", "2024-01", "June"):
        with pytest.raises(PeriodError):
            monthly_pipeline(period=bad)
    assert not (home / "warehouse.duckdb").exists()


def test_previous_month_skips_january():
    from flows.pipeline import previous_month

    assert previous_month(dt.date(2024, 7, 12)) == "2024-06"
    assert previous_month(dt.date(2024, 3, 12)) == "2024-02"
    assert previous_month(dt.date(2024, 2, 12)) == "2023-12"
    assert previous_month(dt.date(2024, 1, 12)) == "2023-12"


def test_critical_check_stops_the_run_with_a_clear_message(home, inbox):
    from flows.pipeline import monthly_pipeline
    from tests.conftest import credit_code

    stranger = credit_code(999)  # valid code, in no register
    write_csv(home / "inbox" / "stranger.csv", OUT, [[stranger, "2024-03", 70, 70, ""]])
    state = monthly_pipeline(period="2024-03", return_state=True)
    assert state.is_failed()
    assert "validation gate failed" in state.message and "followups --period 2024-03" in state.message
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        held = con.execute("select count(*) from audit.quarantine where released_at is null").fetchone()[0]
        published = con.execute("select (select count(*) from marts.publications where period = '2024-03-01') "
                                "+ (select count(*) from marts.indicator_values where period = '2024-03-01')"
                                ).fetchone()[0]
    assert held >= 1 and published == 0  # quarantined, and nothing published for the period
    page = home / "validation" / "2024-03" / "validation-run-1.html"
    assert page.is_file() and str(page) in artifacts("gate-failed-2024-03")[0].data

    done = monthly_pipeline(period="2024-03", allow_critical=True, return_state=True)
    assert done.is_completed()
    result = done.result()
    assert result["validation"]["critical"] and "严重 critical" in result["briefing"]
    page = result["validation"]["docs"]   # the second run's offline page, linked from briefing and report
    assert page.endswith("validation-run-2.html") and page in result["briefing"]
    report = (home / "reports" / "2024-03" / "zonestat-report-2024-03.html").read_text(encoding="utf-8")
    assert 'href="../../validation/2024-03/validation-run-2.html"' in report
    assert (home / "reports" / "2024-03" / "zonestat-bulletin-2024-03.docx").is_file()   # the written bulletin too
