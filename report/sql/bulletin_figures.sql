-- Purpose: every figure the written bulletin (统计月报) may quote for one period, rounded as it is
-- printed: each catalog indicator's year-to-date value at zone and local-industry level, rounded
-- to the indicator's catalog precision (meta.indicators.decimals), its year-to-date amount in
-- 亿元 (rounded to $amount_decimals), and whether the figure is final or provisional.
-- Grain: indicator_id x breakdown x member. Key: those three, for $period.
-- Upstream: marts.indicator_values, meta.indicators, meta.local_industries.
-- Parameters: $period (date), $amount_decimals (integer).
with ytd as (
    select *
    from marts.indicator_values
    where period = $period::date and "window" = 'ytd' and breakdown in ('zone', 'local_industry')
),

final as (
    select
        v.indicator_id,
        v.breakdown,
        v.member,
        case v.breakdown when 'zone' then '全区' else coalesce(li.label_zh, v.member) end as member_label,
        coalesce(li.hardware, false) as hardware,
        i.kind,
        i.unit,
        i.decimals,
        round(v.value, i.decimals) as value,
        round(v.current_amount / 1e4, $amount_decimals) as amount_yi,
        v.status
    from ytd as v
    join meta.indicators as i using (indicator_id)
    left join meta.local_industries as li on v.breakdown = 'local_industry' and li.id = v.member
)

select * from final order by indicator_id, breakdown, member
