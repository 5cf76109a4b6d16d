"""The indicator catalog is checked on load: a bad entry is named in the error."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from warehouse.catalog import CatalogError, load_catalog
from warehouse.spec import CONFIG_DIR

REAL = yaml.safe_load((CONFIG_DIR / "indicators.yaml").read_text(encoding="utf-8"))
HEADLINE_IDS = ["industrial_output_growth", "fai_growth", "manufacturing_investment_growth", "retail_sales_growth",
                "rd_expense_ratio", "rd_expense_growth", "sei_output_share", "hardware_industries_growing"]


def write(tmp_path: Path, indicators: list[dict]) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"measures": REAL["measures"], "indicators": indicators}, allow_unicode=True),
                    encoding="utf-8")
    return path


def entry(**overrides) -> dict:
    base = {"id": "x_growth", "label_zh": "某增速", "label_en": "X growth", "kind": "growth",
            "measure": "gross_output_value", "scope": "industry_above_scale", "unit": "%"}
    return {**base, **overrides}


def test_shipped_catalog_loads_with_stable_headline_ids():
    _, items = load_catalog()
    headline = sorted((i for i in items if i.headline), key=lambda i: i.headline)
    assert [i.id for i in headline] == HEADLINE_IDS


@pytest.mark.parametrize("bad, message", [
    (entry(measure="gdp"), "entry 'x_growth': unknown measure 'gdp'"),
    (entry(filters={"colour": True}), "entry 'x_growth': bad filters ['colour']"),
    (entry(kind="median"), "entry 'x_growth': kind 'median' is not one of"),
    (entry(scope="everyone"), "entry 'x_growth': scope 'everyone'"),
    (entry(kind="ratio"), "entry 'x_growth': a ratio needs a denominator"),
    (entry(breakdowns=["local_industry"]), "entry 'x_growth': breakdowns must include zone"),
    (entry(id="X-Growth"), "entry 'X-Growth': id must be snake_case"),
])
def test_bad_entries_are_named(tmp_path, bad, message):
    with pytest.raises(CatalogError) as err:
        load_catalog(write(tmp_path, [bad]))
    assert message in str(err.value)


def test_duplicate_id_is_refused(tmp_path):
    with pytest.raises(CatalogError, match="entry 'x_growth': duplicate id"):
        load_catalog(write(tmp_path, [entry(), entry()]))


def test_count_must_point_at_a_growth_indicator(tmp_path):
    count = entry(id="n_growing", kind="count", measure=None, count_of="missing", condition="growth_positive",
                  unit="个")
    with pytest.raises(CatalogError, match="entry 'n_growing': count_of must name a growth indicator"):
        load_catalog(write(tmp_path, [count]))
