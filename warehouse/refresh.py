"""Bringing core up to date after loads (or quarantine changes), touching only what they touch.

One mechanism for two needs: the incremental build (a month's load costs the same in year five as
in month one) and the refresh of published periods (a late filing or a correction changes what
was published). A refresh (`Rebuild`) finds the loads core has not seen yet (load id above the
last build's) and rebuilds, table by table:

- in full when core's SQL changed since the last build (a new zonestat version), or when there is
  no core yet: every core table is written beside the live one (core.<table>__next) and one short
  transaction swaps them all in;
- else, per fact table, from the first month its new rows touch to the last month filed (the
  later months of a year derive their 本月 from it, the next year's bases from it), in its own
  transaction. A register load rebuilds core.register_year (it decides every unit's scope by
  year) and counts as touching the periods filed by the units it names for the first time (their
  filings were held out of core until then); the published periods of its years and the next are
  refreshed.

A table depends only on the forms it reads (its upstream in warehouse/registry.py: the fact table
of B204-1 on B204-1 and the register, the register's table on the register). So a batch builds a
table as soon as the files of those forms are in, while other files are still loading
(`Rebuild.build_table`), and `Rebuild.finish` builds the rest: every table whose input loads are
not all covered by what was built for it (a table built early and a file of its form that came
later is built again). The last step, in one transaction, swaps in a full build's tables, records
the build (meta.builds: up to which load core is built) and queues the periods it changed for
re-publication. Each table's build reads staging as of its own transaction and is a function of
it, so building one again gives the same rows: a run killed between tables leaves the loads
pending (meta.builds not written) and the next refresh builds them (`needs_build`).

`finish` returns the core periods changed, from which the published marts to refresh follow
(warehouse/publication.py), and records the rows that arrived superseded (an older version after a
newer one) or in conflict (same precedence, other values) as load warnings.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import duckdb

from warehouse.build import (BUILD_ORDER, FACTS, FORM_OF, VIEWS, build_facts, drop_legacy, fingerprint,
                             load_industry_map, queue_publication, record_build, swap_in, write_next)
from warehouse.registry import relations
from warehouse.spec import Contract, load_contract
from warehouse.staging import LINEAGE

REGISTER_YEAR = "core.register_year"


@dataclass
class Refresh:
    """What a refresh did: `kind` is none | full | incremental; `periods` the core periods changed
    per fact table (a full build: every period); `seconds` the build's time (from its first table
    to its last step: with a batch, partly while files were still loading)."""

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


def input_forms(name: str, contract: Contract) -> frozenset[str]:
    """The form codes whose staging core table `name` reads (its upstream in the registry)."""
    by_relation = {f"staging.{f.table}{suffix}": f.code for f in contract.forms.values() for suffix in ("", "_typed")}
    return frozenset(by_relation[u] for u in relations(contract)[name].upstream if u in by_relation)


def _touched(con: duckdb.DuckDBPyConnection, contract: Contract, name: str, loads: list[int]) -> list[dt.date]:
    """The periods (not January) the given loads' rows fall in, in fact table `name`'s form."""
    table = contract.forms[FORM_OF[name]].table
    return [r[0] for r in con.execute(f"select distinct period from staging.{table}_typed where "
                                      "list_contains(?, _load_id) and month(period) <> 1 order by period",
                                      [loads]).fetchall()]


def _register_years(con: duckdb.DuckDBPyConnection, loads: list[int]) -> list[int]:
    return [r[0] for r in con.execute("select distinct year from staging.register_typed "
                                      "where list_contains(?, _load_id) order by year", [loads]).fetchall()]


def _newcomers(con: duckdb.DuckDBPyConnection, contract: Contract, name: str, loads: list[int]) -> list[dt.date]:
    """The periods of fact table `name` filed by units the given register loads name for the first
    time: a filer outside every register is held out of core, so its filings enter core now. (A
    unit never leaves: every revision of the register stays in staging.)"""
    if FACTS[name][0] != "enterprise_id":
        return []
    return [r[0] for r in con.execute(f"""
        with newcomers as (
            select distinct enterprise_id from staging.register_typed where list_contains($loads, _load_id)
            except select enterprise_id from staging.register_typed where not list_contains($loads, _load_id)
        )
        select distinct period from staging.{contract.forms[FORM_OF[name]].table}_typed
        semi join newcomers using (enterprise_id) where month(period) <> 1 order by period""",
        {"loads": loads}).fetchall()]


def _range(con: duckdb.DuckDBPyConnection, name: str, periods: list[dt.date]) -> tuple[dt.date, dt.date]:
    """From the first touched month to the last month filed: later months of that year derive
    their 本月 from it, and the next year's months their bases."""
    last = con.execute(f"select max(period) from staging.{FORM_OF[name]}_typed").fetchone()[0]
    return min(periods), max(last or max(periods), max(periods))


def _core_exists(con: duckdb.DuckDBPyConnection) -> bool:
    names = {r[0] for r in con.execute("select table_name from information_schema.tables "
                                       "where table_schema = 'core'").fetchall()}
    return all(n.split(".")[1] in names for n in FACTS) and REGISTER_YEAR.split(".")[1] in names


@dataclass
class _Built:
    """One table's build: the loads of its input forms it read, the range it rebuilt (incremental
    fact table) and the register years it brought (register_year)."""

    loads: frozenset[int]
    span: tuple[dt.date, dt.date] | None = None
    years: list[int] = field(default_factory=list)


class Rebuild:
    """One refresh of core, table by table (the module docstring). Decides at the start whether it
    is full; `build_table` builds one table on a connection of its own (any thread, tables side
    by side), `finish` builds what is left and records the build."""

    def __init__(self, con: duckdb.DuckDBPyConnection, contract: Contract | None = None,
                 touched: dict[str, list[dt.date]] | None = None, full: bool = False) -> None:
        self.contract = contract or load_contract()
        self.since, built_with = last_build(con)
        self.touched = touched or {}
        self.full = full or built_with != fingerprint() or not _core_exists(con)
        self.tables = [n for n in BUILD_ORDER if n not in VIEWS]
        self.inputs = {n: input_forms(n, self.contract) for n in self.tables}
        self.built: dict[str, _Built] = {}
        self.started: float | None = None
        self._lock = threading.Lock()
        if self.full:
            load_industry_map(con)       # core.register_year reads it
            drop_legacy(con)

    def _covered(self, con: duckdb.DuckDBPyConnection, name: str) -> dict[int, str]:
        """The loads a build of `name` would read now, with their form codes: every loaded file of
        its input forms (a full build), or those since the last build."""
        since = -1 if self.full else self.since
        return dict(con.execute("select load_id, form from audit.loads where status = 'loaded' and load_id > ? "
                                "and list_contains(?, form)", [since, list(self.inputs[name])]).fetchall())

    def current(self, con: duckdb.DuckDBPyConnection, name: str) -> bool:
        """Whether what was built for `name` covers every load of its input forms."""
        return name in self.built and self.built[name].loads == frozenset(self._covered(con, name))

    def build_table(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        """Build core table `name` from staging as it stands, in one transaction on `con` (a
        cursor of its own when tables build side by side)."""
        with self._lock:
            if self.started is None:
                self.started = time.perf_counter()
        con.execute("begin transaction")
        try:
            loads = self._covered(con, name)
            built = _Built(frozenset(loads))
            if self.full:
                write_next(con, name)
            elif name == REGISTER_YEAR:
                built.years = _register_years(con, sorted(loads)) if loads else []
                if built.years:
                    write_next(con, name)
                    swap_in(con, [name])
            else:
                built.span = self._build_facts(con, name, loads)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        with self._lock:
            self.built[name] = built

    def _build_facts(self, con: duckdb.DuckDBPyConnection, name: str,
                     loads: dict[int, str]) -> tuple[dt.date, dt.date] | None:
        """An incremental fact table: the periods its form's new loads touch, those filed by the
        units new register loads name first, and those the caller gave (quarantine changes)."""
        code = self.contract.forms[FORM_OF[name]].code
        registers = self.contract.forms["register"].code
        own = sorted(lid for lid, form in loads.items() if form == code)
        new_units = sorted(lid for lid, form in loads.items() if form == registers)
        periods = set(self.touched.get(name, []))
        if own:
            periods |= set(_touched(con, self.contract, name, own))
        if new_units:
            periods |= set(_newcomers(con, self.contract, name, new_units))
        if not periods:
            return None
        lo, hi = _range(con, name, sorted(periods))
        build_facts(con, name, lo, hi)
        return lo, hi

    def finish(self, con: duckdb.DuckDBPyConnection, workers: int = 3) -> Refresh:
        """Build every table not built yet or whose input loads changed since (side by side, each on
        a cursor of its own), then in one transaction swap in a full build, record the build and
        queue the changed periods for re-publication; record superseded and conflicting rows."""
        if self.started is None:
            self.started = time.perf_counter()
        stale = [n for n in self.tables if not self.current(con, n)]

        def run(name: str) -> None:
            cursor = con.cursor()
            try:
                self.build_table(cursor, name)
            finally:
                cursor.close()

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for done in [pool.submit(run, name) for name in stale]:
                done.result()
        result = Refresh()
        spans = {n: b.span for n, b in self.built.items() if b.span}
        years = sorted({y for b in self.built.values() for y in b.years})
        if self.full:
            result.kind = "full"
        elif spans or years:
            result.kind = "incremental"
        con.execute("begin transaction")
        try:
            if result.kind == "full":
                swap_in(con, BUILD_ORDER)
                result.periods = {n: [r[0] for r in con.execute(f"select distinct period from {n} order by period")
                                      .fetchall()] for n in FACTS}
                selects = [(f"select distinct period from {n}", []) for n in FACTS]
            else:
                result.periods = {n: [r[0] for r in con.execute(f"select distinct period from {n} where period "
                                                                "between ? and ? order by period", list(span)).fetchall()]
                                  for n, span in spans.items()}
                selects = [(f"select distinct period from {n} where period between ? and ?", list(span))
                           for n, span in spans.items()]
                if years:     # scope and entry into scope of those years and the next: their published figures
                    scope = sorted({y for year in years for y in (year, year + 1)})
                    for n in FACTS:
                        result.periods[n] = sorted(set(result.periods.get(n, [])) | {r[0] for r in con.execute(
                            f"select distinct period from {n} where list_contains(?, year(period))", [scope]).fetchall()})
                    selects += [(f"select distinct period from {n} where list_contains(?, year(period))", [scope])
                                for n in FACTS]
            if result.kind != "none":
                result.seconds = time.perf_counter() - self.started
                record_build(con, result.seconds, result.kind, 0 if self.full else len(spans) + bool(years))
                queue_publication(con, selects)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        loads = [lid for lid, _ in pending_loads(con, self.since)]
        if loads:
            result.superseded, result.conflicts = record_supersession(con, self.contract, loads)
        return result


def refresh(con: duckdb.DuckDBPyConnection, contract: Contract | None = None,
            touched: dict[str, list[dt.date]] | None = None, full: bool = False) -> Refresh:
    """Build what the new loads (and `touched`: fact table -> periods, e.g. rows the validation
    gate quarantined or released) changed; in full when needed. Safe to re-run: a build killed
    midway leaves the loads pending, and the next refresh builds them."""
    return Rebuild(con, contract, touched, full).finish(con)


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
