"""The enterprise evaluation (亩均效益 classes and TFP) of a year, into marts.enterprise_evaluation.

Set-based SQL does the inputs, value added, indicators, scores and classes
(sql/marts/evaluation_*.sql over temp tables of the configuration); the TFP estimators are numpy
and statsmodels in models/tfp.py (data in, arrays out), passed in by the caller (`estimate`).
Every year with a supplement up to the one asked is evaluated with the same configuration, so
class migration compares like with like and the ACF panel has its years. docs/evaluation.md
explains the method.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import duckdb
import numpy as np

from warehouse.db import read_sql
from warehouse.evaluation_config import EvaluationConfig, EvaluationConfigError, load_evaluation_config, stage_config
from warehouse.marts_schema import check_columns, declared_columns, ensure_marts, recreate

MART = "marts.enterprise_evaluation"


class EvaluationDataError(ValueError):
    """The warehouse lacks what the evaluation of the year needs (exit code 1)."""


@dataclass
class EvaluationResult:
    year: int
    years: list[int]
    evaluated: int          # firms of the year
    graded: int
    seconds: dict[str, float]
    acf: dict[str, tuple[float, float, int]]      # scope -> (beta_k, beta_l, firm-years)
    without_tfp: int = 0    # firms of the year without a growth-accounting TFP (VA, K or L not positive)
    not_evaluated: int = 0  # supplement rows of the year for units not above-scale industry that year (or unregistered)


def evaluation_years(con: duckdb.DuckDBPyConnection, year: int) -> list[int]:
    """Years up to `year` with an evaluation supplement; `year` itself must be one."""
    exists = con.execute("select count(*) from information_schema.tables where table_schema = 'core' "
                         "and table_name = 'evaluation_inputs'").fetchone()[0]
    years = [r[0] for r in con.execute("select distinct year from core.evaluation_inputs where year <= ? "
                                       "order by year", [year]).fetchall()] if exists else []
    if year not in years:
        raise EvaluationDataError(f"{year}年没有亩均评价补充表 no evaluation supplement for {year} in the warehouse "
                                  "(load the 亩均评价补充 file first; docs/input-format.md)")
    return years


def check_industries(con: duckdb.DuckDBPyConnection, config: EvaluationConfig) -> None:
    """Every industry the configuration names is a local industry (id or Chinese label)."""
    known = {v for row in con.execute("select id, label_zh from meta.local_industries").fetchall() for v in row}
    for section, names in (("va_ratio", config.va_ratio), ("price_index", config.price_index)):
        for name in names:
            if name != "default" and name not in known:
                raise EvaluationConfigError(f"evaluation.yaml: {section}.{name}: not a local industry of "
                                            "industries.yaml (id or label_zh)")


def score(con: duckdb.DuckDBPyConnection, config: EvaluationConfig, years: list[int]) -> None:
    """Temp tables _eval_firms, _eval_values and _eval_scores for the years."""
    check_industries(con, config)
    stage_config(con, config)
    con.execute("create or replace temp table _eval_firms as " + read_sql("marts/evaluation_firms.sql"),
                {"years": years})
    con.execute("create or replace temp table _eval_values as " + read_sql("marts/evaluation_values.sql"))
    con.execute("create or replace temp table _eval_scores as " + read_sql("marts/evaluation_scores.sql"))


def _deflator(config: EvaluationConfig, industry: np.ndarray, label: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Price index / 100 per row: the industry's (by id or Chinese label), else the default."""
    prices = config.price_index
    out = np.empty(len(year))
    for i, (ind, name, yr) in enumerate(zip(industry.tolist(), label.tolist(), year.tolist())):
        table = prices.get(ind) or prices.get(name) or prices["default"]
        if yr not in table:
            table = prices["default"]
        if yr not in table:
            raise EvaluationDataError(f"evaluation.yaml: price_index has no {yr} for {ind!r} nor in default")
        out[i] = table[yr] / 100.0
    return out


def _log(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(values > 0, np.log(np.where(values > 0, values, 1.0)), np.nan)


def _inputs(con: duckdb.DuckDBPyConnection, config: EvaluationConfig) -> dict[str, np.ndarray]:
    """The TFP inputs of _eval_firms as arrays: ids, groups and deflated logs (nan where not positive)."""
    cols = con.execute("select year, enterprise_id, local_industry, local_industry_label, value_added, "
                       "net_fixed_assets, avg_employees, labour_compensation, energy_tce, intermediate_inputs "
                       "from _eval_firms order by year, enterprise_id").fetchnumpy()
    year, industry = cols["year"].astype(int), np.asarray(cols["local_industry"])
    num = {k: np.asarray(cols[k], dtype=float) for k in ("value_added", "net_fixed_assets", "avg_employees",
                                                         "labour_compensation", "energy_tce", "intermediate_inputs")}
    deflate = _deflator(config, industry, np.asarray(cols["local_industry_label"]), year)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = num["labour_compensation"] / num["value_added"]
    proxy = num["energy_tce"] if config.tfp["panel"]["proxy"] == "energy" else num["intermediate_inputs"] / deflate
    return {"year": year, "firm": np.asarray(cols["enterprise_id"]), "industry": industry,
            "y": _log(num["value_added"] / deflate), "k": _log(num["net_fixed_assets"] / deflate),
            "l": _log(num["avg_employees"]), "m": _log(proxy), "labour_share": share}


# the TFP estimator: arrays of the firm-years in, (columns per row, estimates per scope) out;
# models.tfp.estimate, passed in by the caller (the warehouse does not import the models)
Estimator = Callable[[dict[str, np.ndarray], dict], tuple[dict[str, object], dict]]


def tfp(con: duckdb.DuckDBPyConnection, config: EvaluationConfig, estimate: Estimator) -> dict:
    """Temp table _eval_tfp from _eval_firms, by `estimate`; returns the ACF elasticities per scope."""
    import pyarrow as pa

    x = _inputs(con, config)
    columns, estimates = estimate(x, config.tfp)
    table = pa.table({"year": x["year"], "enterprise_id": x["firm"], **columns})
    con.register("_eval_tfp_arrow", table)
    con.execute("create or replace temp table _eval_tfp as select * replace ("
                "nullif(tfp_ga, 'nan'::double) as tfp_ga, nullif(tfp_alpha, 'nan'::double) as tfp_alpha, "
                "nullif(tfp_acf, 'nan'::double) as tfp_acf, nullif(acf_beta_k, 'nan'::double) as acf_beta_k, "
                "nullif(acf_beta_l, 'nan'::double) as acf_beta_l) from _eval_tfp_arrow")
    con.unregister("_eval_tfp_arrow")
    return estimates


def store(con: duckdb.DuckDBPyConnection, config: EvaluationConfig, years: list[int]) -> None:
    """Replace the mart's rows of the years, in one transaction. A mart of other columns than
    declared (sql/init/marts.sql; made by another zonestat version) is replaced whole: it is
    derived, and its years up to this one are recomputed here (later years come back with their
    own `evaluate`)."""
    body = read_sql("marts/enterprise_evaluation.sql")
    params = {"version": config.version, "evaluated_at": dt.datetime.now().replace(microsecond=0)}
    schema, table = MART.split(".")
    con.execute("begin transaction")
    try:
        ensure_marts(con)
        have = con.execute("select column_name, data_type from information_schema.columns where table_schema = ? "
                           "and table_name = ? and table_catalog = current_database() order by ordinal_position",
                           [schema, table]).fetchall()
        if tuple(have) != declared_columns(con)[MART]:
            recreate(con, MART)
        check_columns(con, MART, body, params)
        con.execute(f"delete from {MART} where list_contains(?, year)", [years])
        con.execute(f"insert into {MART} by name {body}", params)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def evaluate(con: duckdb.DuckDBPyConnection, year: int, config: EvaluationConfig | None = None, *,
             estimate: Estimator) -> EvaluationResult:
    """Evaluate `year` (and the years before it that have a supplement) into the mart; `estimate`
    is the TFP estimator (models.tfp.estimate)."""
    import time

    config = config or load_evaluation_config()
    years = evaluation_years(con, year)
    seconds, started = {}, time.perf_counter()
    score(con, config, years)
    seconds["score"] = time.perf_counter() - started
    started = time.perf_counter()
    estimates = tfp(con, config, estimate)
    seconds["tfp"] = time.perf_counter() - started
    started = time.perf_counter()
    store(con, config, years)
    seconds["store"] = time.perf_counter() - started
    evaluated, graded, without = con.execute(f"select count(*), count(*) filter (where graded), "
                                             f"count(*) filter (where tfp_ga is null) from {MART} where year = ?",
                                             [year]).fetchone()
    outside = con.execute("select count(*) from staging.evaluation_supplement where year = ? and enterprise_id not in "
                          "(select enterprise_id from _eval_firms where year = ?)", [year, year]).fetchone()[0]
    return EvaluationResult(year, years, evaluated, graded, seconds, estimates, without, outside)
