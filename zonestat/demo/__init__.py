"""Deterministic demo data for zonestat: a development zone's registers and monthly filings."""
from zonestat.demo.generator import generate

__all__ = ["generate"]
