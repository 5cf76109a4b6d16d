-- Purpose: the monthly forecast path behind each full-year outlook (zone level, the same model):
-- the months after the report's month to December, mean and 80/95% bands, 万元.
-- Grain: one row per indicator x month. Key: indicator_id, period.
-- Upstream: marts.forecast_monthly, marts.forecast_full_year. Parameter: $period.
with chosen as (
    select indicator_id, model
    from marts.forecast_full_year
    where date_trunc('month', as_of)::date = $period::date and breakdown = 'zone'
    qualify row_number() over (partition by indicator_id order by model) = 1
),

final as (
    select m.indicator_id, m.period, m.mean, m.lo_80, m.hi_80, m.lo_95, m.hi_95
    from marts.forecast_monthly as m
    join chosen as c using (indicator_id, model)
    where date_trunc('month', m.as_of)::date = $period::date and m.breakdown = 'zone'
        and m.period > $period::date
)

select * from final order by indicator_id, period
