"""Ingesting many files (a folder, a list) and rebuilding the derived layers once at the end."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.build import build, needs_build
from warehouse.db import session, init_schema
from warehouse.ingest import LoadResult, load_file

ACCEPTED = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet"}


@dataclass
class BatchResult:
    results: list[LoadResult] = field(default_factory=list)
    built: bool = False
    build_seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def rows_rejected(self) -> int:
        return sum(r.rows_rejected for r in self.results)

    @property
    def ok(self) -> bool:
        """False when any file failed or any row was rejected (exit code 1)."""
        return self.count("failed") == 0 and self.rows_rejected == 0


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders walked recursively; sorted so corrections load after originals."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ACCEPTED
                              and not p.name.startswith((".", "~$"))))
        else:
            out.append(path)
    return out


def ingest_paths(db_path: Path, paths: Iterable[Path], encoding: str | None = None,
                 on_file: Callable[[LoadResult], None] | None = None) -> BatchResult:
    """Load every file (each its own transaction), then rebuild staging and core if anything changed."""
    batch = BatchResult()
    with session(db_path) as con:
        init_schema(con)
        for path in expand(paths):
            result = load_file(con, path, encoding=encoding)
            batch.results.append(result)
            if on_file:
                on_file(result)
        if needs_build(con):
            batch.build_seconds = build(con)
            batch.built = True
    return batch
