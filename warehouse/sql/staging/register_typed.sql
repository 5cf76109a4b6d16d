-- Purpose: the rows of raw.register that passed the row checks, typed; every revision.
-- Filled when a file is loaded, from the load's rows typed once by the contract (temp table
-- _checked: text in <field>, typed value in t_<field>; warehouse/typing.py), so no row is typed
-- twice; re-derived from raw when this SQL changes (warehouse/staging.py).
-- Grain: one row per accepted raw row. Key: _load_id, _source_row.
-- Upstream: _checked (rows of raw.register), audit.rejected_rows.
-- Parameters: $first_load, $last_load.
with received as (
    select r.*
    from _checked as r
    anti join audit.rejected_rows as x
        on x.load_id = r._load_id and x.source_row = r._source_row
    where r._load_id between $first_load and $last_load
),

typed as (
    select
        t_enterprise_id as enterprise_id,
        t_enterprise_name as enterprise_name,
        t_year as year,
        case
            when lower(t_unit_type) in ('工业', 'industry', 'industrial', '规上工业') then 'industry'
            when lower(t_unit_type) in ('批零', '批发', '零售', '批发和零售业', 'trade', '限上批零') then 'trade'
            else lower(t_unit_type)
        end as unit_type,
        t_above_scale as above_scale,
        lpad(t_industry_code, 4, '0') as industry_code,
        t_local_industry as local_industry_given,
        coalesce(t_sei_flag, false) as sei_flag,
        t_sei_area as sei_area,
        t_land_area_mu as land_area_mu,
        t_sub_area as sub_area,
        t_contact_person as contact_person,
        t_contact_phone as contact_phone,
        _load_id,
        _source_file,
        _source_row
    from received
)

select * from typed
