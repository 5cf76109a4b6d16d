-- Purpose: the rows of raw.f206_1 that passed the row checks, typed and in the form unit; every revision.
-- Filled when a file is loaded, from the load's rows typed once by the contract (temp table
-- _checked: text in <field>, typed value in t_<field>; warehouse/typing.py), so no row is typed
-- twice; re-derived from raw when this SQL changes (warehouse/staging.py).
-- Grain: one row per accepted raw row. Key: _load_id, _source_row.
-- Upstream: _checked (rows of raw.f206_1), audit.rejected_rows, audit.load_factors (each money
-- column's factor to the form unit, from its header).
-- Parameters: $first_load, $last_load.
with received as (
    select r.*, f.*
    from _checked as r
    anti join audit.rejected_rows as x
        on x.load_id = r._load_id and x.source_row = r._source_row
    left join (
        select load_id,
            units['planned_total_investment'] as f_planned_total_investment,
            units['completed_investment_ytd'] as f_completed_investment_ytd
        from audit.load_factors
    ) as f
        on f.load_id = r._load_id
    where r._load_id between $first_load and $last_load
),

typed as (
    select
        t_project_id as project_id,
        t_period as period,
        t_project_name as project_name,
        t_enterprise_id as enterprise_id,
        lpad(t_industry_code, 4, '0') as industry_code,
        t_planned_total_investment * f_planned_total_investment as planned_total_investment,
        t_completed_investment_ytd * f_completed_investment_ytd as completed_investment_ytd,
        t_start_date as start_date,
        t_is_manufacturing as is_manufacturing_given,
        _load_id,
        _source_file,
        _source_row
    from received
)

select * from typed
