"""Every relation of the warehouse, declared once: its kind, the module that makes it, its key, its
SQL, where its columns are declared and what it reads.

The per-form relations (raw.<form>, staging.<form>_typed and its latest-version view, the core fact
tables) follow from the input contract; the rest are listed below. `build_order()` is the order in
which `warehouse.build` makes core and the mart views, `mart_views()` the order of the views over
the mart tables, both derived from the upstream declared here (a relation after everything it
reads); warehouse.materialize makes them all in that order. tests/unit/test_registry.py checks that
every relation a warehouse holds is declared, that every SQL file of a layer belongs to one
relation, that each declared upstream is itself declared, and that making an empty warehouse
makes exactly the declared relations.

Who makes what (`made_by`; for a table with `ddl`, who writes its rows into the declared table):
- `init`: warehouse.db.init_schema (sql/init/*.sql and the raw tables from the contract);
- `load`: warehouse.staging (typed at each load into the table declared from the contract; the
  views from the contract);
- `build`: warehouse.build (core and the mart views, full or incremental);
- `catalog`: warehouse.catalog / warehouse.build.load_industry_map (the configuration as tables);
- `indicators`, `publication`, `forecast`, `evaluation`: the modules of those names, per period,
  as-of month or year, into the tables of sql/init/marts.sql; the forecast marts are stored by
  warehouse.forecasts with the results the flows bring from the models; the views over them by
  warehouse.marts_schema.ensure_views;
- `validation`: sql/init/validation.sql, written by the gate (expectations/).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from graphlib import TopologicalSorter

from warehouse.db import SQL_DIR
from warehouse.spec import Contract, load_contract


@dataclass(frozen=True)
class Relation:
    name: str                         # schema.table
    kind: str                         # table | view
    made_by: str                      # see the module docstring
    key: tuple[str, ...] = ()
    upstream: tuple[str, ...] = ()    # relations it reads (temp inputs of a step are not listed)
    sql: str | None = None            # its SQL under warehouse/sql, when it has one file of its own
    ddl: str | None = None            # where its columns are declared: a file under warehouse/sql, or
                                      # "contract" (raw and typed staging); None: made whole by its SQL


FORECAST_MARTS = ("forecast_monthly", "forecast_full_year", "forecast_backtest", "forecast_models")

_FIXED = [
    Relation("audit.loads", "table", "init", ("load_id",)),
    Relation("audit.load_columns", "table", "init", ("load_id", "position")),
    Relation("audit.load_factors", "view", "init", ("load_id",), ("audit.load_columns",)),
    Relation("audit.rejected_rows", "table", "init", ("load_id", "source_row")),
    Relation("audit.load_warnings", "table", "init"),
    Relation("audit.load_precedence", "table", "init", ("load_id",)),
    Relation("audit.validation_runs", "table", "validation", ("run_id",)),
    Relation("audit.validation_results", "table", "validation"),
    Relation("audit.validation_failures", "table", "validation"),
    Relation("audit.quarantine", "table", "validation", ("load_id", "source_row")),
    Relation("meta.builds", "table", "init"),
    Relation("meta.pending_publication", "table", "init", ("period",)),
    Relation("meta.staging_typing", "table", "init", ("table_name",)),
    Relation("meta.local_industries", "table", "catalog", ("id",)),
    Relation("meta.industry_codes", "table", "catalog", ("code",)),
    Relation("meta.indicators", "table", "catalog", ("indicator_id",)),
    Relation("core.register_year", "table", "build", ("enterprise_id", "year"),
             ("staging.register", "meta.local_industries", "meta.industry_codes"), "core/register_year.sql.j2"),
    Relation("core.enterprises", "view", "build", ("enterprise_id",), ("core.register_year", "staging.register"),
             "core/enterprises.sql"),
    Relation("core.energy_use", "view", "build", ("enterprise_id", "year"),
             ("staging.f205_1", "staging.register_typed"), "core/energy_use.sql"),
    Relation("core.evaluation_inputs", "view", "build", ("enterprise_id", "year"),
             ("staging.evaluation_supplement", "staging.register_typed"), "core/evaluation_inputs.sql"),
    Relation("marts.measure_facts", "view", "build", ("unit_id", "period", "measure"),
             ("core.industrial_output", "core.finance", "core.trade", "core.investment", "core.register_year"),
             "marts/measure_facts.sql.j2"),
    Relation("marts.scope_units", "view", "build", ("scope", "unit_id", "year"),
             ("core.register_year", "core.investment", "meta.local_industries"), "marts/scope_units.sql"),
    Relation("marts.indicator_values", "table", "indicators",
             ("indicator_id", "period", "window", "breakdown", "member"),
             ("meta.indicators", "marts.measure_facts", "marts.scope_units"), "marts/indicator_values.sql"),
    Relation("marts.briefing", "view", "indicators", ("period", "indicator_id"),
             ("marts.indicator_values", "meta.indicators"), "marts/briefing.sql"),
    Relation("marts.publications", "table", "publication", ("vintage_id",), ("marts.indicator_values",)),
    Relation("marts.indicator_vintages", "table", "publication",
             ("vintage_id", "indicator_id", "window", "breakdown", "member"), ("marts.indicator_values",)),
    Relation("marts.forecast_stale", "table", "publication", ("as_of",), ("marts.forecast_monthly",)),
    Relation("marts.forecast_monthly", "table", "forecast", ("as_of", "indicator_id", "breakdown", "member", "period"),
             ("marts.measure_facts", "meta.indicators"), "marts/forecast_monthly.sql"),
    Relation("marts.forecast_full_year", "table", "forecast", ("as_of", "indicator_id", "breakdown", "member"),
             ("marts.forecast_monthly",), "marts/forecast_full_year.sql"),
    Relation("marts.forecast_backtest", "table", "forecast", upstream=("marts.forecast_monthly",)),
    Relation("marts.forecast_models", "table", "forecast", upstream=("marts.forecast_monthly",)),
    Relation("marts.target_split", "table", "forecast", ("as_of", "indicator_id", "breakdown", "member"),
             ("marts.forecast_monthly", "marts.forecast_full_year"), "marts/target_split.sql"),
    Relation("marts.target_split_in_force", "view", "forecast", ("period",), ("marts.target_split",),
             "marts/target_split_in_force.sql"),
    Relation("marts.zone_outlook", "view", "forecast", ("month", "indicator_id"), ("marts.forecast_full_year",),
             "marts/zone_outlook.sql"),
    Relation("marts.target_tracking", "view", "forecast",
             ("as_of", "indicator_id", "breakdown", "member", "period"),
             ("marts.target_split", "meta.indicators", "meta.local_industries", "marts.measure_facts",
              "marts.indicator_values"), "marts/target_tracking.sql"),
    Relation("marts.enterprise_evaluation", "table", "evaluation", ("year", "enterprise_id"),
             ("core.register_year", "core.industrial_output", "core.finance", "core.energy_use",
              "core.evaluation_inputs"), "marts/enterprise_evaluation.sql"),
]

# SQL files a step reads that are not a relation of their own: parts of one (the evaluation's
# steps over temp tables), the inputs of a step (the forecast series and bases) and the counts
# added to indicator_values
STEP_SQL = {
    "marts/indicator_counts.sql": "marts.indicator_values",
    "marts/evaluation_firms.sql": "marts.enterprise_evaluation",
    "marts/evaluation_values.sql": "marts.enterprise_evaluation",
    "marts/evaluation_scores.sql": "marts.enterprise_evaluation",
    "marts/forecast_series.sql": "marts.forecast_monthly",
    "marts/forecast_bases.sql": "marts.forecast_monthly",
    "marts/enterprise_series.sql": "marts.forecast_monthly",
    "core/facts.sql.j2": "core (the fact table of every form with `facts`)",
    "staging/typed.sql.j2": "staging (the typed table of every form)",
}


def _per_form(contract: Contract) -> tuple[list[Relation], list[Relation]]:
    """(raw and staging of every form, the core fact tables)."""
    inputs, facts = [], []
    for form in contract.forms.values():
        raw, typed, latest = f"raw.{form.table}", f"staging.{form.table}_typed", f"staging.{form.table}"
        inputs += [Relation(raw, "table", "init", ("_load_id", "_source_row"), ddl="contract"),
                   Relation(typed, "table", "load", ("_load_id", "_source_row"),
                            (raw, "audit.rejected_rows", "audit.load_factors"), "staging/typed.sql.j2", "contract"),
                   Relation(latest, "view", "load", tuple(form.key), (typed, "audit.load_precedence"))]
        if form.facts:
            upstream = (latest, "audit.quarantine") + (("staging.register_typed",) if form.facts.in_register else ())
            facts.append(Relation(f"core.{form.facts.table}", "table", "build", (form.facts.unit_key, "period"),
                                  upstream, "core/facts.sql.j2"))
    return inputs, facts


def relations(contract: Contract | None = None) -> dict[str, Relation]:
    """Every relation of the warehouse by name, in declaration order: raw and staging from the
    contract, the register's core tables, the fact tables from the contract, then the rest; each
    table's `ddl` is the sql/init file that declares it."""
    inputs, facts = _per_form(contract or load_contract())
    register = [r for r in _FIXED if r.name in ("core.register_year", "core.enterprises")]
    rest = [r for r in _FIXED if r not in register]
    declared = declared_in()
    return {r.name: replace(r, ddl=declared[r.name]) if r.name in declared else r
            for r in inputs + register + facts + rest}


_DECLARE = re.compile(r"^create table if not exists (\w+\.\w+)", re.IGNORECASE | re.MULTILINE)


@cache
def declared_in() -> dict[str, str]:
    """schema.table -> the sql/init file whose `create table if not exists` declares it."""
    return {m.group(1): f"init/{path.name}" for path in sorted((SQL_DIR / "init").glob("*.sql"))
            for m in _DECLARE.finditer(path.read_text(encoding="utf-8"))}


def in_order(names: list[str], every: dict[str, Relation]) -> list[str]:
    """`names`, each after those of them it reads (ties in the order given)."""
    graph = {name: [u for u in every[name].upstream if u in names] for name in names}
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=names.index)
        order += ready
        sorter.done(*ready)
    return order


def build_order(contract: Contract | None = None) -> list[str]:
    """The relations warehouse.build makes, each after everything it reads (ties in declaration
    order: the contract's forms, then the list above)."""
    every = relations(contract)
    return in_order([name for name, r in every.items() if r.made_by == "build"], every)


def mart_views(contract: Contract | None = None) -> list[str]:
    """The views over the mart tables (made by warehouse.marts_schema.ensure_views once core is
    built), each after the views it reads."""
    every = relations(contract)
    return in_order([name for name, r in every.items() if r.kind == "view" and r.made_by not in ("init", "load", "build")],
                    every)
