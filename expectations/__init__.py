"""Great Expectations suites (hand-written JSON, one per validated table) and their config."""
from __future__ import annotations

from pathlib import Path

SUITE_DIR = Path(__file__).resolve().parent
CONFIG_FILE = SUITE_DIR / "config.yaml"


def suite_path(name: str, suite_dir: Path = SUITE_DIR) -> Path:
    """The JSON file of the suite validating staging.<name>."""
    return suite_dir / f"{name}.json"
