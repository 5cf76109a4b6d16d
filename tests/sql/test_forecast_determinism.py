"""The same forecast stored again gives the same bits (issue #18: exports byte-for-byte where the
inputs are the same). The full year and the split sum and average simulated paths; as parallel
hash aggregates the order of those float additions followed the threads, and a demo forecast's
full-year export differed between two runs of the same code in its last bits (3e-15). Both SQL
files sum in a fixed order; here each is run several times over half a million path values, enough
for DuckDB to aggregate on every thread, and must give identical rows every time."""
from __future__ import annotations

import datetime as dt

import numpy as np

from warehouse.db import connect, init_schema, read_sql

JUNE = dt.date(2024, 6, 1)
MONTHS = [dt.date(2024, m, 1) for m in range(7, 13)]
IND = "industrial_output_growth"


def stage(con, industries: int = 40, paths: int = 2000) -> None:
    rng = np.random.default_rng(20240630)
    members = [("zone", "全区")] + [("local_industry", f"I{i:02d}") for i in range(industries)]
    series = [(f"s{n}", IND, b, m, "gross_output_value", *(rng.uniform(100, 1000, 3) * (1 + industries * (b == "zone"))),
               8.0 if b == "zone" else None, "ets", "final", "base") for n, (b, m) in enumerate(members)]
    con.execute("create or replace temp table _fc_series (series_id varchar, indicator_id varchar, breakdown varchar, "
                "member varchar, measure varchar, ytd_actual double, base_ytd double, base_full_year double, "
                "target_growth_pct double, model varchar, status varchar, split_rule varchar)")
    con.executemany("insert into _fc_series values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", series)
    values = rng.uniform(10, 200, (len(series), paths, len(MONTHS))) * 1.000000001
    con.execute("create or replace temp table _fc_paths as select 's' || s as series_id, p::integer as path, "
                "(date '2024-07-01' + to_months(m::integer))::date as period, v as value "
                "from (select unnest(range(?)) as s) cross join (select unnest(range(?)) as p) "
                "cross join (select unnest(range(?)) as m) positional join (select unnest(?::double[]) as v)",
                [len(series), paths, len(MONTHS), values.ravel().tolist()])
    con.execute("insert into marts.forecast_monthly (as_of, indicator_id, breakdown, member, period, reconcile_factor) "
                "select ?, indicator_id, breakdown, member, unnest(?::date[]), 1.0 + 1e-3 * random() from _fc_series",
                [JUNE, MONTHS])


def test_the_full_year_and_the_split_are_the_same_bits_every_time(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    init_schema(con)
    stage(con)
    assert con.execute("select count(*) from _fc_paths").fetchone()[0] == 41 * 2000 * 6
    full_year = read_sql("marts/forecast_full_year.sql")
    runs = [con.execute(f"select * from ({full_year}) order by member", {"as_of": JUNE}).fetchall() for _ in range(6)]
    assert all(run == runs[0] for run in runs[1:])
    con.execute(f"insert into marts.forecast_full_year by name {full_year}", {"as_of": JUNE})
    split = read_sql("marts/target_split.sql")
    runs = [con.execute(f"select * from ({split}) order by member", {"as_of": JUNE}).fetchall() for _ in range(6)]
    assert all(run == runs[0] for run in runs[1:]) and len(runs[0]) == 41
    con.close()
