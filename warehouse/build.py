"""Building core and the mart views from staging, in one explicit order.

A full build writes each core table beside the live one (core.<table>__next), side by side on
their own cursors; one short transaction then swaps them all in (`swap_in`), creates the views and
records the build. A build killed before the swap leaves core as it was (the next run overwrites
the __next tables).

An incremental build (`build_facts`) recomputes only the periods a load touched, per fact table:
from the first touched month to the last month filed (the later months of a year derive their 本月
from it, the next year's bases from it), reading staging for those periods and the year before,
and core's own earlier filings of the year (the temp table prior_<table>) for the month derivation.
It gives the same rows as a full build (property test). Which tables to build, when, and in which
transactions is warehouse/refresh.py's: `build` here is the full build in one go.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from warehouse.db import SQL_DIR, create_table_as, read_sql, render_sql
from warehouse.registry import build_order, relations
from warehouse.spec import CONFIG_DIR, FormSpec, SpecError, load_contract, read_yaml
from warehouse.staging import replace_view

# A folder is a layer, a file is a table: sql/<schema>/<table>.sql builds <schema>.<table>; a
# fact table of a form is sql/core/facts.sql.j2 rendered from the form's `facts` (forms.yaml), and
# a `.sql.j2` file is rendered from the contract. Staging is typed when a file is loaded
# (warehouse/staging.py); the build derives core from it. What the build makes, and in which order
# (each relation after what it reads), comes from the one registry of relations.
BUILD_ORDER: list[str] = build_order()
NEXT = "__next"      # suffix of a core table being written, before the swap
PRIOR = "prior_"     # temp tables of an incremental build: each unit's filing before the range
# the fact tables built by period (the forms with `facts` in the contract): table -> form
FACT_FORMS: dict[str, FormSpec] = {f"core.{f.facts.table}": f for f in load_contract().fact_forms}
# their unit key and the measures whose 本月 derive from YTD; the form of each
FACTS: dict[str, tuple[str, tuple[str, ...]]] = {n: (f.facts.unit_key, f.facts.month_measures)
                                                 for n, f in FACT_FORMS.items()}
FORM_OF: dict[str, str] = {n: f.name for n, f in FACT_FORMS.items()}
IDENTIFIERS = load_contract().identifiers      # stored with zstd (warehouse.db.create_table_as)
EVERYTHING = (dt.date(1900, 1, 1), dt.date(2999, 12, 1))     # the build range of a full build
# Built as views (warehouse/registry.py): cheap to compute when read, not worth a copy (core's annual
# evaluation inputs are small and always current with staging; marts are filtered by period).
VIEWS: set[str] = {name for name in BUILD_ORDER if relations()[name].kind == "view"}


def load_industry_map(con: duckdb.DuckDBPyConnection, path: Path = CONFIG_DIR / "industries.yaml") -> None:
    """meta.local_industries and meta.industry_codes from the zone's mapping file."""
    raw = read_yaml(path)
    rows = [(i["id"], i["label_zh"], i["label_en"], bool(i.get("hardware")), n)
            for n, i in enumerate(raw["industries"], start=1)]
    codes = [(str(code).zfill(4), i["id"]) for i in raw["industries"] for code in i.get("codes", [])]
    con.execute("begin transaction")
    try:
        con.execute("create or replace table meta.local_industries (id varchar primary key, label_zh varchar, "
                    "label_en varchar, hardware boolean, sort_order integer)")
        con.executemany("insert into meta.local_industries values (?, ?, ?, ?, ?)", rows)
        con.execute("create or replace table meta.industry_codes (code varchar primary key, local_industry varchar)")
        con.executemany("insert into meta.industry_codes values (?, ?)", codes)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _fact_context(form: FormSpec, single_period: bool = False, incremental: bool = True,
                  one_version: bool = False, bases: bool = True) -> dict:
    facts = form.facts
    return {"code": form.code, "form": form.table, "table": facts.table, "key": facts.unit_key, "bases": bases,
            "in_register": facts.in_register, "january_exempt": form.january_exempt, "keep": facts.keep,
            "measures": facts.measures, "month_measures": facts.month_measures, "single_period": single_period,
            "prior": f"{PRIOR}{facts.table}" if incremental else None,
            "source": _source(form.table, one_version)}


def _source(table: str, one_version: bool) -> str:
    """What a build reads of a form's staging: the view choosing the version of each key that counts
    or, when every key read has one version, the typed table itself (the same rows, `revisions` 1,
    without the view's ranking: a third of a first load's build)."""
    return f"(select *, 1::bigint as revisions from staging.{table}_typed)" if one_version else f"staging.{table}"


def one_version(con: duckdb.DuckDBPyConnection, name: str, lo: dt.date | None = None,
                hi: dt.date | None = None) -> bool:
    """Whether each period the build of `name` reads (lo..hi and the same months a year earlier),
    or each register year, came in a single load. The view choosing versions then picks, for every
    key, the rows of that one load: the typed rows as they are. (Key fields are required, so never
    NULL, and a load rejects a repeated key: warehouse/spec.py, warehouse/typing.py.)"""
    if name == "core.register_year":
        return con.execute("select coalesce(max(n), 0) <= 1 from (select count(distinct _load_id) as n "
                           "from staging.register_typed group by year)").fetchone()[0]
    if name not in FACTS:
        return False
    lo, hi = lo or EVERYTHING[0], hi or EVERYTHING[1]
    return con.execute(f"""select coalesce(max(n), 0) <= 1 from (
        select count(distinct _load_id) as n from staging.{FACT_FORMS[name].table}_typed
        where period between $lo and $hi
           or period between cast($lo::date - interval 1 year as date) and cast($hi::date - interval 1 year as date)
        group by period)""", {"lo": lo, "hi": hi}).fetchone()[0]


def has_bases(con: duckdb.DuckDBPyConnection, name: str, lo: dt.date | None = None, hi: dt.date | None = None) -> bool:
    """Whether staging holds, for some period of lo..hi of fact table `name`, a filing of the same
    month a year earlier (every version, quarantined rows included: a superset of what the build
    reads). When it holds none, the build leaves out its join to last year's filings: the same
    rows (a left join that finds nothing), for two fifths less of a first build."""
    lo, hi = lo or EVERYTHING[0], hi or EVERYTHING[1]
    table = FACT_FORMS[name].table
    return con.execute(f"""select exists (
        select 1
        from (select distinct period from staging.{table}_typed where period between $lo and $hi) as s
        join (select distinct period from staging.{table}_typed) as b
            on b.period = cast(s.period - interval 1 year as date))""", {"lo": lo, "hi": hi}).fetchone()[0]


def model_sql(name: str, single_period: bool = False, incremental: bool = True, one_version: bool = False,
              bases: bool = True) -> str:
    """The SQL that builds `name` (schema.table): a form's fact table from its `facts`, a `.sql.j2`
    model rendered from the contract's fact tables, else its `.sql` file. For a fact table:
    `single_period`, the build reads one period (no unit has an earlier filing within it), so the
    SQL leaves out the window that finds one; `incremental`, it reads each unit's filing before
    the build range from the temp table `_prior` writes (a full build has none); `one_version`, it
    reads the typed staging table instead of the view choosing versions (`one_version()`); not
    `bases`, staging holds no filing a year before a period built (`has_bases()`). The rows are
    the same either way (property tests)."""
    if name in FACT_FORMS:
        return render_sql("core/facts.sql.j2", **_fact_context(FACT_FORMS[name], single_period, incremental,
                                                               one_version, bases))
    relative = name.replace(".", "/") + ".sql"
    if not (SQL_DIR / f"{relative}.j2").is_file():
        return read_sql(relative)
    enterprise = [_fact_context(f) for f in FACT_FORMS.values() if f.facts.unit_key == "enterprise_id"]
    if any(f.unit != "千元" for f in FACT_FORMS.values() if f.facts.unit_key == "enterprise_id"):
        raise SpecError("forms.yaml: the enterprise forms' facts must be in 千元 (marts/measure_facts.sql.j2 "
                        "turns them into 万元)")
    return render_sql(f"{relative}.j2", enterprise_facts=enterprise, register=_source("register", one_version))


def fingerprint() -> str:
    """What core's rows depend on besides the data: the build list, its SQL and the core macros.
    A warehouse built with another fingerprint is rebuilt in full."""
    text = "\n".join(BUILD_ORDER) + read_sql("init/core_macros.sql")
    text += "".join(model_sql(n) for n in BUILD_ORDER)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _prior(con: duckdb.DuckDBPyConnection, name: str, lo: dt.date, hi: dt.date) -> None:
    """The temp table prior_<table>: each unit's latest filing of the year before `lo` (the one
    its first month in the build range derives from). A temp table: the build's own connection
    reads it, and nothing of it is written to the warehouse file (it was a meta table once, written
    and checkpointed with every month's build).

    Most units filed the month before `lo`: that month is read as it is, and only the others that
    file in the build range (lo..hi in staging) are looked for in the earlier months of the year,
    so the cost hardly grows with the months already loaded: a November build read nine months
    for every unit, 60-76 ms a large table, against 23-32 ms now (about a March build's)."""
    key, measures = FACTS[name]
    table = name.split(".")[1]
    cols = ", ".join(f"{m}_ytd double, {m}_ytd_py double" for m in measures)
    con.execute(f"create or replace temp table {PRIOR}{table} ({key} varchar, period date, year bigint, {cols})")
    values = ", ".join(f"{m}_ytd, {m}_ytd_py" for m in measures)
    latest = ", ".join(f"arg_max_null({m}_ytd, period) as {m}_ytd, arg_max_null({m}_ytd_py, period) as {m}_ytd_py"
                       for m in measures)
    con.execute(f"""
        insert into {PRIOR}{table} by name
        with month_before as (
            select {key}, period, year, {values} from {name}
            where period = cast($lo::date - interval 1 month as date) and month($lo::date) > 1
        ),
        wanted as (
            select distinct {key}
            from staging.{FACT_FORMS[name].table}_typed as s
            anti join month_before as m using ({key})
            where s.period between $lo and $hi
        ),
        earlier as (
            select {key}, max(period) as period, max(year) as year, {latest}
            from {name} as c
            semi join wanted using ({key})
            where c.period >= make_date(year($lo::date), 1, 1)
                and c.period < cast($lo::date - interval 1 month as date)
            group by all
        )
        select * from month_before
        union all
        select * from earlier""", {"lo": lo, "hi": hi})


def write_next(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Write core table `name` in full beside the live one (core.<table>__next), on `con` (a
    cursor of its own when tables are written side by side)."""
    schema, table = name.split(".")
    # not `preserve_insertion_order = false`, 4% faster here: that setting is global to the
    # database instance and would stay on for every later query of the process
    params = {"lo": EVERYTHING[0], "hi": EVERYTHING[1]} if name in FACTS else None
    sql = model_sql(name, _one_period(con, name), False, one_version(con, name),
                    name not in FACTS or has_bases(con, name))
    create_table_as(con, f"{schema}.{table}{NEXT}", sql, params, IDENTIFIERS)


def _write_next(con: duckdb.DuckDBPyConnection, name: str) -> None:
    cursor = con.cursor()
    try:
        write_next(cursor, name)
    finally:
        cursor.close()


def _one_period(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether staging holds a single period of fact table `name` (a first load): its full build
    then reads one period."""
    if name not in FACTS:
        return False
    table = FACT_FORMS[name].table
    return con.execute(f"select count(distinct period) <= 1 from staging.{table}_typed").fetchone()[0]


def record_build(con: duckdb.DuckDBPyConnection, seconds: float, kind: str, periods: int) -> None:
    """meta.builds: a build of `kind` covering every load loaded, with its seconds and fingerprint
    (the caller's transaction; the refresh calls it once every table covers the loads of its forms)."""
    con.execute("insert into meta.builds (built_at, max_load_id, seconds, kind, fingerprint, periods) "
                "select now()::timestamp, coalesce(max(load_id), 0), ?, ?, ?, ? from audit.loads "
                "where status = 'loaded'", [seconds, kind, fingerprint(), periods])


def queue_publication(con: duckdb.DuckDBPyConnection, selects: list[tuple[str, list]]) -> None:
    """The periods a build changed, for the refresh of published figures (the build's transaction)."""
    if selects:
        con.execute("insert or replace into meta.pending_publication select period, now()::timestamp from ("
                    + " union ".join(sql for sql, _ in selects) + ")", [p for _, params in selects for p in params])


def swap_in(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Put the __next tables of `names` in place of the live ones and (re)create the build's views,
    in build order (the caller's transaction: a full build's last, short step)."""
    for name in names:
        schema, table = name.split(".")
        if name in VIEWS:
            replace_view(con, name, model_sql(name))
        else:
            con.execute(f"drop table if exists {schema}.{table}")
            con.execute(f"alter table {schema}.{table}{NEXT} rename to {table}")


def drop_legacy(con: duckdb.DuckDBPyConnection) -> None:
    for name in FACTS:      # earlier versions kept the incremental build's prior filings here
        con.execute(f"drop table if exists meta.{PRIOR}{name.split('.')[1]}")


def build(con: duckdb.DuckDBPyConnection, order: list[str] | None = None, workers: int = 3) -> float:
    """Rebuild core and the mart views from staging; all or nothing. Returns the seconds it took.

    Core tables read only staging and meta, never each other, so they can be written side by side:
    three at once keep both cores busy (the register and the two big forms take about as long)."""
    started = time.perf_counter()
    names = order or BUILD_ORDER
    load_industry_map(con)
    drop_legacy(con)
    tables = [n for n in names if n not in VIEWS]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for done in [pool.submit(_write_next, con, name) for name in tables]:
            done.result()
    con.execute("begin transaction")
    try:
        swap_in(con, names)
        seconds = time.perf_counter() - started
        record_build(con, seconds, "full", 0)
        queue_publication(con, [(f"select distinct period from {n}", []) for n in FACTS])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return seconds


def build_facts(con: duckdb.DuckDBPyConnection, name: str, lo: dt.date, hi: dt.date) -> None:
    """Recompute periods lo..hi of fact table `name` from staging (the caller's transaction): the
    unit's filing before the range from core (`_prior`), then delete and insert the range. The
    same rows as a full build (property tests)."""
    try:
        _prior(con, name, lo, hi)
        con.execute(f"delete from {name} where period between ? and ?", [lo, hi])
        sql = model_sql(name, single_period=lo == hi, one_version=one_version(con, name, lo, hi),
                        bases=has_bases(con, name, lo, hi))
        con.execute(f"insert into {name} by name {sql}", {"lo": lo, "hi": hi})
    finally:
        con.execute(f"drop table if exists temp.main.{PRIOR}{name.split('.')[1]}")


def needs_build(con: duckdb.DuckDBPyConnection) -> bool:
    """True when a load landed after the last completed build (e.g. a run killed mid-way)."""
    row = con.execute("select (select coalesce(max(load_id), 0) from audit.loads where status = 'loaded') > "
                      "(select coalesce(max(max_load_id), -1) from meta.builds)").fetchone()
    return bool(row[0])
