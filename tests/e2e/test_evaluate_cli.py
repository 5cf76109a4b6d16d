"""`zonestat evaluate --year 2023 --out FILE.xlsx` on a small zone (issue #19): the mart, the
office's workbook with Chinese headers (one sheet per class, the award list, the renewal
candidates), the page with the report section, and the monthly report's section."""
from __future__ import annotations

import duckdb
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.conftest import credit_code, write_csv
from zonestat.cli import app

runner = CliRunner()
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码", "用地面积(亩)", "所在片区"]
OUT = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计(千元)", "工业销售产值(当年价格)本年累计(千元)"]
FIN = ["统一社会信用代码", "报告期", "营业收入本年累计(千元)", "研发费用本年累计(千元)", "利润总额本年累计(千元)",
       "平均用工人数"]
ENERGY = ["统一社会信用代码", "报告期", "综合能源消费量本年累计(吨标准煤)"]
SUP = ["统一社会信用代码", "评价年度", "评价税收(万元)", "主要污染物排放量(吨)", "固定资产原价(万元)", "累计折旧(万元)",
       "本年折旧(万元)", "劳动者报酬(万元)", "企业状态"]


def _zone(folder, n: int = 24):
    firms = [credit_code(2600 + i) for i in range(n)]
    rows = {"reg": [], "out": [], "fin": [], "energy": [], "sup": []}
    for i, firm in enumerate(firms):
        output = 20000 + 1500 * i
        rows["reg"].append([firm, f"测试企业{i:02d}有限公司", 2023, "工业", "是", "3465" if i % 2 else "3312",
                            5 + (i * 7) % 23, "核心区" if i % 3 else "古山片区"])
        rows["out"].append([firm, "2023-12", output, output])
        rows["fin"].append([firm, "2023-12", output * 1.02, output * 0.03, output * (0.02 + 0.002 * (i % 7)), 40 + i])
        rows["energy"].append([firm, "2023-12", 300 + 17 * ((i * 5) % 11)])
        rows["sup"].append([firm, 2023, 50 + 9 * ((i * 3) % 13), "" if i % 4 == 0 else 0.1 + i / 100,
                            1500 + 80 * i, 400, 90, output / 10 * 0.12, "新办" if i == 5 else "正常"])
    rows["sup"].append([credit_code(2999), 2023, 10, "", 100, 10, 5, 1, "正常"])     # not in the register
    return [write_csv(folder / "名录库_2023.csv", REG, rows["reg"]), write_csv(folder / "B204-1_202312.csv", OUT, rows["out"]),
            write_csv(folder / "B203_202312.csv", FIN, rows["fin"]), write_csv(folder / "205-1_202312.csv", ENERGY, rows["energy"]),
            write_csv(folder / "亩均评价补充_2023.csv", SUP, rows["sup"])]


def test_evaluate_writes_the_mart_workbook_and_page(home, tmp_path):
    files = _zone(tmp_path / "in")
    assert runner.invoke(app, ["ingest", *map(str, files)]).exit_code == 0
    out = tmp_path / "评价" / "亩均.xlsx"
    result = runner.invoke(app, ["evaluate", "--year", "2023", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "参评 23 家" in result.output and "档次分布" in result.output
    assert "补充表中 1 家不在2023年规上工业名录" in result.output
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        classes = dict(con.execute("select class, count(*) from marts.enterprise_evaluation where year = 2023 "
                                   "and graded group by class").fetchall())
        ungraded = con.execute("select not_graded_reason from marts.enterprise_evaluation where not graded").fetchall()
    assert classes == {"A": 6, "B": 10, "C": 6, "D": 1}        # round(25%/70%/95% × 23) = 6 / 16 / 22
    assert ungraded == [("不参评: 新办企业",)]
    book = load_workbook(out)
    assert book.sheetnames == ["说明", "档次分布", "A类 优先发展", "B类 鼓励提升", "C类 规范转型", "D类 调控帮扶",
                               "TFP先进企业", "亩均领跑", "低效用地", "不参评", "整治对象名单"]
    assert book["A类 优先发展"].max_row == 1 + 6
    assert book["A类 优先发展"]["C1"].value == "企业名称 Name" and book["整治对象名单"].max_row == 1 + 7
    assert book["TFP先进企业"].max_row == 1 + 3 + 3        # two industries of 12 (11 graded) firms: top 3 each
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select distinct va_method from marts.enterprise_evaluation").fetchall() == [("income",)]
    page = out.with_suffix(".html").read_text(encoding="utf-8")
    assert 'id="evaluation"' in page and page.count("<circle") == 2 * 23      # the wide chart and the phone's
    again = runner.invoke(app, ["evaluate", "--year", "2023", "--out", str(out), "--json"])
    assert again.exit_code == 0 and '"graded": 23' in again.output


def test_the_monthly_report_carries_the_evaluation_section(home, tmp_path):
    files = _zone(tmp_path / "in")
    assert runner.invoke(app, ["ingest", *map(str, files)]).exit_code == 0
    before = runner.invoke(app, ["report", "--period", "2023-12", "--out", str(tmp_path / "r0")])
    assert before.exit_code == 0, before.output
    assert 'id="evaluation"' not in (tmp_path / "r0" / "zonestat-report-2023-12.html").read_text(encoding="utf-8")
    assert runner.invoke(app, ["evaluate", "--year", "2023", "--out", str(tmp_path / "e.xlsx")]).exit_code == 0
    after = runner.invoke(app, ["report", "--period", "2023-12", "--out", str(tmp_path / "r1")])
    assert after.exit_code == 0, after.output
    page = (tmp_path / "r1" / "zonestat-report-2023-12.html").read_text(encoding="utf-8")
    assert page.count('id="evaluation"') == 1 and "2023年度 亩均效益综合评价" in page
    assert page.index('id="evaluation"') < page.index('id="sources"')
