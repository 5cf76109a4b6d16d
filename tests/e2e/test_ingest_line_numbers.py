"""Line numbers of a large file: DuckDB reads it on every core and the records are numbered by
their place in the table it fills (warehouse.readers._load_body), so every record must still carry
its own physical line. A file far larger than one read block, whose values name their line."""
from __future__ import annotations

import datetime as dt

from tests.conftest import credit_code, write_csv
from warehouse.batch import ingest_paths
from warehouse.db import session

ROWS = 300_000      # 12 MB: more than the 8 MB range one thread of DuckDB's CSV reader scans


def test_every_record_of_a_large_file_keeps_its_own_line(tmp_path):
    codes = [credit_code(n) for n in range(2_000)]
    rows = [[codes[n % len(codes)], f"{2023 + n // len(codes) // 12}-{n // len(codes) % 12 + 1:02d}", n + 2, n + 2]
            for n in range(ROWS)]                       # the YTD columns: the line the row is on
    path = write_csv(tmp_path / "B204-1_big.csv", ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计",
                                                                "工业销售产值(当年价格)本年累计"], rows)
    db = tmp_path / "w.duckdb"
    batch = ingest_paths(db, [path], today=dt.date(2040, 1, 1))
    assert batch.results[0].status == "loaded", batch.results[0].message
    assert batch.results[0].rows_read == ROWS
    with session(db, read_only=True) as con:
        misplaced, total = con.execute(
            "select count(*) filter (where gross_output_value_ytd::integer <> _source_row), count(*) "
            "from raw.b204_1").fetchone()
        typed = con.execute("select count(*) filter (where gross_output_value_ytd <> _source_row), count(*) "
                            "from staging.b204_1_typed").fetchone()
    assert (misplaced, total) == (0, ROWS)
    assert typed == (0, ROWS)
