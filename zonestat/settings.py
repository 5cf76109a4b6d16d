"""Environment settings: one object read from environment variables, with working defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Where zonestat keeps its state. Two different homes never share anything."""

    home: Path
    db_path: Path

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def demo_dir(self) -> Path:
        return self.home / "demo"

    def ensure_dirs(self) -> None:
        for path in (self.home, self.inbox, self.exports, self.reports, self.db_path.parent):
            path.mkdir(parents=True, exist_ok=True)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read ZONESTAT_HOME (default ./data) and ZONESTAT_DB (default HOME/warehouse.duckdb)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("ZONESTAT_HOME") or "data").expanduser().resolve()
    db = env.get("ZONESTAT_DB")
    db_path = Path(db).expanduser().resolve() if db else home / "warehouse.duckdb"
    return Settings(home=home, db_path=db_path)
