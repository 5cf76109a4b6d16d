-- Purpose: the rows of raw.b203 that passed the row checks, typed and in the form unit; every revision.
-- Filled when a file is loaded, from the load's rows typed once by the contract (temp table
-- _checked: text in <field>, typed value in t_<field>; warehouse/typing.py), so no row is typed
-- twice; re-derived from raw when this SQL changes (warehouse/staging.py).
-- Grain: one row per accepted raw row. Key: _load_id, _source_row.
-- Upstream: _checked (rows of raw.b203), audit.rejected_rows, audit.load_factors (each money
-- column's factor to the form unit, from its header).
-- Parameters: $first_load, $last_load.
with received as (
    select r.*, f.*
    from _checked as r
    anti join audit.rejected_rows as x
        on x.load_id = r._load_id and x.source_row = r._source_row
    left join (
        select load_id,
            units['operating_revenue_ytd'] as f_operating_revenue_ytd,
            units['operating_revenue_ytd_prior'] as f_operating_revenue_ytd_prior,
            units['operating_cost_ytd'] as f_operating_cost_ytd,
            units['rd_expense_ytd'] as f_rd_expense_ytd,
            units['rd_expense_ytd_prior'] as f_rd_expense_ytd_prior,
            units['total_profit_ytd'] as f_total_profit_ytd,
            units['taxes_ytd'] as f_taxes_ytd
        from audit.load_factors
    ) as f
        on f.load_id = r._load_id
    where r._load_id between $first_load and $last_load
),

typed as (
    select
        t_enterprise_id as enterprise_id,
        t_period as period,
        t_operating_revenue_ytd * f_operating_revenue_ytd as operating_revenue_ytd,
        t_operating_revenue_ytd_prior * f_operating_revenue_ytd_prior as operating_revenue_ytd_prior,
        t_operating_cost_ytd * f_operating_cost_ytd as operating_cost_ytd,
        t_rd_expense_ytd * f_rd_expense_ytd as rd_expense_ytd,
        t_rd_expense_ytd_prior * f_rd_expense_ytd_prior as rd_expense_ytd_prior,
        t_total_profit_ytd * f_total_profit_ytd as total_profit_ytd,
        t_taxes_ytd * f_taxes_ytd as taxes_ytd,
        t_avg_employees as avg_employees,
        _load_id,
        _source_file,
        _source_row
    from received
)

select * from typed
