-- Purpose: growth of one growth indicator by local industry, year to date, with each industry's
-- pull on the zone's growth (拉动, percentage points; the pulls add up to the zone's growth) and
-- its contribution (贡献率). Sorted by growth, fastest first.
-- Grain: one row per local industry with figures. Key: member.
-- Upstream: marts.indicator_values, meta.local_industries. Parameters: $period, $indicator.
with by_industry as (
    select *
    from marts.indicator_values
    where indicator_id = $indicator and period = $period::date
        and breakdown = 'local_industry' and "window" = 'ytd'
),

final as (
    select
        v.member,
        coalesce(li.label_zh, v.member) as label_zh,
        coalesce(li.label_en, v.member) as label_en,
        coalesce(li.hardware, false) as hardware,
        v.growth_pct,
        v.pull_pp,
        v.contribution_pct,
        v.current_amount,
        v.base_amount,
        v.n_filed,
        v.n_in_scope,
        v.status,
        case v.status when 'final' then '正式 final' when 'provisional' then '初步 provisional'
             when 'no_data' then '无数据 no data' when 'no_base' then '无基数 no base' else v.status end as status_label
    from by_industry as v
    left join meta.local_industries as li on li.id = v.member
)

select * from final order by growth_pct desc nulls last, member
