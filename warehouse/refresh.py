"""Bringing core up to date after loads (or quarantine changes), touching only what they touch.

One mechanism for two needs: the incremental build (a month's load costs the same in year five as
in month one) and the refresh of published periods (a late filing or a correction changes what
was published). `refresh` finds the loads core has not seen yet (load id above the last build's),
the periods their rows fall in per form, and rebuilds:

- in full when core's SQL changed since the last build (a new zonestat version), or when there is
  no core yet;
- else, per fact table, from the first touched month to the last month filed (build.build_range).
  A register load rebuilds core.register_year (it decides every unit's scope by year) and counts
  as touching the periods filed by the units it names for the first time (their filings were
  held out of core until then); the published periods of its years and the next are refreshed.

It returns the core periods it changed, from which the published marts to refresh follow
(warehouse/publication.py), and it records the rows that arrived superseded (an older version
after a newer one) or in conflict (same precedence, other values) as load warnings.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import duckdb

from warehouse.build import FACTS, FORM_OF, build, build_range, fingerprint
from warehouse.spec import Contract, load_contract
from warehouse.staging import LINEAGE


@dataclass
class Refresh:
    """What a refresh did: `kind` is none | full | incremental; `periods` the core periods changed
    per fact table (a full build: every period); `seconds` the build's time."""

    kind: str = "none"
    periods: dict[str, list[dt.date]] = field(default_factory=dict)
    seconds: float = 0.0
    superseded: int = 0
    conflicts: int = 0

    @property
    def changed(self) -> set[dt.date]:
        return {p for periods in self.periods.values() for p in periods}


def last_build(con: duckdb.DuckDBPyConnection) -> tuple[int, str | None]:
    row = con.execute("select max_load_id, fingerprint from meta.builds order by built_at desc, max_load_id desc "
                      "limit 1").fetchone()
    return (row[0], row[1]) if row else (-1, None)


def pending_loads(con: duckdb.DuckDBPyConnection, since: int) -> list[tuple[int, str]]:
    return con.execute("select load_id, form from audit.loads where status = 'loaded' and load_id > ? "
                       "order by load_id", [since]).fetchall()


def _touched(con: duckdb.DuckDBPyConnection, contract: Contract, loads: list[int]) -> dict[str, list[dt.date]]:
    """Fact table -> the periods (not January) the given loads' rows fall in."""
    out: dict[str, list[dt.date]] = {}
    for name, form in FORM_OF.items():
        table = contract.forms[form].table
        rows = con.execute(f"select distinct period from staging.{table}_typed where list_contains(?, _load_id) "
                           "and month(period) <> 1 order by period", [loads]).fetchall()
        if rows:
            out[name] = [r[0] for r in rows]
    return out


def _register_years(con: duckdb.DuckDBPyConnection, loads: list[int]) -> list[int]:
    return [r[0] for r in con.execute("select distinct year from staging.register_typed "
                                      "where list_contains(?, _load_id) order by year", [loads]).fetchall()]


def _newcomers(con: duckdb.DuckDBPyConnection, contract: Contract, loads: list[int]) -> dict[str, list[dt.date]]:
    """Fact table -> the periods filed by units the given register loads name for the first time:
    a filer outside every register is held out of core, so its filings enter core now. (A unit
    never leaves: every revision of the register stays in staging.)"""
    con.execute("create or replace temp table _newcomers as "
                "select distinct enterprise_id from staging.register_typed where list_contains($loads, _load_id) "
                "except select enterprise_id from staging.register_typed where not list_contains($loads, _load_id)",
                {"loads": loads})
    out: dict[str, list[dt.date]] = {}
    for name, form in FORM_OF.items():
        if FACTS[name][0] != "enterprise_id":
            continue
        rows = con.execute(f"select distinct period from staging.{contract.forms[form].table}_typed "
                           "semi join _newcomers using (enterprise_id) where month(period) <> 1 order by period").fetchall()
        if rows:
            out[name] = [r[0] for r in rows]
    con.execute("drop table _newcomers")
    return out


def _range(con: duckdb.DuckDBPyConnection, name: str, periods: list[dt.date]) -> tuple[dt.date, dt.date]:
    """From the first touched month to the last month filed: later months of that year derive
    their 本月 from it, and the next year's months their bases."""
    table = FORM_OF[name]
    last = con.execute(f"select max(period) from staging.{table}_typed").fetchone()[0]
    return min(periods), max(last or max(periods), max(periods))


def _core_exists(con: duckdb.DuckDBPyConnection) -> bool:
    names = {r[0] for r in con.execute("select table_name from information_schema.tables "
                                       "where table_schema = 'core'").fetchall()}
    return all(n.split(".")[1] in names for n in FACTS) and "register_year" in names


def _all_periods(con: duckdb.DuckDBPyConnection) -> dict[str, list[dt.date]]:
    return {name: [r[0] for r in con.execute(f"select distinct period from {name} order by period").fetchall()]
            for name in FACTS}


def refresh(con: duckdb.DuckDBPyConnection, contract: Contract | None = None,
            touched: dict[str, list[dt.date]] | None = None, full: bool = False) -> Refresh:
    """Build what the new loads (and `touched`: fact table -> periods, e.g. rows the validation
    gate quarantined or released) changed; in full when needed. Safe to re-run: a build killed
    midway leaves the loads pending, and the next refresh builds them."""
    contract = contract or load_contract()
    since, built_with = last_build(con)
    loads = pending_loads(con, since)
    periods = _touched(con, contract, [lid for lid, _ in loads]) if loads else {}
    for name, extra in (touched or {}).items():
        periods[name] = sorted(set(periods.get(name, [])) | set(extra))
    result = Refresh()
    registers = [lid for lid, form in loads if form == contract.forms["register"].code]
    if full or built_with != fingerprint() or not _core_exists(con):
        result.kind, result.seconds = "full", build(con)
        result.periods = _all_periods(con)
    years = _register_years(con, registers) if registers and result.kind == "none" else []
    if years:
        for name, extra in _newcomers(con, contract, registers).items():
            periods[name] = sorted(set(periods.get(name, [])) | set(extra))
    if result.kind == "none" and (periods or years):
        ranges = {name: _range(con, name, p) for name, p in periods.items()}
        result.kind, result.seconds = "incremental", build_range(con, ranges, years)
        result.periods = {name: [r[0] for r in con.execute(
            f"select distinct period from {name} where period between ? and ? order by period", list(span)).fetchall()]
            for name, span in ranges.items()}
        if years:     # scope and entry into scope of those years and the next: their published figures
            scope = sorted({y for year in years for y in (year, year + 1)})
            for name in FACTS:
                result.periods[name] = sorted(set(result.periods.get(name, [])) | {r[0] for r in con.execute(
                    f"select distinct period from {name} where list_contains(?, year(period))", [scope]).fetchall()})
    if loads:
        result.superseded, result.conflicts = record_supersession(con, contract, [lid for lid, _ in loads])
    return result


def record_supersession(con: duckdb.DuckDBPyConnection, contract: Contract, loads: list[int]) -> tuple[int, int]:
    """Warn, per row of the given loads that is not the version that counts: an older version that
    arrived after the one that counts (superseded), or one that ties with it on revision and period
    but differs (conflict). A row losing to a correction of the same batch is the normal case and
    is not warned. Returns (superseded, conflicts)."""
    counts, per_load = [0, 0], Counter()
    for form in contract.forms.values():
        grain = form.key[-1]          # period (monthly forms) or year (register): bounds the view's work
        span = con.execute(f"select min({grain}), max({grain}) from staging.{form.table}_typed "
                           "where _load_id between ? and ? and list_contains(?, _load_id)",
                           [min(loads), max(loads), loads]).fetchone()
        if span[0] is None or not _others(con, form, loads, span):
            continue
        params = {"loads": loads, "lo": min(loads), "hi": max(loads), "first": span[0], "last": span[1]}
        for load_id, file, row, w_load, w_file, tie in con.execute(_losers_sql(con, form), params).fetchall():
            counts[1 if tie else 0] += 1
            per_load[load_id] += 1
            name = w_file.rsplit("/", 1)[-1]
            message = (f"conflict: same revision and period as the row of load {w_load} ({name}) with other "
                       "values; the figures use the version chosen by content (any loading order gives the "
                       "same); a correction (更正) settles it" if tie else
                       f"superseded: an older version than the one already loaded (load {w_load}, {name}); "
                       "kept in raw, not used")
            con.execute("insert into audit.load_warnings values (?, ?, ?, ?, 'revision', ?)",
                        [load_id, file, row, form.code, message])
    if per_load:
        con.executemany("update audit.loads set rows_warned = rows_warned + ? where load_id = ?",
                        [[n, load_id] for load_id, n in per_load.items()])
    return counts[0], counts[1]


def _others(con: duckdb.DuckDBPyConnection, form, loads: list[int], span: tuple) -> bool:
    """Whether any key of the given loads can have another version: rows of other loads in the
    same periods (years), or several of the given loads of this form. A first load has none, and
    is spared the comparison."""
    grain = form.key[-1]
    row = con.execute(f"select count(distinct _load_id) filter (where list_contains($loads, _load_id)), "
                      f"count(*) filter (where not list_contains($loads, _load_id)) "
                      f"from staging.{form.table}_typed where {grain} between $first and $last",
                      {"loads": loads, "first": span[0], "last": span[1]}).fetchone()
    return row[0] > 1 or row[1] > 0


def _losers_sql(con: duckdb.DuckDBPyConnection, form) -> str:
    """Rows of $loads that lost to another version and differ from it (same content: a re-export,
    nothing to say), with whether they tie on revision and received period."""
    table = form.table
    columns = [r[0] for r in con.execute("select column_name from information_schema.columns where "
                                         "table_schema = 'staging' and table_name = ? order by ordinal_position",
                                         [f"{table}_typed"]).fetchall()]
    values = [c for c in columns if c not in LINEAGE]
    key = " and ".join(f"w.{k} is not distinct from t.{k}" for k in form.key)
    grain = form.key[-1]
    return f"""
        with mine as (
            select * from staging.{table}_typed
            where _load_id between $lo and $hi and list_contains($loads, _load_id)
        ),
        losers as (
            select t._load_id, t._source_file, t._source_row, w._load_id as w_load, w._source_file as w_file,
                   coalesce(pt.revision, 0) = coalesce(pw.revision, 0)
                   and pt.received_period is not distinct from pw.received_period as tie,
                   hash({', '.join('t.' + c for c in values)}) = hash({', '.join('w.' + c for c in values)}) as same
            from mine as t
            join staging.{table} as w on {key}
            left join audit.load_precedence as pt on pt.load_id = t._load_id
            left join audit.load_precedence as pw on pw.load_id = w._load_id
            where w.{grain} between $first and $last
              and not (w._load_id = t._load_id and w._source_row = t._source_row)
        )
        select _load_id, _source_file, _source_row, w_load, w_file, tie
        from losers
        where not same and (tie or not list_contains($loads, w_load))"""
