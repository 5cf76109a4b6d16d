-- Purpose: the report's target split: the zone's annual target of each forecast indicator split
-- across local industries (marts.target_split), from the latest split made on or before the
-- report's month in the same year: share, full-year target, the growth it implies, the growth the
-- rest of the year needs and the probability of meeting it. The zone row first.
-- Grain: indicator_id x member. Upstream: marts.target_split, marts.target_split_in_force, meta.indicators, meta.local_industries.
-- Parameter: $period.
with final as (
    select
        coalesce(i.headline, 100) as sort_order,
        s.as_of,
        s.indicator_id,
        coalesce(i.label_zh, s.indicator_id) as label_zh,
        coalesce(i.decimals, 1) as decimals,
        s.breakdown,
        s.member,
        case s.breakdown when 'zone' then '全区' else coalesce(li.label_zh, s.member) end as member_label,
        case s.split_rule when 'forecast' then '按预测 forecast' else '按上年基数 base' end as rule_label,
        s.override_growth_pct,
        s.base_full_year,
        s.target_full_year,
        s.target_share_pct,
        s.target_growth_pct,
        s.required_rest_growth_pct,
        s.prob_meet_target
    from marts.target_split as s
    join marts.target_split_in_force as f
        on f.as_of = s.as_of and f.period = $period::date   -- the split in force
    left join meta.indicators as i using (indicator_id)
    left join meta.local_industries as li on s.breakdown = 'local_industry' and li.id = s.member
)

select * from final order by sort_order, indicator_id, breakdown desc, target_share_pct desc
