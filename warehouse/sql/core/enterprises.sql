-- Purpose: every unit the register has ever listed, with its latest attributes and the years
-- it was in scope. Grain: one row per enterprise_id. Upstream: core.register_year, and
-- staging.register_typed for the name and contacts of the same revision.
with latest as (
    select *
    from core.register_year
    qualify row_number() over (partition by enterprise_id order by year desc) = 1
),

scope_years as (
    select
        enterprise_id,
        list(year order by year) filter (where above_scale) as years_in_scope
    from core.register_year
    group by enterprise_id
),

final as (
    select
        l.enterprise_id,
        r.enterprise_name,
        l.unit_type,
        l.industry_code,
        l.local_industry,
        l.is_manufacturing,
        l.sei_flag,
        l.sei_area,
        l.land_area_mu,
        l.sub_area,
        r.contact_person,
        r.contact_phone,
        l.year as latest_register_year,
        coalesce(s.years_in_scope, []) as years_in_scope
    from latest as l
    left join scope_years as s using (enterprise_id)
    left join staging.register_typed as r
        on r._load_id = l._load_id and r._source_row = l._source_row
)

select * from final
