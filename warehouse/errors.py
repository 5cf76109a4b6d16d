"""Warehouse problems a user can act on. Light on purpose (no DuckDB import): the CLI catches
these to print one clear line and exit 2 instead of a traceback."""
from __future__ import annotations


class WarehouseError(RuntimeError):
    """The warehouse cannot be used as asked (busy, not a warehouse file, ...)."""


class WarehouseBusy(WarehouseError):
    """Another process holds the warehouse file (or its run lock) and did not let go in time."""


class NotAWarehouse(WarehouseError):
    """The warehouse path names something that is not a DuckDB database file."""
