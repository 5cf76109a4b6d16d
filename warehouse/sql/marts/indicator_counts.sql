-- Purpose: count indicators of the catalog (e.g. how many of the eight hardware industries grew),
-- computed from the breakdown rows another indicator already produced for the period.
-- Grain: indicator_id x window (zone only). Upstream: meta.indicators, meta.local_industries,
-- marts.indicator_values (rows of $period). Parameter: $period. An industry without filings
-- counts as not growing and marks the figure provisional.
with counts as (
    select * from meta.indicators where kind = 'count'
),

members as (
    -- every member industry of the mapping (not only those with filings): "7 of 8" needs the 8
    select
        c.indicator_id,
        w."window",
        li.id as member,
        li.label_zh,
        li.sort_order,
        v.growth_pct,
        v.status
    from counts as c
    cross join (select unnest(['ytd', 'month']) as "window") as w
    join meta.local_industries as li
        on c.member_filter is null or (c.member_filter = 'hardware' and li.hardware)
    left join marts.indicator_values as v
        on v.indicator_id = c.count_of and v.period = $period::date and v.breakdown = 'local_industry'
        and v.member = li.id and v."window" = w."window"
),

final as (
    select
        m.indicator_id,
        $period::date as period,
        m."window",
        'zone' as breakdown,
        '全区' as member,
        count(*) filter (where m.growth_pct > 0)::double as value,
        c.unit,
        null::double as current_amount,
        count(*)::double as base_amount,
        null::double as growth_pct,
        null::double as contribution_pct,
        null::double as pull_pp,
        null::double as share_of_total_pct,
        null::double as growth_2y_avg_pct,
        count(*) as n_in_scope,
        count(*) filter (where m.growth_pct is not null) as n_filed,
        count(*) filter (where m.growth_pct is not null) / nullif(count(*), 0) * 100 as coverage_pct,
        case when count(*) filter (where m.growth_pct is not null) = 0 then 'no_data'
             when bool_or(m.status is distinct from 'final') then 'provisional' else 'final' end as status,
        case when count(*) filter (where m.growth_pct > 0) < c.warn_below then 'alert'
             when count(*) filter (where m.growth_pct > 0) >= c.good_above then 'good'
             else 'normal' end as alert,
        '增长: ' || coalesce(string_agg(m.label_zh, '、' order by m.sort_order) filter (where m.growth_pct > 0), '无')
            || '; 下降: ' || coalesce(string_agg(m.label_zh || format('({:.1f}%)', m.growth_pct), '、'
                                     order by m.sort_order) filter (where m.growth_pct <= 0), '无')
            || coalesce('; 无数据: ' || string_agg(m.label_zh, '、' order by m.sort_order)
                        filter (where m.growth_pct is null), '') as detail
    from members as m
    join counts as c using (indicator_id)
    group by m.indicator_id, m."window", c.unit, c.warn_below, c.good_above
)

select * from final
