-- Purpose: the register by year: who is above scale (规上/限上) in which year, with the local
-- industry resolved from the zone's mapping, and entry into scope marked.
-- Grain: one row per enterprise_id x year. Upstream: staging.register, meta.local_industries,
-- meta.industry_codes.
with register as (
    select * from staging.register
),

mapped as (
    select
        r.*,
        coalesce(given.id, by_code.local_industry, 'other') as local_industry
    from register as r
    left join meta.local_industries as given
        on r.local_industry_given in (given.id, given.label_zh, given.label_en)
    left join meta.industry_codes as by_code
        on by_code.code = r.industry_code
),

final as (
    select
        enterprise_id,
        year,
        enterprise_name,
        unit_type,
        coalesce(above_scale, false) as above_scale,
        industry_code,
        local_industry,
        coalesce(try_cast(left(industry_code, 2) as integer) between 13 and 43, false) as is_manufacturing,
        sei_flag,
        sei_area,
        land_area_mu,
        coalesce(sub_area, '未分片区') as sub_area,
        contact_person,
        contact_phone,
        coalesce(above_scale, false) and not coalesce(lag(above_scale) over (
            partition by enterprise_id order by year), false) as entered_scope,
        _load_id
    from mapped
)

select * from final
