-- Purpose: the rows of raw.b204_1 that passed the row checks, typed and in the form unit; every revision.
-- Filled when a file is loaded, from the load's rows typed once by the contract (temp table
-- _checked: text in <field>, typed value in t_<field>; warehouse/typing.py), so no row is typed
-- twice; re-derived from raw when this SQL changes (warehouse/staging.py).
-- Grain: one row per accepted raw row. Key: _load_id, _source_row.
-- Upstream: _checked (rows of raw.b204_1), audit.rejected_rows, audit.load_factors (each money
-- column's factor to the form unit, from its header).
-- Parameters: $first_load, $last_load.
with received as (
    select r.*, f.*
    from _checked as r
    anti join audit.rejected_rows as x
        on x.load_id = r._load_id and x.source_row = r._source_row
    left join (
        select load_id,
            units['gross_output_value'] as f_gross_output_value,
            units['gross_output_value_ytd'] as f_gross_output_value_ytd,
            units['gross_output_value_ytd_prior'] as f_gross_output_value_ytd_prior,
            units['sales_output_value'] as f_sales_output_value,
            units['sales_output_value_ytd'] as f_sales_output_value_ytd,
            units['export_delivery_value'] as f_export_delivery_value,
            units['export_delivery_value_ytd'] as f_export_delivery_value_ytd
        from audit.load_factors
    ) as f
        on f.load_id = r._load_id
    where r._load_id between $first_load and $last_load
),

typed as (
    select
        t_enterprise_id as enterprise_id,
        t_period as period,
        t_gross_output_value * f_gross_output_value as gross_output_value,
        t_gross_output_value_ytd * f_gross_output_value_ytd as gross_output_value_ytd,
        t_gross_output_value_ytd_prior * f_gross_output_value_ytd_prior as gross_output_value_ytd_prior,
        t_sales_output_value * f_sales_output_value as sales_output_value,
        t_sales_output_value_ytd * f_sales_output_value_ytd as sales_output_value_ytd,
        t_export_delivery_value * f_export_delivery_value as export_delivery_value,
        t_export_delivery_value_ytd * f_export_delivery_value_ytd as export_delivery_value_ytd,
        _load_id,
        _source_file,
        _source_row
    from received
)

select * from typed
