"""Ingesting many files (a folder, a list) and rebuilding the derived layers once at the end."""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.db import init_schema, session
from warehouse.ingest import LoadResult, load_file, sha256_of
from warehouse.layout import locate
from warehouse.materialize import materialize
from warehouse.publication import Publication, republish
from warehouse.readers import peek_form
from warehouse.refresh import Rebuild, Refresh
from warehouse.spec import load_contract

# names a folder holds that are not filings: listed as not read, with the reason, never loaded
_NOT_FILINGS = {"thumbs.db": "a Windows thumbnail cache", "desktop.ini": "a Windows folder setting",
                ".ds_store": "a macOS folder setting"}


@dataclass
class BatchResult:
    results: list[LoadResult] = field(default_factory=list)
    refreshed: Refresh = field(default_factory=Refresh)
    republished: list[Publication] = field(default_factory=list)
    not_read: list[tuple[Path, str]] = field(default_factory=list)   # (file, why it is not a filing)

    @property
    def built(self) -> bool:
        return self.refreshed.kind != "none"

    @property
    def build_seconds(self) -> float:
        return self.refreshed.seconds

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def rows_rejected(self) -> int:
        return sum(r.rows_rejected for r in self.results)

    @property
    def ok(self) -> bool:
        """False when any file failed or any row was rejected (exit code 1)."""
        return self.count("failed") == 0 and self.rows_rejected == 0


def not_a_filing(path: Path) -> str | None:
    """Why a file met in a folder is not a filing (a lock, cache or hidden file), or None."""
    name = path.name.lower()
    if name.startswith("~$"):
        return "an Office lock file: the workbook is open in Excel (文件正被Excel打开); its saved copy is read"
    if name in _NOT_FILINGS:
        return _NOT_FILINGS[name]
    if name.startswith("."):
        return "a hidden file"
    return None


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders walked recursively; sorted so corrections load after originals.
    Every file of a folder is returned, whatever its type: one that is not a CSV, XLSX, XLS or
    Parquet file is refused by its load, named, with the reason (nothing is skipped silently);
    lock, cache and hidden files are listed by `not_read`."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and not not_a_filing(p)))
        else:
            out.append(path)
    return out


def not_read(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """The files in the given folders that are not filings, with the reason."""
    return [(p, why) for path in map(Path, paths) if path.is_dir()
            for p in sorted(path.rglob("*")) if p.is_file() and (why := not_a_filing(p))]


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0


def _made(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse is declared already (it may hold loads), or is being made."""
    return con.execute("select count(*) from duckdb_tables() where schema_name = 'audit' and "
                       "table_name = 'loads'").fetchone()[0] > 0


def _plan(con: duckdb.DuckDBPyConnection, files: list[Path], digests: Iterable[str]) -> list[tuple[Path, str, int]]:
    """(file, sha256, reserved load id) in file order: later files get later ids (later revisions)."""
    first = con.execute("select nextval('audit.load_seq') from range(?)", [len(files)]).fetchall()
    return [(f, d, row[0]) for f, d, row in zip(files, digests, first)]


class _EarlyBuilds:
    """Builds each core table while the batch's other files load, as soon as no file still loading
    can be of a form the table reads. A file's form is known once its load has matched its header
    (load_file's `on_form`) or is done (None: it brought no rows); before that it is assumed from
    its first lines (readers.peek_form: a text file, a workbook of up to a few MiB). Each table
    builds on a cursor of its own; `Rebuild.finish` builds again any table a later load of its
    forms outdated, so starting early never changes what core holds, only when it is ready."""

    def __init__(self, con: duckdb.DuckDBPyConnection, rebuild: Rebuild, plan: list[tuple[Path, str, int]],
                 hints: list[str | None]) -> None:
        self.con, self.rebuild = con, rebuild
        self.waiting = {load_id for _, _, load_id in plan}      # files not done
        first: dict[str, int] = {}
        # a file repeating the bytes of an earlier one of the batch is of the same form
        self.twin = {load_id: first.setdefault(digest, load_id) for _, digest, load_id in plan if digest}
        # the form a file's first lines name (readers.peek_form): assumed until its load says
        self.hints = {load_id: hint for (_, _, load_id), hint in zip(plan, hints) if hint}
        self.forms: dict[int, str | None] = {}
        self.pending = list(rebuild.tables)
        self.futures: list[Future] = []
        # a thread per table: a table ready waits for no other (DuckDB shares its own threads among them)
        self.pool = ThreadPoolExecutor(max_workers=max(1, len(self.pending)), thread_name_prefix="zonestat-build")
        self.lock = threading.Lock()

    def form_known(self, load_id: int, code: str | None) -> None:
        with self.lock:
            self.forms[load_id] = code
            self._start_ready()

    def done(self, load_id: int, code: str | None) -> None:
        with self.lock:
            self.forms[load_id] = code
            self.waiting.discard(load_id)
            self._start_ready()

    def _form(self, load_id: int, unknown: object) -> object:
        """The file's form as its load told it, else its twin's, else as its (or its twin's) first
        lines name it; `unknown` when none of these is known yet."""
        twin = self.twin.get(load_id, load_id)
        for known, key in ((self.forms, load_id), (self.forms, twin), (self.hints, load_id), (self.hints, twin)):
            if key in known:
                return known[key]
        return unknown

    def _start_ready(self) -> None:
        unknown = object()
        forms = {self._form(lid, unknown) for lid in self.waiting}
        for name in list(self.pending):
            if unknown not in forms and not forms & self.rebuild.inputs[name]:
                self.pending.remove(name)
                self.futures.append(self.pool.submit(self._build, name))

    def _build(self, name: str) -> None:
        cursor = self.con.cursor()
        try:
            self.rebuild.build_table(cursor, name)
        finally:
            cursor.close()

    def wait(self) -> None:
        """Every table started has been built (or its error is raised)."""
        self.pool.shutdown(wait=True)
        for future in self.futures:
            future.result()


@contextmanager
def _threads_per_load(con: duckdb.DuckDBPyConnection, side_by_side: int) -> Iterator[Callable[[], None]]:
    """While `side_by_side` files load at once, DuckDB keeps only the threads the loads leave idle:
    each load runs its statements on its own thread, and DuckDB's worker threads beyond the cores
    would only compete with them (on 2 cores, none; a new warehouse's files 5-12% less wall time
    and CPU in three of four alternating sets, a month 8% in one set and nothing in another:
    docs/scaling.md, "DuckDB's threads while files load side by side"). Yields `widen`, which gives
    DuckDB its threads back (for the last file's parallel read, the builds, the refresh); on exit
    they are given back whatever happened, the setting being the database instance's."""
    cores = int(con.execute("select current_setting('threads')").fetchone()[0])
    threads = max(1, cores - side_by_side + 1)    # each load's own thread and these fill the cores
    narrowed = side_by_side > 1 and threads < cores
    if narrowed:
        con.execute(f"set threads = {threads}")

    def widen() -> None:
        nonlocal narrowed
        if narrowed:
            narrowed = False
            con.execute(f"set threads = {cores}")

    try:
        yield widen
    finally:
        widen()


def ingest_paths(db_path: Path, paths: Iterable[Path], encoding: str | None = None,
                 on_file: Callable[[LoadResult], None] | None = None, workers: int = 2,
                 exports_dir: Path | None = None, today: dt.date | None = None) -> BatchResult:
    """Load every file (each its own transaction), then bring core up to date (only the periods
    the loads touched; warehouse/refresh.py) and re-publish the published periods they changed
    (marts, a new vintage, the Parquet export in `exports_dir`, else where it was last written).

    Up to `workers` files load side by side, each on its own cursor (DuckDB runs their
    transactions concurrently; each releases the GIL while it works), and DuckDB keeps only the
    threads they leave idle until fewer than two are left (_threads_per_load). The first files are
    read while the warehouse is declared (a new one holds no load, so they need not look for theirs);
    each waits for that before its transaction. A file whose bytes repeat an earlier file of the
    batch waits until the rest are in, so it is recognised and skipped.
    With more than one worker, each core table is built as soon as the files of the forms it
    reads are in, while the others still load (_EarlyBuilds); the refresh then finishes the rest.
    `today` decides which months have ended (default: today in Asia/Shanghai)."""
    paths = list(paths)
    batch = BatchResult(not_read=not_read(paths))
    contract = load_contract()
    files = expand(paths)
    with session(db_path) as con, _threads_per_load(con, min(workers, len(files))) as widen:
        made = _made(con)
        peeks = ThreadPoolExecutor(max_workers=1)      # while the first files load

        def hint(path: Path) -> str | None:
            """A file's form as its first lines name it: scheduling only, so never an error."""
            try:
                return peek_form(path, encoding, lambda rows: locate(rows, contract)) if workers > 1 else None
            except Exception:       # noqa: BLE001 - the load reads the file and names any problem
                return None

        hints = peeks.map(hint, files)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:   # hashlib releases the GIL
            digests = list(pool.map(lambda f: sha256_of(f) if f.is_file() else "", files))
        seen: set[str] = set()
        first_pass = [i for i, d in enumerate(digests) if not (d and (d in seen or seen.add(d)))]
        repeats = sorted(set(range(len(files))) - set(first_pass))
        repeated = set(repeats)
        results: dict[int, LoadResult] = {}
        # the first files are read while the warehouse is declared and their load ids reserved
        # (`declared`); each then waits for that before its transaction
        declared, ids, state = threading.Event(), {}, {}

        def reserved(i: int) -> int:
            declared.wait()
            if i not in ids:
                raise RuntimeError("the warehouse was not declared: no load id")   # declaring raised
            return ids[i]

        def form_known(i: int, code: str) -> None:
            if state.get("early"):
                state["early"].form_known(ids[i], code)

        def load(i: int) -> LoadResult:
            cursor = con.cursor()
            try:
                # a warehouse being made holds no load: its first files need not look for theirs
                return load_file(cursor, files[i], encoding, contract, load_id=lambda: reserved(i), digest=digests[i],
                                 today=today, on_form=lambda code: form_known(i, code),
                                 check_loaded=made or i in repeated)
            finally:
                cursor.close()

        try:
            for group in (first_pass, repeats):
                with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                    # largest first, so the workers finish together (ids fix the revision order)
                    futures = {pool.submit(load, i): i for i in sorted(group, key=lambda i: -_size(files[i]))}
                    if not declared.is_set():
                        try:
                            init_schema(con, contract)
                            rebuild = Rebuild(con, contract)
                            plan = _plan(con, files, digests)
                            ids.update({i: load_id for i, (_, _, load_id) in enumerate(plan)})
                            if workers > 1:
                                state["early"] = _EarlyBuilds(con, rebuild, plan, list(hints))
                        finally:
                            declared.set()
                            peeks.shutdown(wait=False)
                    early = state.get("early")
                    for future in as_completed(futures):
                        results[futures[future]] = result = future.result()
                        if len(files) - len(results) < 2:
                            widen()
                        if early:
                            early.done(ids[futures[future]], result.form if result.status == "loaded" else None)
                        if on_file:
                            on_file(result)
        except BaseException:
            if state.get("early"):   # no build left running on the connection, none started after a failure
                state["early"].pool.shutdown(wait=True, cancel_futures=True)
            raise
        early = state.get("early")
        if early:
            early.wait()
        batch.results = [results[i] for i in range(len(files))]
        # core (what the early builds left), the catalog, the views
        batch.refreshed = materialize(con, contract, declared=True, rebuild=rebuild, workers=3 if workers > 1 else 1)
        if batch.refreshed.changed or con.execute("select count(*) from meta.pending_publication").fetchone()[0]:
            # published periods whose figures the loads changed: marts, vintage and export, now
            loaded = sorted(r.load_id for r in batch.results if r.status == "loaded")
            batch.republished = republish(con, batch.refreshed.changed, f"refresh after loads {loaded}",
                                          exports_dir)
    return batch
