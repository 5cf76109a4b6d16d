-- Purpose: the rows of raw.register that passed the row checks, typed; every revision.
-- Filled when a file is loaded (the rows of loads $first_load..$last_load), so each row is typed once.
-- Grain: one row per accepted raw row. Key: _load_id, _source_row.
-- Upstream: raw.register, audit.rejected_rows. Parameters: $first_load, $last_load.
with received as (
    select r.*
    from raw.register as r
    anti join audit.rejected_rows as x
        on x.load_id = r._load_id and x.source_row = r._source_row
    where r._load_id between $first_load and $last_load
),

typed as (
    select
        upper(trim(enterprise_id)) as enterprise_id,
        trim(enterprise_name) as enterprise_name,
        zs_year(year) as year,
        case
            when lower(trim(unit_type)) in ('工业', 'industry', 'industrial', '规上工业') then 'industry'
            when lower(trim(unit_type)) in ('批零', '批发', '零售', '批发和零售业', 'trade', '限上批零') then 'trade'
            else lower(trim(unit_type))
        end as unit_type,
        zs_bool(above_scale) as above_scale,
        lpad(trim(industry_code), 4, '0') as industry_code,
        nullif(trim(local_industry), '') as local_industry_given,
        coalesce(zs_bool(sei_flag), false) as sei_flag,
        nullif(trim(sei_area), '') as sei_area,
        zs_num(land_area_mu) as land_area_mu,
        nullif(trim(sub_area), '') as sub_area,
        nullif(trim(contact_person), '') as contact_person,
        nullif(trim(contact_phone), '') as contact_phone,
        _load_id,
        _source_file,
        _source_row
    from received
)

select * from typed
