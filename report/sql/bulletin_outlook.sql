-- Purpose: the bulletin's outlook (全年预测) per forecast indicator at zone level, as printed:
-- year to date and projected full year in 亿元 (rounded to $amount_decimals), projected growth
-- with its 80% range, the annual target and the growth the rest of the year needs, rounded to
-- the indicator's catalog precision, and the probability of meeting the target in whole percent.
-- Grain: one row per forecast indicator (the first model by name when several were stored).
-- Key: indicator_id. Upstream: marts.zone_outlook (marts.forecast_full_year), meta.indicators.
-- Parameters: $period (date), $amount_decimals (integer).
with final as (
    select
        coalesce(i.headline, 100) as sort_order,
        o.indicator_id,
        coalesce(i.label_zh, o.indicator_id) as label_zh,
        replace(coalesce(i.label_zh, o.indicator_id), '增速', '') as amount_label,
        coalesce(i.decimals, 1) as decimals,
        round(o.ytd_actual / 1e4, $amount_decimals) as ytd_yi,
        round(o.full_year_mean / 1e4, $amount_decimals) as full_year_yi,
        round(o.growth_mean_pct, coalesce(i.decimals, 1)) as growth,
        round(o.growth_lo_80_pct, coalesce(i.decimals, 1)) as growth_lo_80,
        round(o.growth_hi_80_pct, coalesce(i.decimals, 1)) as growth_hi_80,
        round(o.target_growth_pct, coalesce(i.decimals, 1)) as target,
        round(o.required_rest_growth_pct, coalesce(i.decimals, 1)) as required,
        round(o.prob_meet_target * 100, 0) as prob,
        o.status
    from marts.zone_outlook as o
    left join meta.indicators as i using (indicator_id)
    where o.month = $period::date
)

select * from final order by sort_order, indicator_id
