"""Late filings and corrections refresh what was published, and every publication is kept (#12 §6).

A zone publishes 2024-05 and 2024-06; then a correction of May arrives. In the same ingest the
marts and Parquet exports of May (its own figures) and June (whose 本月 derives from May's YTD)
are refreshed, each as a new vintage that names the load it rests on; March, which May does not
feed, keeps its single vintage; and `zonestat revisions` lists what moved, by how much and why.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import credit_code, write_csv
from warehouse.batch import ingest_paths
from warehouse.db import session
from warehouse.publication import publish_period

A, B = credit_code(501), credit_code(502)
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码"]
OUT = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计", "工业销售产值(当年价格)本年累计"]
MAR, MAY, JUN = dt.date(2024, 3, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 1)


@pytest.fixture
def zone(tmp_path: Path):
    files = [write_csv(tmp_path / f"名录库_{y}.csv", REG, [[A, "甲", y, "工业", "是", "3465"],
                                                         [B, "乙", y, "工业", "是", "3312"]]) for y in (2023, 2024)]
    for year in (2023, 2024):
        for month in range(2, 7):
            files.append(write_csv(tmp_path / f"B204-1_{year}{month:02d}.csv", OUT,
                                   [[A, f"{year}-{month:02d}", 100 * month + year - 2023, 90 * month],
                                    [B, f"{year}-{month:02d}", 200 * month + 2 * (year - 2023), 180 * month]]))
    db, exports = tmp_path / "w.duckdb", tmp_path / "exports"
    ingest_paths(db, files, exports_dir=exports)
    with session(db) as con:
        for period in (MAR, MAY, JUN):
            publish_period(con, period, exports)
    return db, exports, tmp_path


def value(db, period, window="ytd", indicator="industrial_output_value"):
    with session(db, read_only=True) as con:
        return con.execute("select value from marts.indicator_values where indicator_id = ? and period = ? and "
                           "\"window\" = ? and breakdown = 'zone'", [indicator, period, window]).fetchone()[0]


def vintages(db, period):
    with session(db, read_only=True) as con:
        return con.execute("select vintage_id, reason, rows_changed, previous_vintage from marts.publications "
                           "where period = ? order by vintage_id", [period]).fetchall()


def test_a_correction_refreshes_the_published_periods_it_feeds_in_the_same_run(zone):
    db, exports, tmp = zone
    june_month_before = value(db, JUN, "month")
    fix = write_csv(tmp / "B204-1_202405_更正.csv", OUT, [[A, "2024-05", 650, 450]])   # May YTD 501 -> 650
    batch = ingest_paths(db, [fix], exports_dir=exports)
    assert {p.period for p in batch.republished} == {MAY, JUN}
    # May's YTD rose by 149 千元; June's 本月 (June YTD - May YTD) fell by as much; June YTD is unchanged
    assert value(db, MAY) == pytest.approx((650 + 1002) / 10 / 1e4)
    assert value(db, JUN, "month") == pytest.approx(june_month_before - 14.9 / 1e4)
    # each refreshed period has a second vintage; March is untouched
    assert len(vintages(db, MAR)) == 1
    may = vintages(db, MAY)
    assert len(may) == 2 and may[1][1] == f"refresh after loads [{batch.results[0].load_id}]" and may[1][3] == may[0][0]
    # the exports are the refreshed figures, and say which vintage they are
    table = pq.read_table(exports / "indicators" / "indicators_2024-05.parquet").to_pylist()
    row = next(r for r in table if r["indicator_id"] == "industrial_output_value" and r["breakdown"] == "zone"
               and r["window"] == "ytd")
    assert row["value"] == pytest.approx(value(db, MAY)) and row["vintage_id"] == may[1][0]


def test_revisions_lists_what_moved_by_how_much_and_which_load(zone, monkeypatch):
    from typer.testing import CliRunner

    from zonestat.cli import app

    db, exports, tmp = zone
    fix = write_csv(tmp / "B204-1_202405_更正.csv", OUT, [[A, "2024-05", 650, 450]])
    load_id = ingest_paths(db, [fix], exports_dir=exports).results[0].load_id
    monkeypatch.setenv("ZONESTAT_DB", str(db))
    monkeypatch.setenv("ZONESTAT_HOME", str(tmp))
    result = CliRunner().invoke(app, ["revisions", "--period", "2024-05", "--json"])
    assert result.exit_code == 0, result.output
    import json

    [answer] = json.loads(result.output)
    changes = {(c["indicator_id"], c["window"], c["breakdown"]): c for c in answer["changes"]}
    level = changes[("industrial_output_value", "ytd", "zone")]
    assert level["change"] == pytest.approx(14.9 / 1e4)
    assert level["added"] == [load_id] and "B204-1_202405_更正.csv" in level["added_files"]
    assert level["dropped"] == []          # no load was dropped: the original row is still a revision
    text = CliRunner().invoke(app, ["revisions", "--period", "2024-05"])
    assert text.exit_code == 0 and "B204-1_202405_更正.csv" in text.output


def test_publishing_again_without_a_change_keeps_the_vintage(zone):
    db, exports, _ = zone
    with session(db) as con:
        again = publish_period(con, JUN, exports)
    assert not again.new and again.rows_changed == 0 and len(vintages(db, JUN)) == 1


def test_a_load_for_an_unpublished_period_publishes_nothing(zone):
    db, exports, tmp = zone
    july = write_csv(tmp / "B204-1_202407.csv", OUT, [[A, "2024-07", 700, 630], [B, "2024-07", 1400, 1260]])
    batch = ingest_paths(db, [july], exports_dir=exports)
    assert batch.refreshed.kind == "incremental" and batch.republished == []
    assert not (exports / "indicators" / "indicators_2024-07.parquet").exists()


def test_a_correction_marks_the_forecasts_resting_on_it_stale_until_made_again(zone):
    db, exports, tmp = zone
    with session(db) as con:      # two stored forecasts (their full-year rows are what counts here)
        con.execute("insert into marts.forecast_full_year (as_of) values (date '2024-04-01'), (date '2024-06-01')")
    fix = write_csv(tmp / "B204-1_202405_更正.csv", OUT, [[A, "2024-05", 650, 450]])
    load_id = ingest_paths(db, [fix], exports_dir=exports).results[0].load_id
    with session(db, read_only=True) as con:
        stale = con.execute("select as_of, reason from marts.forecast_stale").fetchall()
    # the June forecast rests on May's figures; April's was made before them
    assert stale == [(JUN, f"refresh after loads [{load_id}]")]


def test_a_run_killed_between_the_build_and_the_refresh_of_the_marts_refreshes_them_next_time(zone):
    from warehouse.ingest import load_file
    from warehouse.refresh import refresh

    db, exports, tmp = zone
    fix = write_csv(tmp / "B204-1_202405_更正.csv", OUT, [[A, "2024-05", 650, 450]])
    with session(db) as con:       # loaded and built, then "killed" before the marts were refreshed
        assert load_file(con, fix).status == "loaded"
        assert refresh(con).kind == "incremental"
    assert len(vintages(db, MAY)) == 1
    batch = ingest_paths(db, [], exports_dir=exports)                # the next run, with nothing new
    assert {p.period for p in batch.republished} == {MAY, JUN} and len(vintages(db, MAY)) == 2
    with session(db, read_only=True) as con:
        assert con.execute("select count(*) from meta.pending_publication").fetchone()[0] == 0


def test_a_moved_home_republishes_into_its_own_exports_folder(zone, tmp_path_factory):
    """A home copied elsewhere (a new server, a restored backup): a correction loaded there
    re-publishes May and June into the new home's exports, and leaves the old folder as it was."""
    import shutil

    db, exports, tmp = zone
    moved = tmp_path_factory.mktemp("moved")
    shutil.copy(db, moved / "w.duckdb")
    shutil.copytree(exports, moved / "exports")
    before = (exports / "indicators" / "indicators_2024-05.parquet").read_bytes()
    fix = write_csv(moved / "B204-1_202405_更正.csv", OUT, [[A, "2024-05", 650, 450]])
    batch = ingest_paths(moved / "w.duckdb", [fix], exports_dir=moved / "exports")
    assert {p.period for p in batch.republished} == {MAY, JUN}
    assert {p.export_path.parent.parent for p in batch.republished} == {moved / "exports"}
    assert (exports / "indicators" / "indicators_2024-05.parquet").read_bytes() == before
    table = pq.read_table(moved / "exports" / "indicators" / "indicators_2024-05.parquet").to_pylist()
    zone_ytd = [r for r in table if r["indicator_id"] == "industrial_output_value" and r["window"] == "ytd"
                and r["breakdown"] == "zone"]
    assert zone_ytd and zone_ytd[0]["value"] == pytest.approx((650 + 1002) / 10 / 1e4)
