"""`zonestat --help` (and a command's --help) stays fast: it imports none of the heavy libraries."""
from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("great_expectations", "statsmodels", "prefect", "pandas", "pyarrow", "duckdb")


@pytest.mark.parametrize("args", [["--help"], ["query", "--help"], ["ingest", "--help"],
                                  ["bulletin", "--help"], ["evaluate", "--help"]])
def test_help_imports_no_heavy_library(args):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "zonestat", *args], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert imported.isdisjoint(HEAVY), sorted(imported & set(HEAVY))
