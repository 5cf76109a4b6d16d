"""Core models on tiny literal rows, with exact expected rows."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import credit_code, write_csv
from warehouse.build import build
from warehouse.ingest import load_file

A, B, C = credit_code(11), credit_code(12), credit_code(13)
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码", "地方产业"]
B204 = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计(千元)", "工业销售产值(当年价格)本年累计(千元)",
        "工业总产值(当年价格)上年同期累计(千元)"]


@pytest.fixture
def loaded(con, tmp_path: Path):
    files = [
        write_csv(tmp_path / "reg2023.csv", REG, [[A, "甲", 2023, "工业", "是", "3465", ""],
                                                 [B, "乙", 2023, "工业", "是", "3312", "门业"]]),
        write_csv(tmp_path / "reg2024.csv", REG, [[A, "甲", 2024, "工业", "是", "3465", ""],
                                                 [B, "乙", 2024, "工业", "否", "3312", "门业"],
                                                 [C, "丙", 2024, "工业", "是", "9999", ""]]),
        # 2023: A files Feb (Jan-Feb) and Mar
        write_csv(tmp_path / "o2023.csv", B204, [[A, "2023年2月", "200", "190", ""], [A, "2023年3月", "330", "300", ""]]),
        # 2024: a January filing (exempt: warned, kept out), Jan-Feb, March with a gap-free derivation,
        # April with no March for C (derived month unknown), C an entrant reporting its prior year.
        write_csv(tmp_path / "o2024.csv", B204, [[A, "2024年1月", "100", "100", ""], [A, "2024年2月", "220", "200", ""],
                                                 [A, "2024年3月", "360", "330", ""], [C, "2024年2月", "50", "50", "40"],
                                                 [C, "2024年4月", "90", "90", "70"]], encoding="gb18030"),
        # a resubmission of A's March 2024 figure, written in 万元: 36.5 万元 = 365 千元
        write_csv(tmp_path / "o2024_更正.csv", [h.replace("千元", "万元") for h in B204], [[A, "2024-03", "36.5", "33", ""]]),
    ]
    for f in files:
        assert load_file(con, f).status == "loaded"
    build(con)
    return con


def test_register_year_resolves_industry_and_entry(loaded):
    rows = loaded.execute("select enterprise_id, year, above_scale, local_industry, entered_scope, is_manufacturing "
                          "from core.register_year order by enterprise_id, year").fetchall()
    expected = sorted([(A, 2023, True, "power_tools", True, True), (A, 2024, True, "power_tools", False, True),
                       (B, 2023, True, "doors", True, True), (B, 2024, False, "doors", False, True),
                       (C, 2024, True, "other", True, False)])
    assert rows == expected


def test_register_names_its_local_industry_by_id_chinese_or_english_label(con, tmp_path):
    """A register's 地方产业 may give the industry by id, Chinese or English label (one row each); a
    name that is none of them falls back to the industry code's industry, an unmapped code to other."""
    D, E = credit_code(14), credit_code(15)
    rows = [[A, "甲", 2024, "工业", "是", "3465", "doors"], [B, "乙", 2024, "工业", "是", "3465", "门业"],
            [C, "丙", 2024, "工业", "是", "3465", "Doors"], [D, "丁", 2024, "工业", "是", "3465", "不存在的行业"],
            [E, "戊", 2024, "工业", "是", "9999", ""]]
    assert load_file(con, write_csv(tmp_path / "reg.csv", REG, rows)).status == "loaded"
    build(con)
    got = con.execute("select enterprise_id, local_industry from core.register_year order by enterprise_id").fetchall()
    assert got == sorted([(A, "doors"), (B, "doors"), (C, "doors"), (D, "power_tools"), (E, "other")])


def test_industrial_output_months_prior_year_and_revisions(loaded):
    rows = loaded.execute(
        "select enterprise_id, strftime(period, '%Y-%m'), months_covered, month_basis, gross_output_value_ytd, "
        "gross_output_value_month, gross_output_value_ytd_py, gross_output_value_month_py, revisions "
        "from core.industrial_output where year = 2024 order by enterprise_id, period").fetchall()
    expected = sorted([
        (A, "2024-02", 2, "consecutive", 220.0, 220.0, 200.0, 200.0, 1),  # Jan-Feb; prior from the 2023 filing
        (A, "2024-03", 1, "consecutive", 365.0, 145.0, 330.0, 130.0, 2),  # the 万元 resubmission: 36.5 万元 = 365 千元
        (C, "2024-02", 2, "consecutive", 50.0, 50.0, 40.0, 40.0, 1),      # entrant: prior from the 上年同期 column
        # no March filing: April carries March and April (90 - 50), marked, and so does its base
        (C, "2024-04", 2, "after_gap", 90.0, 40.0, 70.0, 30.0, 1),
    ])
    assert rows == expected


def test_january_filing_is_warned_not_loaded_into_core(loaded):
    assert loaded.execute("select count(*) from core.industrial_output where month = 1").fetchone()[0] == 0
    assert loaded.execute("select count(*) from audit.load_warnings").fetchone()[0] == 1
    assert loaded.execute("select count(*) from raw.b204_1 where period = '2024年1月'").fetchone()[0] == 1
