"""Five firms evaluated by hand (issue #19): every indicator, its points and the score written out,
then classes by the configured percentiles, within the zone and within the local industry.

Configuration of the test (the shipped file with round benchmarks): weights tax 30, VA/mu 20,
VA/energy 20, VA/emission 10, labour productivity 10, R&D 10; benchmarks 20 万元/亩, 100 万元/亩,
2 万元/tce, 5000 万元/t, 20 万元/人, 0.03; the tax indicator capped at 2 × its benchmark;
VA ratio of 门业 (doors) 0.25. Money in the monthly forms is 千元 (÷10 -> 万元).

Firm (industry)  land  output  revenue  R&D  empl.  energy  tax  emissions  value added (method)
A (3465 电动工具)  10    5000    5200    156   100    500    300    0.2     5000-4000+200 = 1200 (production)
B (3312 门业)      20    3000    3000     30    50    400    100     -      400+40+10+0+150 = 600 (income)
C (3312 门业)       5    2000    2000      0    25    100    150    0.05    2000 × 0.25 = 500 (ratio)
D (3465 电动工具)   2    1000    1000     50    30    300    120    0.18    1000-700+60 = 360 (production)
E (3465 电动工具)  40    2000    2000     10    60    600     40    0.12    2000-1800+40 = 240 (production)
F (3465) is in its construction phase (在建): not graded. G (3465) filed no 205-1: not graded.

Points = weight × value / benchmark (tax capped at 2):
    tax/mu        VA/mu         VA/energy      VA/emission         LP            R&D           score
A  30 -> 45      120 -> 24     2.4 -> 24      6000 -> 12          12 -> 6       0.03 -> 10    121
B   5 -> 7.5      30 -> 6      1.5 -> 15      none -> avg 10       12 -> 6       0.01 -> 3.333 47.833
C  30 -> 45      100 -> 20     5   -> 50      10000 -> 20         20 -> 10      0    -> 0     145
D  60 -> 60 cap  180 -> 36     1.2 -> 12      2000 -> 4           12 -> 6       0.05 -> 16.667 134.667
E   1 -> 1.5       6 -> 1.2    0.4 -> 4       2000 -> 4            4 -> 2       0.005 -> 1.667 14.367
(B's emissions points: the average of A, C, D, E = (12 + 20 + 4 + 4) / 4 = 10.)

Classes, A 25% / B 45% / C 25% / D 5%, rank r of n is in the first class with r <= round(cum × n):
zone (n=5): C=A (r1 <= 1); D, A, B = B (r <= 4); E = C (r5 <= 5); no D.
doors (n=2): C = A (r1 <= round(0.5)=1); B = C (round(1.4)=1 < 2 <= round(1.9)=2).
power tools (n=3): D = A (<= round(0.75)=1); A = B (<= round(2.1)=2); E = C (<= round(2.85)=3).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import credit_code, write_csv
from warehouse.build import build
from models.tfp import estimate
from warehouse.evaluation import evaluate
from warehouse.evaluation_config import CONFIG_DIR, load_evaluation_config
from warehouse.ingest import load_file

A, B, C, D, E, F, G = (credit_code(1500 + i) for i in range(7))
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码", "用地面积(亩)", "所在片区"]
OUT = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计(千元)", "工业销售产值(当年价格)本年累计(千元)"]
FIN = ["统一社会信用代码", "报告期", "营业收入本年累计(千元)", "研发费用本年累计(千元)", "税金及附加本年累计(千元)",
       "利润总额本年累计(千元)", "平均用工人数"]
ENERGY = ["统一社会信用代码", "报告期", "综合能源消费量本年累计(吨标准煤)"]
SUP = ["统一社会信用代码", "评价年度", "评价税收(万元)", "主要污染物排放量(吨)", "工业中间投入合计(万元)",
       "本年应交增值税(万元)", "劳动者报酬(万元)", "本年折旧(万元)", "企业状态"]
FIRMS = {  # id: (code, land, output 千元, revenue 千元, rd 千元, taxes 千元, profit 千元, employees, energy)
    A: ("3465", 10, 50000, 52000, 1560, 0, 0, 100, 500),
    B: ("3312", 20, 30000, 30000, 300, 100, 1500, 50, 400),
    C: ("3312", 5, 20000, 20000, 0, 0, 0, 25, 100),
    D: ("3465", 2, 10000, 10000, 500, 0, 0, 30, 300),
    E: ("3465", 40, 20000, 20000, 100, 0, 0, 60, 600),
    F: ("3465", 8, 1000, 1000, 0, 0, 0, 10, 50),
    G: ("3465", 8, 10000, 10000, 0, 0, 0, 10, None),
}
SUPPLEMENT = [[A, 2023, 300, 0.2, 4000, 200, "", "", "正常"], [B, 2023, 100, "", "", "", 400, 40, ""],
              [C, 2023, 150, 0.05, "", "", "", "", "正常"], [D, 2023, 120, 0.18, 700, 60, "", "", ""],
              [E, 2023, 40, 0.12, 1800, 40, "", "", "正常"], [F, 2023, 1, "", "", "", "", "", "在建"],
              [G, 2023, 50, 1, "", "", "", "", ""]]


def make_config(tmp_path: Path, **changes) -> Path:
    raw = yaml.safe_load((CONFIG_DIR / "evaluation.yaml").read_text(encoding="utf-8"))
    for ident, bench in {"tax_per_mu": 20, "va_per_mu": 100, "va_per_energy": 2, "va_per_emission": 5000,
                         "labour_productivity": 20, "rd_intensity": 0.03}.items():
        raw["indicators"][ident]["benchmark"] = bench
    raw["indicators"]["tax_per_mu"]["cap"] = 2
    raw["va_ratio"] = {"default": 0.2, "门业": 0.25}
    for key, value in changes.items():
        raw[key] = value
    path = tmp_path / "evaluation.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def zone(tmp_path_factory):
    from warehouse.db import connect, init_schema

    tmp = tmp_path_factory.mktemp("eval")
    con = connect(tmp / "w.duckdb")
    init_schema(con)
    files = [
        write_csv(tmp / "reg.csv", REG, [[e, f"企业{e[-3:]}", 2023, "工业", "是", f[0], f[1], "核心区"]
                                         for e, f in FIRMS.items()]),
        write_csv(tmp / "out.csv", OUT, [[e, "2023-12", f[2], f[2]] for e, f in FIRMS.items()]),
        write_csv(tmp / "fin.csv", FIN, [[e, "2023-12", f[3], f[4], f[5], f[6], f[7]] for e, f in FIRMS.items()]),
        write_csv(tmp / "energy.csv", ENERGY, [[e, "2023-12", f[8]] for e, f in FIRMS.items() if f[8]]),
        write_csv(tmp / "sup.csv", SUP, SUPPLEMENT),
    ]
    for path in files:
        assert load_file(con, path).status == "loaded"
    build(con)
    yield con, tmp
    con.close()


def _rows(con) -> dict:
    cur = con.execute("select * from marts.enterprise_evaluation where year = 2023")
    names = [d[0] for d in cur.description]
    return {r[1]: dict(zip(names, r)) for r in cur.fetchall()}


def test_every_indicator_points_and_score(zone):
    con, tmp = zone
    result = evaluate(con, 2023, load_evaluation_config(make_config(tmp)), estimate=estimate)
    assert (result.evaluated, result.graded) == (7, 5)
    rows = _rows(con)
    expected = {  # id: (va, method, [values], [points], score)
        A: (1200, "production", [30, 120, 2.4, 6000, 12, 0.03], [45, 24, 24, 12, 6, 10], 121),
        B: (600, "income", [5, 30, 1.5, None, 12, 0.01], [7.5, 6, 15, 10, 6, 10 / 3], 47.8333333),
        C: (500, "ratio", [30, 100, 5, 10000, 20, 0], [45, 20, 50, 20, 10, 0], 145),
        D: (360, "production", [60, 180, 1.2, 2000, 12, 0.05], [60, 36, 12, 4, 6, 50 / 3], 134.6666667),
        E: (240, "production", [1, 6, 0.4, 2000, 4, 0.005], [1.5, 1.2, 4, 4, 2, 5 / 3], 14.3666667),
    }
    names = ["tax_per_mu", "va_per_mu", "va_per_energy", "va_per_emission", "labour_productivity", "rd_intensity"]
    for firm, (va, method, values, points, score) in expected.items():
        row = rows[firm]
        assert (row["value_added"], row["va_method"]) == (pytest.approx(va), method)
        assert [row[n] for n in names] == [None if v is None else pytest.approx(v) for v in values]
        assert [row[f"points_{n}"] for n in names] == [pytest.approx(p) for p in points]
        assert row["score"] == pytest.approx(score)
    assert rows[B]["emissions_imputed"] and not rows[A]["emissions_imputed"]
    assert rows[A]["rd_basis"] == "expense"
    assert (rows[F]["graded"], rows[F]["not_graded_reason"]) == (False, "不参评: 在建(基建期)")
    assert rows[G]["not_graded_reason"] == "资料不全: 无全年综合能耗(205-1)" and rows[G]["score"] is None


def test_classes_in_zone_and_industry(zone):
    con, tmp = zone
    evaluate(con, 2023, load_evaluation_config(make_config(tmp)), estimate=estimate)
    rows = _rows(con)
    assert {f: rows[f]["class"] for f in (A, B, C, D, E)} == {C: "A", D: "B", A: "B", B: "B", E: "C"}
    assert {f: rows[f]["rank_zone"] for f in (A, B, C, D, E)} == {C: 1, D: 2, A: 3, B: 4, E: 5}
    assert {f: rows[f]["class_in_industry"] for f in (A, B, C, D, E)} == {C: "A", B: "C", D: "A", A: "B", E: "C"}
    assert rows[F]["class"] is None and rows[A]["migration"] == "new"


def test_zone_benchmark_is_the_aggregate_of_graded_firms(zone):
    con, tmp = zone
    raw = yaml.safe_load(make_config(tmp).read_text(encoding="utf-8"))
    raw["indicators"]["tax_per_mu"].update(benchmark="zone", cap=None)
    path = tmp / "zone.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    evaluate(con, 2023, load_evaluation_config(path), estimate=estimate)
    rows = _rows(con)
    benchmark = (300 + 100 + 150 + 120 + 40) / (10 + 20 + 5 + 2 + 40)     # F and G are not graded
    assert rows[D]["points_tax_per_mu"] == pytest.approx(30 * 60 / benchmark)
    assert rows[E]["points_tax_per_mu"] == pytest.approx(30 * 1 / benchmark)


def test_a_mart_of_another_version_is_replaced(zone):
    con, tmp = zone
    con.execute("drop table if exists marts.enterprise_evaluation")
    con.execute("create table marts.enterprise_evaluation (year integer, enterprise_id varchar, old_column double)")
    con.execute("insert into marts.enterprise_evaluation values (2023, 'x', 1)")
    evaluate(con, 2023, load_evaluation_config(make_config(tmp)), estimate=estimate)
    rows = _rows(con)
    assert set(rows) == {A, B, C, D, E, F, G} and rows[C]["score"] == pytest.approx(145)
