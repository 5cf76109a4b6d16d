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
