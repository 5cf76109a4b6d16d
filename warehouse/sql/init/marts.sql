-- Purpose: the mart tables, declared: the rows a period, an as-of month or a year writes into them
-- (indicator evaluation and publication, the stored forecasts, the enterprise evaluation), so every
-- warehouse has them from its first connection, with these columns whichever step writes first.
-- Created by warehouse.db.init_schema (warehouse/marts_schema.py also brings a table made by an
-- earlier version to these columns); the mart views over them are made by warehouse.materialize.
-- One create statement per table (if not exists), which warehouse/marts_schema.py reads by name.
-- Grain and key: warehouse/registry.py.

create sequence if not exists marts.vintage_seq start 1;

-- the catalog evaluated for a period (warehouse/indicators.py)
create table if not exists marts.indicator_values (
    indicator_id varchar not null, period date not null, "window" varchar not null,
    breakdown varchar not null, member varchar not null, value double, unit varchar,
    current_amount double, base_amount double, growth_pct double, contribution_pct double,
    pull_pp double, share_of_total_pct double, growth_2y_avg_pct double, n_in_scope bigint,
    n_filed bigint, coverage_pct double, status varchar not null, alert varchar, detail varchar,
    comparable_amount double, n_without_base bigint, amount_without_base double,
    primary key (indicator_id, period, "window", breakdown, member));

-- each publication of a period's figures, and the figures it published (warehouse/publication.py)
create table if not exists marts.publications (
    vintage_id bigint primary key, period date not null, published_at timestamp not null,
    reason varchar not null, max_load_id bigint, min_coverage double, exports_dir varchar,
    export_path varchar, rows_changed integer, previous_vintage bigint);

create table if not exists marts.indicator_vintages (
    vintage_id bigint not null, indicator_id varchar not null, period date not null,
    "window" varchar not null, breakdown varchar not null, member varchar not null, value double,
    status varchar, published_at timestamp not null, loads bigint[],
    primary key (vintage_id, indicator_id, "window", breakdown, member));

-- stored forecasts a later revision reached, until they are made again (warehouse/publication.py)
create table if not exists marts.forecast_stale (
    as_of date primary key, marked_at timestamp not null, reason varchar not null);

-- the stored forecasts, per as-of month (warehouse/forecasts.py store: marts/forecast_monthly.sql,
-- marts/forecast_full_year.sql, marts/target_split.sql, and the models' backtests and choices)
create table if not exists marts.forecast_monthly (
    as_of date, indicator_id varchar, breakdown varchar, member varchar, period date, model varchar,
    reconcile_factor double, mean double, lo_80 double, hi_80 double, lo_95 double, hi_95 double);

create table if not exists marts.forecast_full_year (
    as_of date, indicator_id varchar, breakdown varchar, member varchar, measure varchar,
    ytd_actual double, rest_mean double, full_year_mean double, full_year_lo_80 double,
    full_year_hi_80 double, full_year_lo_95 double, full_year_hi_95 double, base_ytd double,
    base_full_year double, growth_mean_pct double, growth_lo_80_pct double, growth_hi_80_pct double,
    growth_lo_95_pct double, growth_hi_95_pct double, target_growth_pct double,
    required_rest_growth_pct double, prob_meet_target double, n_paths bigint, model varchar,
    status varchar);

create table if not exists marts.forecast_backtest (
    as_of date, series_id varchar, model varchar, cutoff date, period date, step bigint,
    chosen boolean, actual double, mean double, lo_80 double, hi_80 double, lo_95 double,
    hi_95 double);

create table if not exists marts.forecast_models (
    as_of date, series_id varchar, model varchar, score_mase double, calendar varchar,
    cumulative boolean, n_obs bigint, converged boolean, width_factor double,
    fallback_reason varchar, failures varchar, notes varchar);

create table if not exists marts.target_split (
    as_of date, indicator_id varchar, breakdown varchar, member varchar, split_rule varchar,
    ytd_actual double, base_ytd double, base_full_year double, full_year_mean double,
    override_growth_pct double, target_full_year double, target_share_pct double,
    target_growth_pct double, required_rest_growth_pct double, prob_meet_target double,
    n_paths bigint);

-- the enterprise evaluation of a year (warehouse/evaluation.py: marts/enterprise_evaluation.sql)
create table if not exists marts.enterprise_evaluation (
    year integer, enterprise_id varchar, local_industry varchar, industry_code varchar,
    sub_area varchar, land_area_mu double, evaluation_status varchar, graded boolean,
    not_graded_reason varchar, gross_output double, revenue double, value_added double,
    va_method varchar, rd_basis varchar, assessed_tax double, energy_tce double,
    pollutant_emissions double, avg_employees double, net_fixed_assets double, tax_per_mu double,
    va_per_mu double, va_per_energy double, va_per_emission double, labour_productivity double,
    rd_intensity double, points_tax_per_mu double, points_va_per_mu double,
    points_va_per_energy double, points_va_per_emission double, points_labour_productivity double,
    points_rd_intensity double, emissions_imputed boolean, score double, rank_zone bigint,
    graded_zone bigint, rank_industry bigint, graded_industry bigint, class varchar,
    class_in_industry varchar, class_prior_year varchar, migration varchar, tfp_ga double,
    tfp_alpha double, tfp_alpha_source varchar, tfp_ga_rank_industry bigint, tfp_acf double,
    acf_beta_k double, acf_beta_l double, acf_scope varchar, tfp_acf_rank_industry bigint,
    tfp_firms_industry bigint, config_version varchar, evaluated_at timestamp);
