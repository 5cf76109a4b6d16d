"""The targets file's split rule (how the zone's target is split across industries): read and checked."""
from __future__ import annotations

import pytest

from warehouse.targets import TargetError, load_targets


def test_the_2024_targets_split_by_last_years_base_with_two_industry_overrides():
    targets = load_targets(2024)
    assert targets.split_rule == "base"
    assert targets.members[("industrial_output_growth", "power_tools")] == 10.0


def test_a_year_without_a_file_splits_by_base():
    assert load_targets(1999).split_rule == "base"


@pytest.mark.parametrize("rule, ok", [("forecast", True), ("base", True), ("equal", False)])
def test_split_rule_is_checked(tmp_path, rule, ok):
    path = tmp_path / "t.yaml"
    path.write_text(f"year: 2024\nsplit_rule: {rule}\ntargets:\n  fai_growth: {{zone: 15}}\n", encoding="utf-8")
    if ok:
        assert load_targets(2024, path).split_rule == rule
    else:
        with pytest.raises(TargetError, match="t.yaml: split_rule 'equal' is not one of"):
            load_targets(2024, path)
