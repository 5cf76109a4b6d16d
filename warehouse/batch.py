"""Ingesting many files (a folder, a list) and rebuilding the derived layers once at the end."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.db import init_schema, session
from warehouse.ingest import LoadResult, load_file, sha256_of
from warehouse.materialize import materialize
from warehouse.publication import Publication, republish
from warehouse.refresh import Refresh
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


def _plan(con: duckdb.DuckDBPyConnection, files: list[Path], digests: Iterable[str]) -> list[tuple[Path, str, int]]:
    """(file, sha256, reserved load id) in file order: later files get later ids (later revisions)."""
    first = con.execute("select nextval('audit.load_seq') from range(?)", [len(files)]).fetchall()
    return [(f, d, row[0]) for f, d, row in zip(files, digests, first)]


def ingest_paths(db_path: Path, paths: Iterable[Path], encoding: str | None = None,
                 on_file: Callable[[LoadResult], None] | None = None, workers: int = 2,
                 exports_dir: Path | None = None, today: dt.date | None = None) -> BatchResult:
    """Load every file (each its own transaction), then bring core up to date (only the periods
    the loads touched; warehouse/refresh.py) and re-publish the published periods they changed
    (marts, a new vintage, the Parquet export in `exports_dir` or where it was last written).

    Up to `workers` files load side by side, each on its own cursor (DuckDB runs their
    transactions concurrently; each releases the GIL while it works). A file whose bytes repeat
    an earlier file of the batch waits until the rest are in, so it is recognised and skipped.
    `today` decides which months have ended (default: today in Asia/Shanghai)."""
    paths = list(paths)
    batch = BatchResult(not_read=not_read(paths))
    contract = load_contract()
    files = expand(paths)
    with session(db_path) as con:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:   # hashlib releases the GIL:
            digests = pool.map(lambda f: sha256_of(f) if f.is_file() else "", files)   # hash meanwhile
            init_schema(con, contract)
            plan = _plan(con, files, digests)
        seen: set[str] = set()
        first_pass = [p for p in plan if not (p[1] and (p[1] in seen or seen.add(p[1])))]
        repeats = [p for p in plan if p not in first_pass]
        results: dict[int, LoadResult] = {}

        def load(item: tuple[Path, str, int]) -> LoadResult:
            path, digest, load_id = item
            cursor = con.cursor()
            try:
                return load_file(cursor, path, encoding, contract, load_id=load_id, digest=digest, today=today)
            finally:
                cursor.close()

        for group in (first_pass, repeats):
            with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                # largest first, so the workers finish together (ids already fix the revision order)
                group = sorted(group, key=lambda item: -_size(item[0]))
                futures = {pool.submit(load, item): item[2] for item in group}
                for future in as_completed(futures):
                    results[futures[future]] = result = future.result()
                    if on_file:
                        on_file(result)
        batch.results = [results[load_id] for _, _, load_id in plan]
        batch.refreshed = materialize(con, contract, declared=True)    # core, the catalog, the views
        if batch.refreshed.changed or con.execute("select count(*) from meta.pending_publication").fetchone()[0]:
            # published periods whose figures the loads changed: marts, vintage and export, now
            loaded = sorted(r.load_id for r in batch.results if r.status == "loaded")
            batch.republished = republish(con, batch.refreshed.changed, f"refresh after loads {loaded}",
                                          exports_dir)
    return batch
