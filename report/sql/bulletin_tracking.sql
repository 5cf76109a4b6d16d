-- Purpose: the bulletin's target progress (全年目标进度): per indicator with a split target, the
-- zone and (after the split's month) each local industry, the period's year to date against the path of the latest split made on or before the
-- period in the same year, as printed: shares of the target and the gap to the path in percentage
-- points at the indicator's catalog precision, amounts in 亿元 at $amount_decimals. The gap is
-- empty in the split's own month (actual and path are the same there).
-- Grain: indicator_id x breakdown x member. Upstream: marts.target_tracking, marts.target_split, marts.target_split_in_force, meta.indicators.
-- Parameters: $period (date), $amount_decimals (integer).
with final as (
    select
        coalesce(i.headline, 100) as sort_order,
        t.indicator_id,
        t.as_of,
        t.breakdown,
        t.member_label,
        replace(i.label_zh, '增速', '') as label,
        i.decimals,
        round(t.done_pct, i.decimals) as done_pct,
        round(t.path_pct, i.decimals) as path_pct,
        case when t.period > t.as_of then round(t.gap_pp, i.decimals) end as gap_pp,
        round(t.actual_ytd / 1e4, $amount_decimals) as actual,
        round(t.path_ytd / 1e4, $amount_decimals) as path_amount,
        round(t.target_full_year / 1e4, $amount_decimals) as target_amount,
        t.status
    from marts.target_tracking as t
    join marts.target_split_in_force as f
        on f.as_of = t.as_of and f.period = $period::date   -- the split in force
    join meta.indicators as i using (indicator_id)
    where t.period = $period::date and t.actual_ytd is not null
        and (t.breakdown = 'zone' or t.period > t.as_of)
)

select * from final order by sort_order, indicator_id, breakdown desc, gap_pp, member_label
