"""`zonestat bulletin`: the Word file re-read, and every number in it checked against the marts.

Two zones: the literal zone of test_report_zone.py (provisional industrial figures, a literal
forecast row) and, marked slow, the demo zone with a real forecast (every headline indicator).
The expected figures are read from marts.indicator_values and marts.forecast_full_year here and
rounded here (half away from zero, as DuckDB's round), independently of the bulletin's own SQL.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.conftest import run_zonestat
from tests.e2e.test_report_zone import JUNE, add_forecast, build_zone
from zonestat.cli import app

runner = CliRunner()
JULY = dt.date(2024, 7, 1)
DATES = re.compile(r"\d{4}年|1-\d{1,2}月|\d{1,2}-12月|80%的可能|\d+个百分点之外")   # not figures
NUMBER = re.compile(r"(增长|下降)?(-?\d+(?:\.\d+)?)(\*?)")


def r(value: float, decimals: int) -> str:
    """Round half away from zero at `decimals` and print with exactly that many places."""
    scaled = value * 10 ** decimals
    rounded = math.copysign(math.floor(abs(scaled) + 0.5), scaled) / 10 ** decimals
    return f"{rounded:.{decimals}f}"


def read_docx(path: Path) -> list[str]:
    from docx import Document

    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


def marts_figures(db: Path, period=JUNE) -> tuple[dict, dict]:
    """(indicator, member) -> (value text, status, amount) at the indicator's decimals, the outlook per
    indicator and the zone's progress against its target path (marts.target_tracking), per indicator."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""
            select v.indicator_id, v.member, v.value, i.decimals, v.status, v.current_amount
            from marts.indicator_values as v join meta.indicators as i using (indicator_id)
            where v.period = ? and v."window" = 'ytd' and v.breakdown in ('zone', 'local_industry')
              and v.value is not null""", [period]).fetchall()
        outlook = con.execute("""
            select indicator_id, ytd_actual, full_year_mean, growth_mean_pct, growth_lo_80_pct, growth_hi_80_pct,
                   target_growth_pct, required_rest_growth_pct, prob_meet_target, status
            from marts.forecast_full_year where as_of = ? and breakdown = 'zone'""", [period]).fetchall() \
            if con.execute("select count(*) from duckdb_tables() where table_name = 'forecast_full_year'").fetchone()[0] \
            else []
        decimals = dict(con.execute("select indicator_id, decimals from meta.indicators").fetchall())
        tracking = con.execute("""
            select indicator_id, as_of, target_full_year, done_pct, path_pct, gap_pp, breakdown, member_label
            from marts.target_tracking
            where period = ? and actual_ytd is not null
              and as_of = (select max(as_of) from marts.target_split where as_of <= ?)""", [period, period]).fetchall() \
            if con.execute("select count(*) from duckdb_tables() where table_name = 'target_split'").fetchone()[0] \
            else []
    figures = {(i, m): (r(v, d), s, a) for i, m, v, d, s, a in rows}
    out = {}
    for ident, ytd, fy, g, lo, hi, target, req, prob, status in outlook:
        d = decimals[ident]
        out[ident] = {"ytd": r(ytd / 1e4, 1), "full_year": r(fy / 1e4, 1), "growth": r(g, d), "lo": r(lo, d),
                      "hi": r(hi, d), "target": r(target, d) if target is not None else None,
                      "required": r(req, d) if req is not None else None,
                      "prob": r(prob * 100, 0) if prob is not None else None, "status": status}
    for ident, as_of, target, done, path, gap, breakdown, label in tracking:
        d = decimals[ident]
        if breakdown != "zone":
            if as_of < period:
                out.setdefault(ident, {}).setdefault("industry_gaps", {})[label] = r(gap, d)
            continue
        out.setdefault(ident, {})["tracking"] = {"target": r(target / 1e4, 1), "done": r(done, d), "path": r(path, d),
                                                 "gap": r(gap, d) if as_of < period else None}
    return figures, out


def allowed_numbers(figures: dict, outlook: dict) -> set[str]:
    """Every number the marts hold for the period, as printed (signed)."""
    allowed = {v for v, _, _ in figures.values()}
    allowed |= {r(a / 1e4, 1) for _, _, a in figures.values() if a is not None}
    allowed |= {v for row in outlook.values() for k, v in row.items()
                if k not in ("status", "tracking", "industry_gaps") and v is not None}
    allowed |= {v.lstrip("-") for row in outlook.values() for v in row.get("industry_gaps", {}).values()}
    allowed |= {v for row in outlook.values() for v in row.get("tracking", {}).values() if v is not None}
    return allowed


def printed_numbers(text: str) -> list[str]:
    """The figures in the text, signed (下降4.5 -> -4.5), dates and fixed phrases taken out."""
    out = []
    for word, number, _ in NUMBER.findall(DATES.sub("", text)):
        out.append(f"-{number}" if word == "下降" else number)
    return out


def check(paragraphs: list[str], figures: dict, outlook: dict) -> str:
    """Every number in the bulletin is a figure of the marts; the key sentences carry the right ones."""
    text = "".join(paragraphs)
    stray = [n for n in printed_numbers(text) if n not in allowed_numbers(figures, outlook) | {"95"}]
    assert stray == [], (stray, text)

    def fig(ident: str, member: str = "全区", unit: str = "", change: bool = False) -> str:
        value, status, _ = figures[(ident, member)]
        star = "*" if status == "provisional" else ""
        if change:
            return ("增长" if not value.startswith("-") else "下降") + value.lstrip("-") + unit + star
        return value + unit + star

    assert f"全区规上工业总产值{fig('industrial_output_value', unit='亿元')}，按同口径计算同比" \
           f"{fig('industrial_output_growth', unit='%', change=True)}" in text
    for (ident, member), _ in figures.items():
        if ident == "industrial_output_growth" and member != "全区":
            assert fig(ident, member, "%", change=True) in text, member
    assert f"完成固定资产投资{fig('fai_value', unit='亿元')}，同比{fig('fai_growth', unit='%', change=True)}" in text
    assert f"零售额{fig('retail_sales_value', unit='亿元')}，按同口径计算同比" \
           f"{fig('retail_sales_growth', unit='%', change=True)}" in text
    if ("rd_expense_ratio", "全区") in figures:
        assert f"研发费用占营业收入比重为{fig('rd_expense_ratio', unit='%')}" in text
    for ident, row in outlook.items():
        if "tracking" in row:
            t = row["tracking"]
            assert f"累计完成全年目标（{t['target']}亿元）的{t['done']}%" in text, ident
            if t["gap"] is not None:
                words = "超过进度" if not t["gap"].startswith("-") else "落后进度"
                assert f"按序时进度应完成{t['path']}%，{words}{t['gap'].lstrip('-')}个百分点" in text, ident
        for label, gap in row.get("industry_gaps", {}).items():     # industries behind their own paths
            if gap.startswith("-") and float(gap) != 0:
                assert f"{label}落后进度{gap.lstrip('-')}个百分点" in text, (ident, label)
        if "status" not in row:
            continue
        star = "*" if row["status"] == "provisional" else ""
        assert f"累计完成{row['ytd']}亿元{star}，按当前走势测算，全年预计{row['full_year']}亿元{star}" in text, ident
        if row["target"] is not None:
            assert f"全年目标为增长{row['target']}%{star}" in text and f"可能性约为{row['prob']}%{star}" in text
            assert f"需{'增长' if not row['required'].startswith('-') else '下降'}{row['required'].lstrip('-')}%{star}" \
                in text
    return text


@pytest.fixture(scope="module")
def zone(tmp_path_factory) -> Path:
    db = build_zone(tmp_path_factory.mktemp("bulletin_zone"))
    add_forecast(db)
    return db


def test_bulletin_numbers_match_the_marts_on_the_literal_zone(zone, monkeypatch, tmp_path):
    monkeypatch.setenv("ZONESTAT_HOME", str(zone.parent))
    monkeypatch.delenv("ZONESTAT_DB", raising=False)
    done = runner.invoke(app, ["bulletin", "--period", "2024-06", "--out", str(tmp_path)])
    assert done.exit_code == 0, done.output
    paragraphs = read_docx(tmp_path / "zonestat-bulletin-2024-06.docx")
    assert paragraphs[0] == "经济开发区2024年1-6月经济运行简报"
    figures, outlook = marts_figures(zone)
    assert figures[("industrial_output_growth", "全区")][1] == "provisional"   # June: 4 of 5 filed
    text = check(paragraphs, figures, outlook)
    assert "规上工业产值：1-6月累计完成0.2亿元，" in text      # the literal forecast row: 1863 万元
    assert "传统八大五金行业中1个*行业保持增长态势：电动工具增长" in text and "门业下降" in text
    assert paragraphs[-1].startswith("注：带*的数据为初步数（报送率低于95%）")
    from docx import Document

    section = Document(str(tmp_path / "zonestat-bulletin-2024-06.docx")).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)     # A4


def test_bulletin_command_exits(zone, monkeypatch, tmp_path):
    monkeypatch.setenv("ZONESTAT_HOME", str(zone.parent))
    monkeypatch.delenv("ZONESTAT_DB", raising=False)
    assert runner.invoke(app, ["bulletin", "--period", "2024-01"]).exit_code == 2
    empty = runner.invoke(app, ["bulletin", "--period", "2024-09"])
    assert empty.exit_code == 2 and "no filings for 2024-09" in empty.output and "Traceback" not in empty.output
    monkeypatch.setenv("ZONESTAT_HOME", str(tmp_path / "nothing"))
    assert runner.invoke(app, ["bulletin", "--period", "2024-06"]).exit_code == 2


def test_the_report_page_carries_the_same_bulletin(zone, tmp_path):
    from docx import Document  # noqa: F401 - the Word file and the page come from one Bulletin

    from report import build_bulletin, build_report

    html = build_report(zone, JUNE, tmp_path)["html"].read_text(encoding="utf-8")
    paragraphs = read_docx(build_bulletin(zone, JUNE, tmp_path)["docx"])
    assert 'id="bulletin"' in html
    for paragraph in paragraphs[1:]:
        assert paragraph in html, paragraph


def zonestat(home: Path, *args: str) -> None:
    """The command in its own process (tests/conftest.py run_zonestat): the forecast imports Prefect,
    whose log handlers would outlive a CliRunner's captured streams and garble later tests."""
    run_zonestat(home, *args)


@pytest.mark.slow
def test_bulletin_numbers_match_the_marts_on_the_demo(demo_forecast_home):
    home = demo_forecast_home       # `zonestat demo`, then `zonestat forecast --as-of 2024-06`
    zonestat(home, "bulletin", "--period", "2024-06")
    paragraphs = read_docx(home / "reports" / "2024-06" / "zonestat-bulletin-2024-06.docx")
    figures, outlook = marts_figures(home / "warehouse.duckdb")
    assert len(outlook) >= 6 and all(row["target"] is not None for row in outlook.values())
    text = check(paragraphs, figures, outlook)
    assert "传统八大五金行业中7个行业保持增长态势" in text and "门业下降" in text
    assert "*" not in text      # every demo figure is final
    assert all("tracking" in row for row in outlook.values()) and "全年目标进度" in text
    # a later month's filings: the path's actuals follow (the split stays the one made in June)
    july = home / "demo" / "filings" / "2024-07"
    for args in (["ingest", str(july)], ["bulletin", "--period", "2024-07"], ["report", "--period", "2024-07"]):
        zonestat(home, *args)
    paragraphs = read_docx(home / "reports" / "2024-07" / "zonestat-bulletin-2024-07.docx")
    figures, outlook = marts_figures(home / "warehouse.duckdb", JULY)
    assert len(outlook) >= 6 and all(row["tracking"]["gap"] is not None for row in outlook.values())
    text = check(paragraphs, figures, outlook)
    assert "1-7月，全区规上工业总产值" in text and "五、全年走势预判" not in text   # no forecast as of July
    workbook_split_matches_the_mart(home, JULY)


def workbook_split_matches_the_mart(home: Path, period) -> None:
    """The workbook's 目标分解 sheet holds marts.target_split's June rows; shares add up per indicator."""
    from openpyxl import load_workbook

    ws = load_workbook(home / "reports" / f"{period:%Y-%m}" / f"zonestat-report-{period:%Y-%m}.xlsx")["目标分解"]
    header = [c.value for c in ws[1]]
    got = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        expected = con.execute("select count(*), sum(target_full_year) filter (where breakdown = 'zone') "
                               "from marts.target_split where as_of = ?", [JUNE]).fetchone()
    target = next(h for h in header if h.startswith("全年目标"))
    zone = [g for g in got if g[header[1]] == "全区"]
    assert target == "全年目标(亿元) Full-year target (100m yuan)"
    assert len(got) == expected[0] and sum(g[target] for g in zone) == pytest.approx(expected[1] / 1e4)
    for ind in {g[header[0]] for g in got}:
        rows = [g for g in got if g[header[0]] == ind]
        if len(rows) == 1:        # retail: no breakdown by industry, the zone is tracked alone
            continue
        industries = sum(g[target] for g in rows if g[header[1]] != "全区")
        assert industries == pytest.approx(next(g[target] for g in rows if g[header[1]] == "全区"))


def test_a_revision_after_the_forecast_is_said_in_the_bulletin(zone, tmp_path):
    """A change reaching June after the forecast was made marks it stale: the bulletin says so."""
    import shutil

    from report import build_bulletin
    from warehouse.db import session
    from warehouse.publication import mark_stale_forecasts

    db = tmp_path / "warehouse.duckdb"
    shutil.copy(zone, db)
    before = read_docx(build_bulletin(db, JUNE, tmp_path / "before")["docx"])
    with session(db) as con:
        assert mark_stale_forecasts(con, {JUNE}, "refresh after loads 99") == [JUNE]
    after = read_docx(build_bulletin(db, JUNE, tmp_path / "after")["docx"])
    assert after[:-1] == before and not any("尚待重新测算" in p for p in before)
    assert after[-1] == "注：全年预测与目标分解所依据的数据此后已有修订（refresh after loads 99），尚待重新测算。"
