-- Purpose: the register by year: who is above scale (规上/限上) in which year, with the local
-- industry resolved from the zone's mapping, and entry into scope marked. Names and contacts are
-- not copied here: core.enterprises reads them from the same revision (_load_id, _source_row).
-- Grain: one row per enterprise_id x year. Upstream: staging.register, meta.local_industries,
-- meta.industry_codes.
with register as not materialized (
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

prior_year as (
    -- last year's status: three columns of the register, not all of it (a fifth cheaper to build)
    select enterprise_id, year, above_scale
    from register
),

final as (
    -- entry into scope (新进): above scale this year, not in last year's register as above scale
    select
        m.enterprise_id,
        m.year,
        m.unit_type,
        coalesce(m.above_scale, false) as above_scale,
        m.industry_code,
        m.local_industry,
        coalesce(try_cast(left(m.industry_code, 2) as integer) between 13 and 43, false) as is_manufacturing,
        m.sei_flag,
        m.sei_area,
        m.land_area_mu,
        coalesce(m.sub_area, '未分片区') as sub_area,
        coalesce(m.above_scale, false) and not coalesce(prior.above_scale, false) as entered_scope,
        m._load_id,
        m._source_row
    from mapped as m
    left join prior_year as prior
        on prior.enterprise_id = m.enterprise_id and prior.year = m.year - 1
)

select * from final
