-- Purpose: the honesty check of a stored forecast: the forecast months against what was filed
-- for them since (comparable scope of the forecast year), per indicator, zone level.
-- Grain: indicator_id. Upstream: marts.forecast_monthly, meta.indicators, _actual_series (the
-- series of the as-of month's scope, with the months after it). Parameter: $as_of.
with forecast as (
    select indicator_id, period, mean, lo_80, hi_80, lo_95, hi_95
    from marts.forecast_monthly
    where as_of = $as_of::date and breakdown = 'zone'
),

actual as (
    select indicator_id, period, value
    from _actual_series
    where breakdown = 'zone' and period > $as_of::date and year(period) = year($as_of::date)
),

paired as (
    select f.*, a.value as actual
    from forecast as f
    join actual as a using (indicator_id, period)
),

final as (
    select
        p.indicator_id,
        i.label_zh,
        count(*) as months,
        avg(abs(p.actual - p.mean) / nullif(abs(p.actual), 0)) * 100 as mape_pct,
        avg(case when p.actual between p.lo_80 and p.hi_80 then 100.0 else 0.0 end) as in_80_pct,
        avg(case when p.actual between p.lo_95 and p.hi_95 then 100.0 else 0.0 end) as in_95_pct,
        sum(p.mean) as forecast_rest,
        sum(p.actual) as actual_rest,
        (sum(p.mean) / nullif(sum(p.actual), 0) - 1) * 100 as error_pct
    from paired as p
    join meta.indicators as i using (indicator_id)
    group by all
)

select * from final order by indicator_id
