"""The quarantine: rows with a critical failure are held out of core until they pass.

A held row is released when the current filing for its key passes: either a corrected
resubmission (the old row is then also marked superseded by the new load) or the row itself
(e.g. once the missing register entry was loaded). Core anti-joins rows not released.
"""
from __future__ import annotations

import datetime as dt

import duckdb

# rows of this run with a critical failure: held (new ones added, held ones' reasons refreshed)
_HOLD = """
insert into audit.quarantine (form, load_id, source_row, unit_id, period, reasons, first_run_id,
                              last_run_id, quarantined_at)
select suite, load_id, source_row, any_value(unit_id), any_value(period),
       list(distinct check_name order by check_name), $run_id, $run_id, now()::timestamp
from audit.validation_failures
where run_id = $run_id and severity = 'critical' and load_id is not null
group by suite, load_id, source_row
on conflict (form, load_id, source_row) do update set
    reasons = excluded.reasons, last_run_id = excluded.last_run_id,
    released_at = null, released_by_run = null
"""

# held rows of the period that this run did not fail: the current filing of their key decides
_RELEASE = """
with failed as (
    select distinct suite as form, load_id, source_row
    from audit.validation_failures
    where run_id = $run_id and severity = 'critical' and load_id is not null
),

current_rows as (
    select distinct m.form, m.unit_id, m.period, m.load_id, m.source_row,
           f.load_id is not null as failed
    from _zs_measures as m
    left join failed as f using (form, load_id, source_row)
    where m.period = $period
)

update audit.quarantine as q
set released_at = case when c.failed then null else now()::timestamp end,
    released_by_run = case when c.failed then null else $run_id end,
    superseded_by_load = case when c.load_id <> q.load_id or c.source_row <> q.source_row then c.load_id end
from current_rows as c
where q.form = c.form and q.unit_id = c.unit_id and q.period = c.period
    and q.released_at is null and q.last_run_id <> $run_id
"""


def update_quarantine(con: duckdb.DuckDBPyConnection, run_id: int, period: dt.date) -> tuple[int, int]:
    """Hold this run's critically failing rows, release those that now pass; (held new, released)."""
    con.execute(_HOLD, {"run_id": run_id})
    con.execute(_RELEASE, {"run_id": run_id, "period": period})
    held, released = con.execute(
        "select count(*) filter (where first_run_id = $run_id), count(*) filter (where released_by_run = $run_id) "
        "from audit.quarantine", {"run_id": run_id}).fetchone()
    return held, released


def active(con: duckdb.DuckDBPyConnection, period: dt.date) -> int:
    """Rows of the period held out of core now."""
    return con.execute("select count(*) from audit.quarantine where period = ? and released_at is null",
                       [period]).fetchone()[0]
