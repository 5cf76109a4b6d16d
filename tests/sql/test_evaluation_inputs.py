"""The evaluation's inputs go through the contract like every form: 205-1 and the annual supplement
are detected by their headers, encodings and units apply, a bad row is rejected by its line, and
a correction (更正) supersedes the original in core (issue #19, inputs)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import credit_code, write_csv
from warehouse.batch import ingest_paths
from warehouse.db import session

E1, E2 = credit_code(1901), credit_code(1902)
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码", "用地面积(亩)"]
ENERGY = ["统一社会信用代码", "报告期", "综合能源消费量本年累计(吨标准煤)"]
SUPPLEMENT = ["统一社会信用代码", "评价年度", "评价税收(千元)", "主要污染物排放量(吨)", "固定资产原价(千元)",
              "企业状态"]


@pytest.fixture
def loaded(tmp_path) -> Path:
    folder = tmp_path / "in"
    files = [
        write_csv(folder / "名录库_2023.csv", REG, [[E1, "甲", 2023, "工业", "是", "3465", 12.5],
                                                 [E2, "乙", 2023, "工业", "是", "3312", 8]]),
        write_csv(folder / "205-1_202312.csv", ENERGY, [[E1, "2023年12月", "1,234.5"], [E2, "2023-12", "-3"]],
                  encoding="gb18030"),
        write_csv(folder / "205-1_202311.csv", ENERGY, [[E1, "2023-11", "1100"]]),
        write_csv(folder / "亩均评价补充_2023.csv", SUPPLEMENT, [[E1, 2023, 3000, "", 50000, "正常"],
                                                          [E2, 2023, 800, "0.25", 9000, "在建"]]),
        write_csv(folder / "亩均评价补充_2023_更正.csv", SUPPLEMENT, [[E1, 2023, 3500, "0.5", 50000, ""]]),
    ]
    db = tmp_path / "w.duckdb"
    ingest_paths(db, files)
    return db


def test_new_forms_are_recognised_typed_and_corrected(loaded):
    with session(loaded, read_only=True) as con:
        forms = dict(con.execute("select file_name, form from audit.loads").fetchall())
        assert forms["205-1_202312.csv"] == "205-1" and forms["亩均评价补充_2023.csv"] == "亩均评价补充"
        energy = con.execute("select enterprise_id, year, through_month, energy_tce from core.energy_use "
                             "order by 1").fetchall()
        supplement = con.execute("select enterprise_id, assessed_tax, pollutant_emissions, gross_fixed_assets, "
                                 "evaluation_status from core.evaluation_inputs order by 1").fetchall()
    # the negative energy of E2 is rejected by its row; E1's December (a grouped number) counts
    assert energy == [(E1, 2023, 12, 1234.5)]
    # 千元 in the header -> 万元 (the form unit); the correction replaces the original
    assert sorted(supplement) == sorted([(E1, 350.0, 0.5, 5000.0, "normal"),
                                         (E2, 80.0, 0.25, 900.0, "construction")])


def test_a_negative_energy_row_is_rejected_with_its_line(loaded):
    with session(loaded, read_only=True) as con:
        rows = con.execute("select source_row, reason from audit.rejected_rows r join audit.loads l "
                           "on l.load_id = r.load_id where l.file_name = '205-1_202312.csv'").fetchall()
    assert len(rows) == 1 and rows[0][0] == 3 and "energy_tce_ytd" in rows[0][1]
