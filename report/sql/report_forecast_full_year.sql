-- Purpose: the full-year outlook of each forecast indicator, zone level, as of the report's
-- month: year to date, forecast full year with 80/95% bands, growth, the annual target, the
-- growth the rest of the year needs to meet it and the probability of meeting it.
-- Grain: one row per indicator (the first model by name when several were stored).
-- Key: indicator_id. Upstream: marts.zone_outlook (marts.forecast_full_year), meta.indicators. Parameter: $period.
with final as (
    select
        coalesce(i.headline, 100) as sort_order,
        o.indicator_id,
        coalesce(i.label_zh, o.indicator_id) as label_zh,
        coalesce(i.label_en, o.indicator_id) as label_en,
        coalesce(i.decimals, 1) as decimals,
        o.as_of,
        o.model,
        o.status,
        o.ytd_actual,
        o.rest_mean,
        o.full_year_mean,
        o.full_year_lo_80,
        o.full_year_hi_80,
        o.full_year_lo_95,
        o.full_year_hi_95,
        o.base_full_year,
        o.base_full_year * (1 + o.target_growth_pct / 100) as target_full_year,
        o.growth_mean_pct,
        o.growth_lo_80_pct,
        o.growth_hi_80_pct,
        o.growth_lo_95_pct,
        o.growth_hi_95_pct,
        o.target_growth_pct,
        o.required_rest_growth_pct,
        o.prob_meet_target
    from marts.zone_outlook as o
    left join meta.indicators as i using (indicator_id)
    where o.month = $period::date
)

select * from final order by sort_order, indicator_id
