"""Deterministic demo data for zonestat: a development zone's registers and monthly filings."""
from demo.generator import generate

__all__ = ["generate"]
