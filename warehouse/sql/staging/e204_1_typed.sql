-- Purpose: the rows of raw.e204_1 that passed the row checks, typed and in the form unit; every revision.
-- Filled when a file is loaded, from the load's rows typed once by the contract (temp table
-- _checked: text in <field>, typed value in t_<field>; warehouse/typing.py), so no row is typed
-- twice; re-derived from raw when this SQL changes (warehouse/staging.py).
-- Grain: one row per accepted raw row. Key: _load_id, _source_row.
-- Upstream: _checked (rows of raw.e204_1), audit.rejected_rows, audit.load_factors (each money
-- column's factor to the form unit, from its header).
-- Parameters: $first_load, $last_load.
with received as (
    select r.*, f.*
    from _checked as r
    anti join audit.rejected_rows as x
        on x.load_id = r._load_id and x.source_row = r._source_row
    left join (
        select load_id,
            units['goods_sales'] as f_goods_sales,
            units['goods_sales_ytd'] as f_goods_sales_ytd,
            units['goods_sales_ytd_prior'] as f_goods_sales_ytd_prior,
            units['retail_sales'] as f_retail_sales,
            units['retail_sales_ytd'] as f_retail_sales_ytd,
            units['retail_sales_ytd_prior'] as f_retail_sales_ytd_prior
        from audit.load_factors
    ) as f
        on f.load_id = r._load_id
    where r._load_id between $first_load and $last_load
),

typed as (
    select
        t_enterprise_id as enterprise_id,
        t_period as period,
        t_goods_sales * f_goods_sales as goods_sales,
        t_goods_sales_ytd * f_goods_sales_ytd as goods_sales_ytd,
        t_goods_sales_ytd_prior * f_goods_sales_ytd_prior as goods_sales_ytd_prior,
        t_retail_sales * f_retail_sales as retail_sales,
        t_retail_sales_ytd * f_retail_sales_ytd as retail_sales_ytd,
        t_retail_sales_ytd_prior * f_retail_sales_ytd_prior as retail_sales_ytd_prior,
        _load_id,
        _source_file,
        _source_row
    from received
)

select * from typed
