"""Annual targets (年度目标) from a versioned file: growth in percent per indicator and member."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


from warehouse.spec import CONFIG_DIR, read_yaml

TARGET_DIR = CONFIG_DIR / "targets"
SPLIT_RULES = ("base", "forecast")   # how the zone's target is split across local industries


class TargetError(ValueError):
    """The targets file is missing or malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Targets:
    year: int
    zone: dict[str, float] = field(default_factory=dict)
    members: dict[tuple[str, str], float] = field(default_factory=dict)
    split_rule: str = "base"

    def growth_pct(self, indicator_id: str, breakdown: str, member: str) -> float | None:
        """A member's own target, else none (the zone target is the zone's, not every industry's)."""
        if breakdown == "zone":
            return self.zone.get(indicator_id)
        return self.members.get((indicator_id, member))


def load_targets(year: int, path: Path | None = None) -> Targets:
    """targets/<year>.yaml (or `path`); a year without a file has no targets (probabilities left empty)."""
    path = Path(path) if path else TARGET_DIR / f"{year}.yaml"
    if not path.exists():
        if path.parent == TARGET_DIR:
            return Targets(year)
        raise TargetError(f"{path}: no such targets file")
    raw = read_yaml(path) or {}
    if int(raw.get("year", year)) != year:
        raise TargetError(f"{path.name}: holds targets for {raw.get('year')}, not {year}")
    split_rule = str(raw.get("split_rule", "base"))
    if split_rule not in SPLIT_RULES:
        raise TargetError(f"{path.name}: split_rule {split_rule!r} is not one of {list(SPLIT_RULES)}")
    zone, members = {}, {}
    for indicator, entry in (raw.get("targets") or {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("zone", 0), (int, float)):
            raise TargetError(f"{path.name}: target {indicator!r} must be a mapping with a numeric 'zone'")
        if "zone" in entry:
            zone[indicator] = float(entry["zone"])
        for member, value in (entry.get("members") or {}).items():
            members[(indicator, str(member))] = float(value)
    return Targets(year, zone, members, split_rule)
