"""The GB 32100 rule is written three times (Python, numpy for GX, SQL for loads): they agree."""
from __future__ import annotations

import random

import duckdb
import pyarrow as pa

from warehouse.codes import CHARSET, check_char, is_valid, valid_code_array
from warehouse.db import read_sql


def sample(n: int = 3000) -> list[str | None]:
    rng = random.Random(20240630)
    out: list[str | None] = [None, "", "short", "中文中文中文中文中文", "!" * 18]
    for _ in range(n):
        body = "".join(rng.choice(CHARSET) for _ in range(2)) + "".join(rng.choice("0123456789") for _ in range(6)) \
            + "".join(rng.choice(CHARSET) for _ in range(9))
        code = body + check_char(body)
        out += [code, body + rng.choice(CHARSET), code[:5] + "A" + code[6:], code[:9] + "I" + code[10:],
                code[:17], code + "0", code.lower(), f" {code} "]
    return out


def test_python_numpy_and_sql_agree():
    codes = sample()
    python = [c is not None and is_valid(c) for c in codes]
    assert 3000 <= sum(python) < len(codes) - 3000         # both kinds are well represented
    strict = [c is not None and c == c.strip().upper() and len(c.encode()) == 18 and is_valid(c) for c in codes]
    assert valid_code_array(pa.array(codes, pa.string())).tolist() == strict
    con = duckdb.connect()
    con.execute(read_sql("init/macros.sql"))
    sql = [row[0] for row in con.execute("select zs_credit_code_ok(c) from unnest(?) with ordinality as t(c, i) "
                                         "order by i", [codes]).fetchall()]
    assert sql == python


def test_region_code_positions_must_be_digits():
    body = "91" + "33078A" + "4MA2WNRTCR"
    assert not is_valid(body[:17] + check_char(body[:17]))


def test_a_load_rejects_exactly_the_invalid_codes(tmp_path):
    """Loads check codes in numpy (warehouse.load_steps._check_codes) and name every failure with the
    text as received; re-typing staging from raw (no check: rejected rows stay out) keeps the same
    rows and codes."""
    from warehouse.db import connect, init_schema
    from warehouse.ingest import load_file
    from warehouse.staging import ensure_staging
    from warehouse.spec import load_contract

    codes = [c for c in dict.fromkeys(sample(400)) if c and "," not in c]
    path = tmp_path / "b204.csv"
    path.write_text("credit_code,report_period,gross_output_ytd,sales_output_ytd\n"
                    + "".join(f"{c},2024-06,10,9\n" for c in codes), encoding="utf-8")
    con = connect(tmp_path / "w.duckdb")
    init_schema(con)
    result = load_file(con, path)
    rejected = dict(con.execute("select source_row, reason from audit.rejected_rows").fetchall())
    bad_rows = {row for row, code in enumerate(codes, start=2) if not is_valid(code)}
    assert result.status == "loaded" and 1000 < len(bad_rows) < len(codes) - 1000
    # a duplicate (same code after trimming and upper-casing) is rejected too, so compare code failures
    assert {row for row, reason in rejected.items() if "enterprise_id: not a valid" in reason} == bad_rows
    assert all(f"(got '{codes[row - 2]}')" in rejected[row] for row in bad_rows if codes[row - 2].strip())
    typed = con.execute("select _source_row, enterprise_id from staging.b204_1_typed order by 1").fetchall()
    con.execute("delete from meta.staging_typing")           # force re-typing from raw
    ensure_staging(con, load_contract())
    assert con.execute("select _source_row, enterprise_id from staging.b204_1_typed order by 1").fetchall() == typed


def test_a_blank_optional_code_is_null_after_load_and_after_retyping(tmp_path):
    """206-1's investor code is optional: blank stays NULL, whichever path typed the row."""
    from warehouse.db import connect, init_schema
    from warehouse.ingest import load_file
    from warehouse.spec import load_contract
    from warehouse.staging import ensure_staging

    code = sample(1)[5]
    path = tmp_path / "f206.csv"
    path.write_text("项目代码,报告期,项目名称,项目法人统一社会信用代码,行业代码,计划总投资(万元),"
                    "本年完成投资(万元),开工日期,是否制造业\n"
                    f"P1,2024-06,甲,{code},3311,100,10,2023-01-01,是\n"
                    "P2,2024-06,乙,\"  \",3311,100,10,2023-01-01,是\n"
                    "P3,2024-06,丙,,3311,100,10,2023-01-01,是\n", encoding="utf-8")
    con = connect(tmp_path / "w.duckdb")
    init_schema(con)
    assert load_file(con, path).rows_rejected == 0
    query = "select project_id, enterprise_id from staging.f206_1_typed order by 1"
    assert con.execute(query).fetchall() == [("P1", code), ("P2", None), ("P3", None)]
    con.execute("delete from meta.staging_typing")
    ensure_staging(con, load_contract())
    assert con.execute(query).fetchall() == [("P1", code), ("P2", None), ("P3", None)]
