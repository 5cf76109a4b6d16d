-- Purpose: the rows of raw.b203 that passed the row checks, typed and in the form unit; every revision.
-- Filled when a file is loaded (the rows of loads $first_load..$last_load), so each row is typed once.
-- Grain: one row per accepted raw row. Key: _load_id, _source_row.
-- Upstream: raw.b203, audit.rejected_rows, audit.load_columns (each money column's factor to
-- the form unit, from its header). Parameters: $first_load, $last_load.
with factors as (
    select load_id, map(list(field), list(factor)) as units
    from audit.load_columns
    where factor is not null and load_id between $first_load and $last_load
    group by load_id
),

received as (
    select r.*, f.units as _factors
    from raw.b203 as r
    anti join audit.rejected_rows as x
        on x.load_id = r._load_id and x.source_row = r._source_row
    left join factors as f
        on f.load_id = r._load_id
    where r._load_id between $first_load and $last_load
),

typed as (
    select
        upper(trim(enterprise_id)) as enterprise_id,
        zs_period(period) as period,
        zs_num(operating_revenue_ytd) * _factors['operating_revenue_ytd'] as operating_revenue_ytd,
        zs_num(operating_revenue_ytd_prior) * _factors['operating_revenue_ytd_prior'] as operating_revenue_ytd_prior,
        zs_num(operating_cost_ytd) * _factors['operating_cost_ytd'] as operating_cost_ytd,
        zs_num(rd_expense_ytd) * _factors['rd_expense_ytd'] as rd_expense_ytd,
        zs_num(rd_expense_ytd_prior) * _factors['rd_expense_ytd_prior'] as rd_expense_ytd_prior,
        zs_num(total_profit_ytd) * _factors['total_profit_ytd'] as total_profit_ytd,
        zs_num(taxes_ytd) * _factors['taxes_ytd'] as taxes_ytd,
        zs_num(avg_employees) as avg_employees,
        _load_id,
        _source_file,
        _source_row
    from received
)

select * from typed
