"""The demo's view of the input contract: headers, field order and industries from config."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

# the contract as data (its YAML files), not the warehouse code: the demo imports no other part
CONFIG_DIR = Path(__file__).resolve().parents[1] / "warehouse" / "config"


@lru_cache(maxsize=1)
def forms() -> dict:
    """The `forms` section of forms.yaml, read once per process."""
    raw = yaml.safe_load((CONFIG_DIR / "forms.yaml").read_text(encoding="utf-8"))
    return raw["forms"]


@lru_cache(maxsize=1)
def industries() -> list[dict]:
    """The local industry taxonomy (industries.yaml), in file order."""
    raw = yaml.safe_load((CONFIG_DIR / "industries.yaml").read_text(encoding="utf-8"))
    return raw["industries"]


def field_names(form: str) -> list[str]:
    """Field names of a form in contract order."""
    return list(forms()[form]["fields"])


def money_fields(form: str) -> set[str]:
    """Fields of a form typed `money`."""
    return {name for name, spec in forms()[form]["fields"].items() if spec["type"] == "money"}


def header(form: str, field: str, unit: str | None = None) -> str:
    """Canonical Chinese header (first alias); money fields get a '(unit)' suffix when given."""
    text = forms()[form]["fields"][field]["aliases"][0]
    if unit and field in money_fields(form):
        text = f"{text}({unit})"
    return text


def industry_codes() -> dict[str, list[str]]:
    """Local industry label -> its GB/T 4754 class codes."""
    return {item["label_zh"]: list(item["codes"]) for item in industries()}


def hardware_labels() -> list[str]:
    """Labels of the eight traditional hardware industries."""
    return [item["label_zh"] for item in industries() if item.get("hardware")]
