-- Purpose: each enterprise's energy use by year from form 205-1: the year to date of its latest
-- filing of the year (December for a full year; `through_month` says which month it reaches,
-- so an evaluation can refuse a partial year instead of presenting it as complete).
-- A unit missing from every register stays out, as with the other forms.
-- Grain: one row per enterprise_id x year. Upstream: staging.f205_1, staging.register_typed.
with filings as (
    select *
    from staging.f205_1
    semi join staging.register_typed as e using (enterprise_id)
),

final as (
    select
        enterprise_id,
        year(period) as year,
        month(max(period)) as through_month,
        arg_max(energy_tce_ytd, period) as energy_tce,
        arg_max(electricity_ytd, period) as electricity_10k_kwh,
        arg_max(_load_id, period) as _load_id
    from filings
    group by enterprise_id, year(period)
)

select * from final
