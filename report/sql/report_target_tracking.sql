-- Purpose: the report's target path: month by month from the split's as-of month to December, the
-- cumulative amount the zone must reach to stay on course for its target (marts.target_tracking),
-- and for the months filed so far, up to the report's month, the actual against it.
-- Grain: indicator_id x breakdown x member x period (zone, and each industry at the report's month).
-- Upstream: marts.target_tracking, marts.target_split, marts.target_split_in_force, meta.indicators. Parameter: $period.
with final as (
    select
        coalesce(i.headline, 100) as sort_order,
        t.as_of,
        t.indicator_id,
        coalesce(i.label_zh, t.indicator_id) as label_zh,
        coalesce(i.decimals, 1) as decimals,
        t.breakdown,
        t.member,
        t.member_label,
        t.period,
        t.target_full_year,
        t.path_ytd,
        t.path_month,
        t.path_pct,
        case when t.period <= $period::date then t.actual_ytd end as actual_ytd,
        case when t.period <= $period::date then t.done_pct end as done_pct,
        case when t.period <= $period::date and t.period > t.as_of then t.gap_pp end as gap_pp
    from marts.target_tracking as t
    join marts.target_split_in_force as f
        on f.as_of = t.as_of and f.period = $period::date   -- the split in force
    left join meta.indicators as i using (indicator_id)
    where t.breakdown = 'zone' or t.period = $period::date
)

select * from final order by sort_order, indicator_id, breakdown desc, member, period
