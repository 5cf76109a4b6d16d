"""The rules of issue #13 §2-§3 on generated files, not only on the corpus's examples: defects at
random places, separators and line ends; numbers written in random styles. Whatever is loaded
equals what was meant; whatever is not is rejected by its own line, with the reason."""
from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import credit_code
from tests.corpus import HEADERS, values
from warehouse.db import connect, init_schema
from warehouse.ingest import load_file

TODAY = dt.date(2024, 7, 15)
DEFECTS = ("good", "long", "short", "open_quote", "blank", "delims", "spaces", "total", "quoted_good")


@pytest.fixture(scope="module")
def warehouse():
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "rules.duckdb")
        init_schema(con)
        yield con, Path(tmp)
        con.close()


def _line(kind: str, i: int, delim: str) -> tuple[str, str]:
    """(text of the line, what it is: data | reject | blank | total)."""
    fields = [credit_code(i), "2024-06", *values(i)]
    if kind == "long":
        fields[3] = fields[3].replace(".", delim)          # 29.1 -> 29,1: one field too many
        return delim.join(fields), "reject"
    if kind == "short":
        return delim.join(fields[:-2]), "reject"
    if kind == "open_quote":
        fields[4] = '"' + fields[4]
        return delim.join(fields), "reject"
    if kind == "blank":
        return "", "blank"
    if kind == "delims":
        return delim * 8, "blank"
    if kind == "spaces":
        return "  ", "blank"
    if kind == "total":
        return delim.join(["合计", "", *values(i)]), "total"
    if kind == "quoted_good":
        return delim.join(f'"{f}"' for f in fields), "data"
    return delim.join(fields), "data"


@st.composite
def files(draw):
    kinds = draw(st.lists(st.sampled_from(DEFECTS), min_size=1, max_size=40))
    kinds = [k if not (k == "open_quote" and n + 1 < len(kinds) and kinds[n + 1] != "good") else "good"
             for n, k in enumerate(kinds)]          # an open quote is followed by a complete record
    return kinds, draw(st.sampled_from([",", ";", "\t", "|"])), draw(st.sampled_from(["\n", "\r\n"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files())
def test_every_line_is_accounted_for_by_its_own_number(warehouse, example):
    con, folder = warehouse
    kinds, delim, newline = example
    lines = [(delim.join(HEADERS), "header")] + [_line(k, i, delim) for i, k in enumerate(kinds, 1)]
    path = folder / "rules.csv"
    path.write_text(newline.join(text for text, _ in lines) + newline, encoding="utf-8")
    result = load_file(con, path, today=TODAY, digest=uuid.uuid4().hex)   # the same bytes again: not a skip
    want_data = [(credit_code(n), float(values(n)[1]), n + 1) for n, (_, what) in enumerate(lines) if what == "data"]
    want_rejected = [n + 1 for n, (_, what) in enumerate(lines) if what == "reject"]
    want_totals = [n + 1 for n, (_, what) in enumerate(lines) if what == "total"]
    if not want_data and not want_rejected:
        assert result.status == "failed" and "no data rows" in result.message
        return
    assert result.status == "loaded", result.message
    got = con.execute("select enterprise_id, gross_output_value_ytd, _source_row from staging.b204_1_typed "
                      "where _load_id = ? order by _source_row", [result.load_id]).fetchall()
    assert got == want_data
    rejected = con.execute("select source_row, fields from audit.rejected_rows where load_id = ? order by 1",
                           [result.load_id]).fetchall()
    assert rejected == [(n, ["line"]) for n in want_rejected]
    totals = con.execute("select source_row from audit.load_warnings where load_id = ? order by 1",
                         [result.load_id]).fetchall()
    assert [r[0] for r in totals] == want_totals
    assert result.rows_read == len(want_data) + len(want_rejected) == result.rows_loaded + result.rows_rejected


def _styled(value: float, decimals: int, mark: str, grouped: bool) -> str:
    """`value` written with `decimals` places, the decimal `mark` and optional thousands groups."""
    text = f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"
    if mark == ",":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from([";", "\t"]), st.sampled_from([".", ","]),
       st.lists(st.tuples(st.integers(0, 9_999_999), st.integers(0, 3), st.booleans()), min_size=1, max_size=12))
def test_a_number_loads_as_written_or_not_at_all(warehouse, delim, mark, numbers):
    con, folder = warehouse
    rows, meant = [], []
    for i, (cents, decimals, grouped) in enumerate(numbers, 1):
        value = round(cents / 10 ** decimals, decimals)
        text = _styled(value, decimals, mark, grouped)
        rows.append(delim.join([credit_code(i), "2024-06", "1", text, "1", "1", "1", "1", "1"]))
        meant.append(float(f"{value:.{decimals}f}"))
    path = folder / "numbers.csv"
    path.write_text("\n".join([delim.join(HEADERS), *rows]) + "\n", encoding="utf-8")
    result = load_file(con, path, today=TODAY, digest=uuid.uuid4().hex)   # the same bytes again: not a skip
    got = dict(con.execute("select _source_row, gross_output_value_ytd from staging.b204_1_typed where _load_id = ?",
                           [result.load_id]).fetchall())
    for line, value in got.items():
        assert value == meant[line - 2], (rows[line - 2], value)     # never another value
    shows_mark = any(0 < d < 3 or (d > 3) for _, d, _ in numbers)
    if shows_mark:                                                   # the file shows its mark: all load
        assert len(got) == len(numbers), con.execute("select reason from audit.rejected_rows where load_id = ?",
                                                     [result.load_id]).fetchall()
