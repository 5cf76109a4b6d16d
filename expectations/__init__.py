"""The validation part (审核): the Great Expectations suites (hand-written JSON, one per validated
table), their config, and the gate that runs them with the SQL edit checks over one period of
staging: results in audit.validation_*, critically failing rows quarantined out of core, a page per
run. Entry point: expectations.gate.run_gate. It reads and writes the warehouse through
warehouse.db; the warehouse never imports it."""
from __future__ import annotations

from pathlib import Path

SUITE_DIR = Path(__file__).resolve().parent
CONFIG_FILE = SUITE_DIR / "config.yaml"


def suite_path(name: str, suite_dir: Path = SUITE_DIR) -> Path:
    """The JSON file of the suite validating staging.<name>."""
    return suite_dir / f"{name}.json"


SQL_DIR = SUITE_DIR / "sql"     # the SQL edit checks (checks/) and the queries of the run pages (reports/)


def read_sql(relative: str) -> str:
    """A SQL file of the validation part (expectations/sql/<relative>)."""
    from warehouse.db import read_sql as read

    return read(relative, SQL_DIR)


def render_sql(relative: str, **context: object) -> str:
    """A SQL template of the validation part, rendered (warehouse.db.render_sql's rules)."""
    from warehouse.db import render_sql as render

    return render(relative, SQL_DIR, **context)
