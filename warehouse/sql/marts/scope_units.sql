-- Purpose: the units each scope expects to report in a year (the denominators of coverage):
-- the register's above-scale/above-quota units, and the investment projects that reported this
-- year. Grain: scope x unit_id x year. Upstream: core.register_year, core.investment, meta.
with register as (
    select r.*, coalesce(li.hardware, false) as hardware
    from core.register_year as r
    left join meta.local_industries as li on li.id = r.local_industry
),

enterprises as (
    select
        case unit_type when 'industry' then 'industry_above_scale' when 'trade' then 'trade_above_quota' end
            as scope,
        enterprise_id as unit_id,
        year,
        null::date as first_period,
        null::date as last_period,
        is_manufacturing,
        sei_flag,
        hardware,
        local_industry,
        sub_area,
        case when sei_flag then coalesce(sei_area, '战新(未分领域)') else '非战新' end as sei_area
    from register
    where above_scale and unit_type in ('industry', 'trade')
),

projects as (
    select
        'fai_projects' as scope,
        i.project_id as unit_id,
        i.year,
        min(i.period) as first_period,
        max(i.period) as last_period,
        bool_or(i.is_manufacturing) as is_manufacturing,
        false as sei_flag,
        coalesce(bool_or(li.hardware), false) as hardware,
        coalesce(any_value(c.local_industry), 'other') as local_industry,
        '未分片区' as sub_area,
        '非战新' as sei_area
    from core.investment as i
    left join meta.industry_codes as c on c.code = i.industry_code
    left join meta.local_industries as li on li.id = c.local_industry
    where i.planned_total_investment >= 500
    group by i.project_id, i.year
),

final as (
    select * from enterprises
    union all
    select * from projects
)

select * from final
