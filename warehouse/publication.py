"""Publishing a period's indicators, and keeping every publication as a vintage.

`publish_period` evaluates the catalog for a period (marts.indicator_values), keeps the result as
a new vintage when any figure or status differs from the period's last vintage
(marts.publications, marts.indicator_vintages, each row with the loads it rests on), and writes
the Parquet export. `republish` does it for every published period a refresh of core changed
(a late filing or a correction, and the periods that depend on it: the same month of the next
two years, whose growth and two-year average use it), into the same export folder as before,
so marts and exports never keep superseded figures.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.build import FORM_OF
from warehouse.indicators import MIN_COVERAGE, evaluate
from warehouse.marts_schema import ensure_marts
from warehouse.spec import load_contract

KEY = ("indicator_id", "window", "breakdown", "member")


@dataclass(frozen=True)
class Publication:
    period: dt.date
    vintage_id: int
    new: bool              # a new vintage (something changed, or the period's first publication)
    rows_changed: int
    export_path: Path | None


def mark_stale_forecasts(con: duckdb.DuckDBPyConnection, changed: set[dt.date], reason: str) -> list[dt.date]:
    """Stored forecasts whose history a change reaches (as-of month on or after the earliest changed
    period) are marked stale until they are made again (`zonestat forecast`, the pipeline): the
    report and `zonestat revisions` say so. Returns their as-of months."""
    ensure_marts(con)
    if not changed:
        return []
    stale = [r[0] for r in con.execute("select distinct as_of from marts.forecast_full_year where as_of >= ? "
                                       "order by as_of", [min(changed)]).fetchall()]
    if stale:   # DuckDB's executemany refuses an empty list (a load of a month after every forecast)
        con.executemany("insert or replace into marts.forecast_stale values (?, now()::timestamp, ?)",
                        [[as_of, reason] for as_of in stale])
    return stale


def _loads_sql(period_param: str = "$period") -> str:
    """(form code, loads): the loads whose rows a period's figures rest on, per form: the filings
    of the period, of the same month one and two years back, the earlier filings their 本月 were
    derived from, and the register rows of those years."""
    contract = load_contract()
    parts = []
    for name, form in FORM_OF.items():
        code, key = contract.forms[form].code, contract.forms[form].key[0]
        periods = (f"({period_param}::date, ({period_param}::date - interval 1 year)::date, "
                   f"({period_param}::date - interval 2 year)::date)")
        parts.append(f"select '{code}' as form, _load_id from {name} where period in {periods}")
        parts.append(f"select '{code}', p._load_id from {name} as o join {name} as p "
                     f"on p.{key} = o.{key} and p.period = o.prev_period where o.period in {periods}")
    register = ("select form, r._load_id from core.register_year as r cross join (select distinct form from "
                f"steps) where r.year between year({period_param}::date) - 2 and year({period_param}::date)")
    return (f"with steps as ({' union all '.join(parts)}), "
            f"everything as (select * from steps union all {register}) "
            "select form, list(distinct _load_id order by _load_id) as loads from everything group by form")


def _changed_rows(con: duckdb.DuckDBPyConnection, period: dt.date, previous: int | None) -> int:
    """Rows of the period's fresh evaluation whose value or status differs from vintage `previous`
    (every row when there is none), rows that disappeared included."""
    if previous is None:
        return con.execute("select count(*) from marts.indicator_values where period = ?", [period]).fetchone()[0]
    return con.execute("""
        select count(*) from (select * from marts.indicator_values where period = $period) as v
        full join (select * from marts.indicator_vintages where vintage_id = $previous) as o
          using (indicator_id, "window", breakdown, member)
        where v.indicator_id is null or o.indicator_id is null or v.status is distinct from o.status
           or not zs_same_figure(v.value, o.value)""",
                       {"period": period, "previous": previous}).fetchone()[0]


def latest_vintage(con: duckdb.DuckDBPyConnection, period: dt.date) -> dict | None:
    row = con.execute("select vintage_id, exports_dir, min_coverage from marts.publications where period = ? "
                      "order by vintage_id desc limit 1", [period]).fetchone()
    return None if row is None else {"vintage_id": row[0], "exports_dir": row[1], "min_coverage": row[2]}


def publish_period(con: duckdb.DuckDBPyConnection, period: dt.date, exports_dir: Path | None = None,
                   reason: str = "indicators", min_coverage: float = MIN_COVERAGE) -> Publication:
    """Evaluate the period, keep a new vintage if anything changed, write its export (when given a
    folder); one transaction for the marts, then the file (written atomically)."""
    from warehouse.exports import export_indicators

    evaluate(con, period, min_coverage)     # declares the mart tables first (ensure_marts)
    con.execute("begin transaction")
    try:
        last = latest_vintage(con, period)
        changed = _changed_rows(con, period, last and last["vintage_id"])
        if last is None or changed:
            vintage = con.execute("select nextval('marts.vintage_seq')").fetchone()[0]
            con.execute("""insert into marts.publications select $vintage, $period, now()::timestamp, $reason,
                           (select coalesce(max(load_id), 0) from audit.loads where status = 'loaded'),
                           $coverage, $dir, null, $changed, $previous""",
                        {"vintage": vintage, "period": period, "reason": reason, "coverage": min_coverage,
                         "dir": str(exports_dir) if exports_dir else None, "changed": changed,
                         "previous": last and last["vintage_id"]})
            con.execute(f"""insert into marts.indicator_vintages
                with loads as ({_loads_sql()})
                select $vintage, v.indicator_id, v.period, v."window", v.breakdown, v.member, v.value, v.status,
                       p.published_at, l.loads
                from marts.indicator_values as v
                join meta.indicators as i using (indicator_id)
                join marts.publications as p on p.vintage_id = $vintage
                left join loads as l on l.form = i.form
                where v.period = $period""", {"vintage": vintage, "period": period})
        else:
            vintage = last["vintage_id"]
            if exports_dir:
                con.execute("update marts.publications set exports_dir = ? where vintage_id = ?",
                            [str(exports_dir), vintage])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    path = None
    if exports_dir:
        path = export_indicators(con, period, Path(exports_dir), vintage)
        con.execute("update marts.publications set export_path = ? where vintage_id = ?", [str(path), vintage])
    return Publication(period, vintage, last is None or bool(changed), changed, path)


def published_periods(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """Periods with figures in the marts (a vintage, or rows evaluated before vintages were kept)."""
    ensure_marts(con)
    return [r[0] for r in con.execute("select distinct period from marts.publications union "
                                      "select distinct period from marts.indicator_values order by period").fetchall()]


def republish(con: duckdb.DuckDBPyConnection, changed: set[dt.date], reason: str,
              exports_dir: Path | None = None) -> list[Publication]:
    """Re-evaluate every published period that the changed core periods feed (the period itself,
    the same month one and two years on), into `exports_dir` (the CLI and the flows pass the home's
    exports folder: a home that was moved or copied re-publishes in its own folder, not the one it
    was first published from), else the export folder of its last publication. The periods a build
    queued and no refresh has handled yet (a run killed in between) are handled too; each is
    cleared once its periods are published."""
    queued = {r[0] for r in con.execute("select period from meta.pending_publication").fetchall()}
    changed = set(changed) | queued
    mark_stale_forecasts(con, changed, reason)
    affected = {dt.date(p.year + k, p.month, 1) for p in changed for k in (0, 1, 2)}
    out = []
    for period in sorted(affected & set(published_periods(con))):
        last = latest_vintage(con, period) or {}
        folder = exports_dir or last.get("exports_dir")
        out.append(publish_period(con, period, Path(folder) if folder else None, reason,
                                  last.get("min_coverage") or MIN_COVERAGE))
    if changed:
        con.execute("delete from meta.pending_publication where list_contains(?, period)", [sorted(changed)])
    return out
