"""The evaluation's business definitions (config/evaluation.yaml): loaded, checked (an error names
the entry), and staged as small temp tables the evaluation SQL joins (values as data, never
spliced into SQL)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from warehouse.spec import CONFIG_DIR, read_yaml

INDICATORS = ("tax_per_mu", "va_per_mu", "va_per_energy", "va_per_emission", "labour_productivity",
              "rd_intensity")
STATUSES = {"start_up", "construction", "utility"}
CLASS_METHODS = {"percentile", "threshold"}
SHARE_METHODS = {"income", "regression"}
PROXIES = {"energy", "intermediate"}
RANKINGS = {"growth_accounting", "acf"}
VA_METHODS = {"production", "income", "ratio"}


class EvaluationConfigError(ValueError):
    """The evaluation configuration is wrong; the message names the entry (exit code 2)."""


@dataclass(frozen=True)
class IndicatorRule:
    id: str
    label_zh: str
    unit: str
    weight: float
    benchmark: float | None      # None: the zone's own aggregate of the year
    cap: float | None


@dataclass(frozen=True)
class ClassLevel:
    cls: str
    label_zh: str
    share: float
    min_score: float | None


@dataclass(frozen=True)
class EvaluationConfig:
    version: str
    indicators: tuple[IndicatorRule, ...]
    not_graded: tuple[str, ...]
    class_method: str
    classes: tuple[ClassLevel, ...]
    renewal_classes: tuple[str, ...]
    va_ratio: dict[str, float]
    price_index: dict[str, dict[int, float]]
    tfp: dict
    awards: dict

    def ratio(self, industry: str) -> float:
        return self.va_ratio.get(industry, self.va_ratio["default"])


def _check(cond: bool, entry: str, message: str) -> None:
    if not cond:
        raise EvaluationConfigError(f"evaluation.yaml: {entry}: {message}")


def _number(value, entry: str, positive: bool = True) -> float:
    _check(isinstance(value, (int, float)) and not isinstance(value, bool), entry, f"{value!r} is not a number")
    _check(not positive or value > 0, entry, f"{value!r} must be above 0")
    return float(value)


def _indicators(raw: dict) -> tuple[IndicatorRule, ...]:
    _check(isinstance(raw, dict), "indicators", "must map indicator ids to rules")
    _check(set(raw) == set(INDICATORS), "indicators", f"must be exactly {', '.join(INDICATORS)}; "
           f"got {', '.join(raw)}")
    rules = []
    for ident in INDICATORS:
        body, entry = raw[ident], f"indicators.{ident}"
        _check(isinstance(body, dict), entry, "must be a mapping")
        bench = body.get("benchmark")
        _check(bench == "zone" or isinstance(bench, (int, float)), f"{entry}.benchmark",
               f"{bench!r} is neither a number nor 'zone'")
        cap = body.get("cap")
        rules.append(IndicatorRule(
            ident, str(body.get("label_zh") or ident), str(body.get("unit") or ""),
            _number(body.get("weight"), f"{entry}.weight", positive=False),
            None if bench == "zone" else _number(bench, f"{entry}.benchmark"),
            None if cap is None else _number(cap, f"{entry}.cap")))
    total = sum(r.weight for r in rules)
    _check(abs(total - 100) < 1e-9, "indicators", f"weights must total 100, not {total:g}")
    return tuple(rules)


def _classes(raw: dict) -> tuple[str, tuple[ClassLevel, ...], tuple[str, ...]]:
    _check(isinstance(raw, dict), "classes", "must be a mapping")
    method = raw.get("method")
    _check(method in CLASS_METHODS, "classes.method", f"{method!r} is not one of {sorted(CLASS_METHODS)}")
    levels = []
    for n, body in enumerate(raw.get("levels") or []):
        entry = f"classes.levels[{n}]"
        _check(isinstance(body, dict) and body.get("class"), entry, "needs a class")
        share = _number(body.get("share"), f"{entry}.share")
        min_score = body.get("min_score")
        last = n == len(raw["levels"]) - 1
        _check(last or method == "percentile" or min_score is not None, f"{entry}.min_score",
               "is needed by method threshold (only the last class may leave it empty)")
        levels.append(ClassLevel(str(body["class"]), str(body.get("label_zh") or body["class"]), share,
                                 None if min_score is None else _number(min_score, f"{entry}.min_score", False)))
    _check(len(levels) >= 2, "classes.levels", "needs at least two classes")
    total = sum(c.share for c in levels)
    _check(abs(total - 1) < 1e-9, "classes.levels", f"shares must total 1, not {total:g}")
    mins = [c.min_score for c in levels[:-1]]
    _check(method == "percentile" or mins == sorted(mins, reverse=True), "classes.levels",
           "min_score must fall from the first class to the last")
    renewal = tuple(raw.get("renewal_classes") or ())
    unknown = set(renewal) - {c.cls for c in levels}
    _check(not unknown, "classes.renewal_classes", f"unknown class(es) {sorted(unknown)}")
    return method, tuple(levels), renewal


def _prices(raw: dict) -> dict[str, dict[int, float]]:
    _check(isinstance(raw, dict) and isinstance(raw.get("default"), dict), "price_index.default",
           "must map years to index values")
    out = {}
    for industry, years in raw.items():
        if industry == "base_year":
            continue
        _check(isinstance(years, dict), f"price_index.{industry}", "must map years to index values")
        out[str(industry)] = {int(y): _number(v, f"price_index.{industry}.{y}") for y, v in years.items()}
    return out


def _tfp(raw: dict) -> dict:
    _check(isinstance(raw, dict), "tfp", "must be a mapping")
    _check(raw.get("shares") in SHARE_METHODS, "tfp.shares", f"{raw.get('shares')!r} is not one of {sorted(SHARE_METHODS)}")
    low, high = (raw.get("alpha_bounds") or [None, None])[:2]
    _check(0 < _number(low, "tfp.alpha_bounds") < _number(high, "tfp.alpha_bounds") < 1, "tfp.alpha_bounds",
           "must be two shares 0 < low < high < 1")
    panel = raw.get("panel") or {}
    _check(panel.get("estimator") == "acf", "tfp.panel.estimator", "only 'acf' is implemented")
    _check(panel.get("proxy") in PROXIES, "tfp.panel.proxy", f"{panel.get('proxy')!r} is not one of {sorted(PROXIES)}")
    for key in ("min_years", "min_firm_years"):
        _number(panel.get(key), f"tfp.panel.{key}")
    _number(raw.get("min_firms"), "tfp.min_firms")
    return {**raw, "alpha_bounds": (low, high), "panel": panel}


def _awards(raw: dict, classes: tuple[ClassLevel, ...]) -> dict:
    _check(isinstance(raw, dict), "awards", "must be a mapping")
    _check(raw.get("tfp_ranking") in RANKINGS, "awards.tfp_ranking", f"{raw.get('tfp_ranking')!r} is not one of "
           f"{sorted(RANKINGS)}")
    for key in ("top_per_industry", "min_industry_firms", "leaders_top"):
        _number(raw.get(key), f"awards.{key}")
    unknown = set(raw.get("classes") or []) - {c.cls for c in classes}
    _check(not unknown, "awards.classes", f"unknown class(es) {sorted(unknown)}")
    methods = raw.get("va_methods")
    _check(isinstance(methods, list) and methods and set(methods) <= VA_METHODS, "awards.va_methods",
           f"must list some of {sorted(VA_METHODS)}")
    return raw


def load_evaluation_config(path: Path = CONFIG_DIR / "evaluation.yaml") -> EvaluationConfig:
    """Read and check the file; every error names its entry."""
    try:
        raw = read_yaml(path)
    except (OSError, yaml.YAMLError) as err:
        raise EvaluationConfigError(f"{path}: cannot be read as YAML ({err})") from None
    _check(isinstance(raw, dict), str(path), "must be a mapping")
    not_graded = tuple(raw.get("not_graded") or ())
    _check(set(not_graded) <= STATUSES, "not_graded", f"statuses must be among {sorted(STATUSES)}")
    _check(raw.get("missing_emissions") == "average", "missing_emissions", "only 'average' is implemented")
    ratios = raw.get("va_ratio") or {}
    _check("default" in ratios, "va_ratio", "needs a default")
    va_ratio = {str(k): _number(v, f"va_ratio.{k}") for k, v in ratios.items()}
    _check(all(v < 1 for v in va_ratio.values()), "va_ratio", "ratios must be below 1")
    method, classes, renewal = _classes(raw.get("classes"))
    return EvaluationConfig(
        version=str(raw.get("version") or "unversioned"), indicators=_indicators(raw.get("indicators")),
        not_graded=not_graded, class_method=method, classes=classes, renewal_classes=renewal,
        va_ratio=va_ratio, price_index=_prices(raw.get("price_index")), tfp=_tfp(raw.get("tfp")),
        awards=_awards(raw.get("awards"), classes))


def stage_config(con: duckdb.DuckDBPyConnection, config: EvaluationConfig) -> None:
    """Temp tables _eval_rules, _eval_classes, _eval_va_ratio, _eval_not_graded for the SQL."""
    con.execute("create or replace temp table _eval_rules (indicator varchar, label_zh varchar, weight double, "
                "benchmark double, cap double, sort_order integer)")
    con.executemany("insert into _eval_rules values (?, ?, ?, ?, ?, ?)",
                    [[r.id, r.label_zh, r.weight, r.benchmark, r.cap, n] for n, r in enumerate(config.indicators)])
    con.execute("create or replace temp table _eval_classes (class varchar, label_zh varchar, "
                "cum_share double, min_score double, sort_order integer, method varchar)")
    cumulative, rows = 0.0, []
    for n, c in enumerate(config.classes):
        cumulative += c.share
        rows.append([c.cls, c.label_zh, min(cumulative, 1.0) if n < len(config.classes) - 1 else 1.0,
                     c.min_score if n < len(config.classes) - 1 else None, n, config.class_method])
    con.executemany("insert into _eval_classes values (?, ?, ?, ?, ?, ?)", rows)
    con.execute("create or replace temp table _eval_va_ratio (local_industry varchar, ratio double)")
    con.executemany("insert into _eval_va_ratio values (?, ?)", [[k, v] for k, v in config.va_ratio.items()])
    con.execute("create or replace temp table _eval_not_graded (status varchar)")
    con.executemany("insert into _eval_not_graded values (?)", [[s] for s in config.not_graded] or [["-"]])
