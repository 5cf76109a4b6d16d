"""The order of loading never decides a figure, and the incremental build equals a full rebuild
(issues #12 §5 and #15): any permutation of a zone's files (originals, corrections 更正 and 第2次更正,
a correction whose name sorts first, a re-export with other line ends, a late filing carried by the
next month's file, two conflicting originals), loaded in any split into batches, each batch
refreshing only the periods it touched, gives the same core as loading them in their natural order
and as a full rebuild.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.conftest import credit_code, write_csv
from warehouse.batch import ingest_paths
from warehouse.build import build
from warehouse.db import session
from warehouse.publication import publish_period

E1, E2, E3, E4 = (credit_code(900 + i) for i in range(4))
REG = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码"]
OUT = ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计", "工业销售产值(当年价格)本年累计"]
FAI = ["项目代码", "报告期", "项目名称", "行业代码", "计划总投资", "本年完成投资"]
PUBLISHED = (dt.date(2024, 4, 1), dt.date(2024, 6, 1))
CORE = {"core.industrial_output": "enterprise_id", "core.investment": "project_id"}


def _ytd(unit: int, year: int, month: int) -> int:
    return (100 + 10 * unit) * (month - 1) + (year - 2023) * 50 + unit


def zone_files(folder: Path) -> list[Path]:
    """The zone's files, named as offices name them; the natural order is the list's."""
    files = [write_csv(folder / "名录库_2023.csv", REG, [[e, f"单位{i}", 2023, "工业", "是", "3465"]
                                                     for i, e in enumerate((E1, E2, E4))]),
             write_csv(folder / "名录库_2024.csv", REG, [[e, f"单位{i}", 2024, "工业", "是", "3312"]
                                                     for i, e in enumerate((E1, E2, E3, E4))])]
    for year in (2023, 2024):
        for month in range(2, 7):
            rows = [[e, f"{year}-{month:02d}", _ytd(i, year, month), _ytd(i, year, month)]
                    for i, e in enumerate((E1, E2, E3, E4))
                    if not (e == E3 and (year, month) < (2024, 4))       # E3 enters in April 2024
                    and not (e == E2 and (year, month) == (2024, 5))]    # E2 skips May 2024 ...
            if (year, month) == (2024, 6):
                rows.append([E2, "2024-05", 777, 777])                   # ... and files it with June
            files.append(write_csv(folder / f"B204-1_{year}{month:02d}.csv", OUT, rows))
            projects = [["P1", f"{year}-{month:02d}", "一", "3465", 5000, 40 * (month - 1) + year - 2000]]
            if year == 2024 and month >= 3:
                projects.append(["P2", f"{year}-{month:02d}", "二", "3312", 9000, 70 * (month - 2)])  # enters in March
            files.append(write_csv(folder / f"206-1_{year}{month:02d}.csv", FAI, projects))
    files += [
        write_csv(folder / "B204-1_202404_更正.csv", OUT, [[E1, "2024-04", 901, 900]]),
        write_csv(folder / "B204-1_202404_第2次更正.csv", OUT, [[E1, "2024-04", 902, 900]]),
        write_csv(folder / "(更正)B204-1_202403.csv", OUT, [[E4, "2024-03", 555, 550]]),
        write_csv(folder / "206-1_202404_更正.csv", FAI, [["P2", "2024-04", "二", "3312", 9000, 333]]),
        # two originals of June that disagree on E4: a conflict, decided by content, not by order
        write_csv(folder / "B204-1_202406_补报.csv", OUT, [[E4, "2024-06", 601, 600]]),
    ]
    crlf = folder / "B204-1_202403_重新导出.csv"             # a re-export: same rows, other line ends
    crlf.write_bytes((folder / "B204-1_202403.csv").read_bytes().replace(b"\n", b"\r\n"))
    return files + [crlf]


def snapshot(db: Path, without: tuple[str, ...] = ("_load_id",)) -> dict[str, list[tuple]]:
    """Every core fact row without its lineage (load ids follow the order of loading)."""
    with session(db, read_only=True) as con:
        out = {}
        for table, key in CORE.items():
            cols = [r[0] for r in con.execute("select column_name from information_schema.columns where "
                                              "table_schema = 'core' and table_name = ? order by ordinal_position",
                                              [table.split(".")[1]]).fetchall() if r[0] not in without]
            out[table] = con.execute(f"select {', '.join(cols)} from {table} order by {key}, period").fetchall()
        return out


@pytest.fixture(scope="module")
def natural(tmp_path_factory):
    """The files loaded in their natural order, in one batch: the reference."""
    tmp = tmp_path_factory.mktemp("natural")
    files = zone_files(tmp / "files")
    ingest_paths(tmp / "w.duckdb", files)
    return files, snapshot(tmp / "w.duckdb"), tmp / "w.duckdb"


def test_corrections_late_filings_and_conflicts_in_the_natural_order(natural):
    _, core, db = natural
    output = {(r[0], r[1].isoformat()): r for r in core["core.industrial_output"]}
    cols = ["enterprise_id", "period", "year", "month", "months_covered", "month_basis", "prev_period",
            "gross_output_value_ytd"]
    ytd = cols.index("gross_output_value_ytd")
    assert output[(E1, "2024-04-01")][ytd] == 902          # 第2次更正 beats 更正, whatever their order
    assert output[(E4, "2024-03-01")][ytd] == 555          # (更正) sorts first and still wins
    assert output[(E2, "2024-05-01")][ytd] == 777          # the late filing, carried by June's file
    assert output[(E4, "2024-06-01")][ytd] in (601, _ytd(3, 2024, 6))   # a conflict: decided by content
    with session(db, read_only=True) as con:
        warned = con.execute("select source_file, message from audit.load_warnings where field = 'revision'").fetchall()
    conflicts = [(Path(f).name, m) for f, m in warned if m.startswith("conflict")]
    assert len(conflicts) == 1 and conflicts[0][0] in ("B204-1_202406.csv", "B204-1_202406_补报.csv")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False), st.integers(1, 4))
def test_any_order_and_any_batches_give_the_same_core_as_a_full_rebuild(natural, tmp_path_factory, rnd, n_batches):
    files, expected, _ = natural
    order = list(files)
    rnd.shuffle(order)
    cuts = sorted(rnd.sample(range(1, len(order)), n_batches - 1))
    batches = [order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)])]
    db = tmp_path_factory.mktemp("shuffled") / "w.duckdb"
    for n, batch in enumerate(batches):
        ingest_paths(db, batch)
        if n == 0:        # publish two periods early: later batches must keep them up to date
            with session(db) as con:
                for period in PUBLISHED:
                    publish_period(con, period)
    incremental = snapshot(db)
    with session(db) as con:
        stale = [period for period in PUBLISHED if publish_period(con, period).new]
        build(con)
    assert stale == [], "a published period kept figures its later loads changed"
    assert snapshot(db) == incremental, "incremental builds differ from a full rebuild"
    assert incremental == expected, "the order of loading changed a figure"


def test_an_older_version_arriving_later_is_kept_in_raw_warned_and_changes_nothing(tmp_path):
    files = zone_files(tmp_path / "files")
    db = tmp_path / "w.duckdb"
    correction = next(f for f in files if f.name == "B204-1_202404_第2次更正.csv")
    first = next(f for f in files if f.name == "B204-1_202404_更正.csv")
    ingest_paths(db, [f for f in files if f != first])
    figures = ("_load_id", "revisions")          # the figures, not how many versions there are
    before = snapshot(db, figures)
    batch = ingest_paths(db, [first])
    assert batch.results[0].status == "loaded" and batch.results[0].rows_loaded == 1
    assert snapshot(db, figures) == before
    with session(db, read_only=True) as con:
        warned = con.execute("select field, message from audit.load_warnings where source_file = ?",
                             [str(first)]).fetchall()
        kept = con.execute("select count(*) from raw.b204_1 where _source_file = ?", [str(first)]).fetchone()[0]
    assert kept == 1
    assert warned == [("revision", f"superseded: an older version than the one already loaded (load "
                       f"{warned[0][1].split('load ')[1].split(',')[0]}, {correction.name}); kept in raw, not used")]


def test_a_register_load_is_incremental_and_admits_the_units_it_names_first(tmp_path):
    """E3 files from April 2024 but is only in the 2024 register: loaded after its filings, that
    register rebuilds core.register_year, brings E3's months into core without a full build, and
    refreshes the published periods of 2024 (scope) and no others."""
    files = zone_files(tmp_path / "files")
    register_2024 = next(f for f in files if f.name == "名录库_2024.csv")
    db = tmp_path / "w.duckdb"
    ingest_paths(db, [f for f in files if f != register_2024])
    with session(db) as con:
        assert con.execute("select count(*) from core.industrial_output where enterprise_id = ?", [E3]).fetchone()[0] == 0
        publish_period(con, dt.date(2023, 6, 1))
        publish_period(con, dt.date(2024, 6, 1))
    batch = ingest_paths(db, [register_2024])
    assert batch.refreshed.kind == "incremental"
    assert sorted({p.year for p in batch.refreshed.changed}) == [2024]
    assert [(p.period, p.new) for p in batch.republished] == [(dt.date(2024, 6, 1), True)]
    with session(db) as con:
        months = [r[0].month for r in con.execute("select period from core.industrial_output where enterprise_id = ? "
                                                  "order by period", [E3]).fetchall()]
        assert months == [4, 5, 6]
        assert con.execute("select count(distinct year) from core.register_year").fetchone()[0] == 2
        assert not publish_period(con, dt.date(2024, 6, 1)).new, "the 2024 publication was not refreshed"
    incremental = snapshot(db)
    with session(db) as con:
        build(con)
    assert snapshot(db) == incremental


def test_a_build_reads_the_typed_table_only_where_every_key_has_one_version(natural):
    """The periods the zone's corrections, re-export and late filing share with an original (2024-03
    to 2024-06) are read through the view that chooses versions; the months of 2023 and 2024-02 have
    one load each and read the typed table, with the same rows (and, here, the months a year on
    reach back into 2023 and stay on the view where they meet a shared period)."""
    from warehouse.build import model_sql, one_version

    _, _, db = natural
    name = "core.industrial_output"
    with session(db, read_only=True) as con:
        assert not one_version(con, name)                                       # a full build: every period
        assert not one_version(con, name, dt.date(2024, 3, 1), dt.date(2024, 6, 1))
        assert one_version(con, name, dt.date(2023, 2, 1), dt.date(2023, 6, 1))
        assert one_version(con, name, dt.date(2024, 2, 1), dt.date(2024, 2, 1))
        assert not one_version(con, name, dt.date(2025, 3, 1), dt.date(2025, 3, 1))   # its base month is shared
        assert one_version(con, "core.register_year")                           # one register load a year
        for lo, hi in ((dt.date(2023, 2, 1), dt.date(2023, 6, 1)), (dt.date(2024, 2, 1), dt.date(2024, 2, 1))):
            rows = [con.execute(f"select * from ({model_sql(name, lo == hi, False, typed)}) order by all",
                                {"lo": lo, "hi": hi}).fetchall() for typed in (False, True)]
            assert rows[0] == rows[1] and rows[0]


def test_a_build_leaves_out_last_years_filings_only_where_staging_has_none(natural):
    """A build of the months of a form's first year in staging has no filing a year before any of
    them and leaves its join to last year's out, with the same rows as the join that finds nothing;
    a range reaching the next year's month (where staging has one) has bases."""
    from warehouse.build import FACT_FORMS, has_bases, model_sql

    _, _, db = natural
    with session(db, read_only=True) as con:
        later = 0
        for name, form in FACT_FORMS.items():
            periods = [r[0] for r in con.execute(f"select distinct period from staging.{form.table}_typed "
                                                 "order by 1").fetchall()]
            if not periods:       # a form the zone does not file
                continue
            first = periods[0]
            year_one = (first, dt.date(first.year, 12, 1))
            assert not has_bases(con, name, *year_one), name
            rows = [con.execute(f"select * from ({model_sql(name, False, False, False, bases)}) order by all",
                                dict(zip(("lo", "hi"), year_one))).fetchall() for bases in (True, False)]
            assert rows[0] == rows[1] and rows[0], name
            based = [p for p in periods if dt.date(p.year - 1, p.month, 1) in periods]
            assert has_bases(con, name, first, periods[-1]) == bool(based) == has_bases(con, name), name
            later += bool(based)
        assert later      # the zone has a form with a month and the same month a year earlier


def test_a_table_built_before_a_later_file_of_its_form_is_built_again(tmp_path):
    """A batch builds a core table as soon as the files of its forms are in (warehouse/batch.py); a
    file of its form loaded after that leaves it outdated, and `finish` builds it again: the same
    core as a full rebuild, and a table whose forms got nothing new is not built twice."""
    from warehouse.ingest import load_file
    from warehouse.refresh import Rebuild

    files = zone_files(tmp_path / "files")
    late = [f for f in files if f.name in ("B204-1_202406.csv", "206-1_202406.csv")]
    db = tmp_path / "w.duckdb"
    ingest_paths(db, [f for f in files if f not in late and "更正" not in f.name and "补报" not in f.name
                      and "重新导出" not in f.name])
    with session(db) as con:
        rebuild = Rebuild(con)
        assert not rebuild.full
        cursor = con.cursor()
        assert load_file(cursor, late[1]).status == "loaded"          # 206-1 of June
        for name in ("core.industrial_output", "core.investment"):
            rebuild.build_table(con.cursor(), name)
        assert rebuild.current(con, "core.industrial_output") and rebuild.current(con, "core.investment")
        assert load_file(cursor, late[0]).status == "loaded"          # then B204-1 of June
        assert not rebuild.current(con, "core.industrial_output"), "June's B204-1 is not in the table built"
        assert rebuild.current(con, "core.investment")
        seen: list[str] = []
        inner = rebuild.build_table
        rebuild.build_table = lambda cur, name: (seen.append(name), inner(cur, name))[1]
        result = rebuild.finish(con)
    assert "core.industrial_output" in seen and "core.investment" not in seen
    assert result.kind == "incremental"
    assert dt.date(2024, 6, 1) in result.periods["core.industrial_output"]
    assert result.periods["core.investment"] == [dt.date(2024, 6, 1)]
    incremental = snapshot(db)
    assert any(r[1] == dt.date(2024, 6, 1) for r in incremental["core.industrial_output"])
    with session(db) as con:
        build(con)
    assert snapshot(db) == incremental


def test_a_batch_starts_a_table_once_no_file_still_loading_can_be_of_its_forms(tmp_path):
    """The batch's schedule of early builds: a table waits while a file of one of its forms, or of a
    form not known yet, still loads; a text file's form is assumed from its first lines."""
    from warehouse.batch import _EarlyBuilds
    from warehouse.refresh import Rebuild

    files = zone_files(tmp_path / "files")
    db = tmp_path / "w.duckdb"
    ingest_paths(db, files[:4])
    with session(db) as con:
        rebuild = Rebuild(con)
        plan = [(Path("a.csv"), "d1", 101), (Path("b.xlsx"), "d2", 102), (Path("c.csv"), "d1", 103)]
        early = _EarlyBuilds(con, rebuild, plan, ["B204-1", None, None])
        early._start_ready()
        assert sorted(early.pending) == sorted(rebuild.tables), "b.xlsx's form is not known: nothing starts"
        early.form_known(102, "206-1")
        # c.csv repeats a.csv's bytes (a B204-1 file as its first lines say): the tables of B204-1 wait
        assert early.pending == ["core.industrial_output", "core.investment"]
        early.done(101, "B204-1")
        assert early.pending == ["core.industrial_output", "core.investment"]
        early.done(103, None)
        assert early.pending == ["core.investment"]
        early.done(102, "206-1")
        assert early.pending == []
        early.wait()
        assert {n for n in rebuild.tables} == set(rebuild.built)


def test_a_new_warehouse_reads_its_first_files_while_it_is_declared_and_still_skips_repeats(tmp_path):
    """A batch onto a new warehouse reads its first files before the warehouse's tables exist (no
    file can have been loaded before); the same bytes twice in that batch still load once, and the
    same batch again loads nothing."""
    files = zone_files(tmp_path / "files")[:6]
    copy = tmp_path / "files" / "copy_of_first_month.csv"
    copy.write_bytes(files[2].read_bytes())
    db = tmp_path / "new" / "w.duckdb"
    first = ingest_paths(db, [*files, copy])
    assert [r.status for r in first.results] == ["loaded"] * 6 + ["skipped"]
    assert first.results[-1].load_id == first.results[2].load_id
    assert first.refreshed.kind == "full"
    ids = [r.load_id for r in first.results[:6]]
    assert ids == sorted(ids), "load ids follow the order of the files (later ids are later revisions)"
    again = ingest_paths(db, [*files, copy])
    assert {r.status for r in again.results} == {"skipped"} and again.refreshed.kind == "none"
    with session(db, read_only=True) as con:
        assert con.execute("select count(*) from audit.loads where status = 'loaded'").fetchone()[0] == 6


def test_files_loading_side_by_side_leave_duckdb_only_the_idle_threads_and_give_them_back(tmp_path):
    """While several files load at once DuckDB keeps only the threads the loads leave idle; they
    come back when fewer than two files are left, and on any exit, error or not (the setting is
    the database instance's, shared with any other connection to the file)."""
    from warehouse.batch import _threads_per_load

    def threads(con) -> int:
        return int(con.execute("select current_setting('threads')").fetchone()[0])

    with session(tmp_path / "w.duckdb") as con:
        con.execute("set threads = 4")
        with _threads_per_load(con, 2) as widen:
            assert threads(con) == 3                 # two loads on their own threads, three more
            widen()
            assert threads(con) == 4
        with pytest.raises(RuntimeError), _threads_per_load(con, 4):
            assert threads(con) == 1
            raise RuntimeError("a load failed")
        assert threads(con) == 4
        with _threads_per_load(con, 1):              # one file: DuckDB reads it on every thread
            assert threads(con) == 4
    # a batch of two files on two workers, end to end: loaded, and the instance's threads restored
    files = [write_csv(tmp_path / f"o{m}.csv", ["统一社会信用代码", "报告期", "工业总产值(当年价格)本年累计",
                                                 "工业销售产值(当年价格)本年累计"],
                       [[credit_code(1), f"2024-0{m}", 10 * m, 10 * m]]) for m in (2, 3)]
    with session(tmp_path / "v.duckdb") as holder:       # another connection to the same instance
        before = threads(holder)
        batch = ingest_paths(tmp_path / "v.duckdb", files, workers=2, today=dt.date(2025, 1, 1))
        assert [r.status for r in batch.results] == ["loaded", "loaded"]
        assert threads(holder) == before
