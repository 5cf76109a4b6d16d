-- Purpose: the rows of raw.e204_1 that passed the row checks, typed and in the form unit; every revision.
-- Filled when a file is loaded (the rows of loads $first_load..$last_load), so each row is typed once.
-- Grain: one row per accepted raw row. Key: _load_id, _source_row.
-- Upstream: raw.e204_1, audit.rejected_rows, audit.load_columns (each money column's factor to
-- the form unit, from its header). Parameters: $first_load, $last_load.
with factors as (
    select load_id, map(list(field), list(factor)) as units
    from audit.load_columns
    where factor is not null and load_id between $first_load and $last_load
    group by load_id
),

received as (
    select r.*, f.units as _factors
    from raw.e204_1 as r
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
        zs_num(goods_sales) * _factors['goods_sales'] as goods_sales,
        zs_num(goods_sales_ytd) * _factors['goods_sales_ytd'] as goods_sales_ytd,
        zs_num(goods_sales_ytd_prior) * _factors['goods_sales_ytd_prior'] as goods_sales_ytd_prior,
        zs_num(retail_sales) * _factors['retail_sales'] as retail_sales,
        zs_num(retail_sales_ytd) * _factors['retail_sales_ytd'] as retail_sales_ytd,
        zs_num(retail_sales_ytd_prior) * _factors['retail_sales_ytd_prior'] as retail_sales_ytd_prior,
        _load_id,
        _source_file,
        _source_row
    from received
)

select * from typed
