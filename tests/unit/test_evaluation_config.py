"""The evaluation configuration is checked when loaded; each error names its entry (exit 2)."""
from __future__ import annotations

import pytest
import yaml

from warehouse.evaluation_config import CONFIG_DIR, EvaluationConfigError, load_evaluation_config


def _write(tmp_path, change) -> object:
    raw = yaml.safe_load((CONFIG_DIR / "evaluation.yaml").read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "evaluation.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_file_is_huangyans_formula():
    config = load_evaluation_config()
    assert [(r.id, r.weight, r.benchmark) for r in config.indicators] == [
        ("tax_per_mu", 30, 24.097), ("va_per_mu", 20, 136.16), ("va_per_energy", 20, 2.694),
        ("va_per_emission", 10, 4929.81), ("labour_productivity", 10, 18.14), ("rd_intensity", 10, 0.0302)]
    assert [(c.cls, c.share) for c in config.classes] == [("A", 0.25), ("B", 0.45), ("C", 0.25), ("D", 0.05)]


@pytest.mark.parametrize("change, entry", [
    (lambda r: r["indicators"]["va_per_mu"].update(weight=25), "indicators: weights must total 100"),
    (lambda r: r["indicators"]["tax_per_mu"].update(benchmark="county"), "indicators.tax_per_mu.benchmark"),
    (lambda r: r["indicators"]["rd_intensity"].update(cap=-1), "indicators.rd_intensity.cap"),
    (lambda r: r["indicators"].pop("va_per_energy"), "indicators: must be exactly"),
    (lambda r: r["classes"]["levels"][1].update(share=0.5), "classes.levels: shares must total 1"),
    (lambda r: r["classes"].update(method="quantile"), "classes.method"),
    (lambda r: r["classes"].update(renewal_classes=["E"]), "classes.renewal_classes"),
    (lambda r: r["va_ratio"].update({"门业": 1.4}), "va_ratio: ratios must be below 1"),
    (lambda r: r["va_ratio"].pop("default"), "va_ratio: needs a default"),
    (lambda r: r["price_index"]["储能"].update({2023: "high"}), "price_index.储能.2023"),
    (lambda r: r["tfp"].update(shares="guess"), "tfp.shares"),
    (lambda r: r["tfp"]["panel"].update(proxy="water"), "tfp.panel.proxy"),
    (lambda r: r["awards"].update(tfp_ranking="dea"), "awards.tfp_ranking"),
    (lambda r: r.update(not_graded=["closed"]), "not_graded"),
    (lambda r: r["awards"].update(va_methods=["guess"]), "awards.va_methods"),
])
def test_a_bad_entry_is_named(tmp_path, change, entry):
    with pytest.raises(EvaluationConfigError) as err:
        load_evaluation_config(_write(tmp_path, change))
    assert entry in str(err.value)
