-- Purpose: the year-to-date flows of every validated form in long format, for the cross-month
-- checks. Created once per gate run as the temp view _zs_measures (not materialised: each check
-- filters by period and DuckDB pushes that filter into the staging scans).
-- Grain: one row per form x unit x period x field. Key: form, unit_id, period, field.
-- Upstream: staging.b204_1, staging.b203, staging.f206_1, staging.e204_1.
with b204_1 as (
    select 'b204_1' as form, _load_id as load_id, _source_row as source_row, enterprise_id as unit_id, period,
        unnest([
            {field: 'gross_output_value', ytd: gross_output_value_ytd, month_value: gross_output_value,
             ytd_prior: gross_output_value_ytd_prior},
            {field: 'sales_output_value', ytd: sales_output_value_ytd, month_value: sales_output_value,
             ytd_prior: null::double},
            {field: 'export_delivery_value', ytd: export_delivery_value_ytd, month_value: export_delivery_value,
             ytd_prior: null::double}
        ], recursive := true)
    from staging.b204_1
),

b203 as (
    select 'b203' as form, _load_id as load_id, _source_row as source_row, enterprise_id as unit_id, period,
        unnest([
            {field: 'operating_revenue', ytd: operating_revenue_ytd, month_value: null::double,
             ytd_prior: operating_revenue_ytd_prior},
            {field: 'operating_cost', ytd: operating_cost_ytd, month_value: null::double, ytd_prior: null::double},
            {field: 'rd_expense', ytd: rd_expense_ytd, month_value: null::double, ytd_prior: rd_expense_ytd_prior},
            {field: 'taxes', ytd: taxes_ytd, month_value: null::double, ytd_prior: null::double}
        ], recursive := true)
    from staging.b203
),

f206_1 as (
    select 'f206_1' as form, _load_id as load_id, _source_row as source_row, project_id as unit_id, period,
        unnest([
            {field: 'completed_investment', ytd: completed_investment_ytd, month_value: null::double,
             ytd_prior: null::double}
        ], recursive := true)
    from staging.f206_1
),

e204_1 as (
    select 'e204_1' as form, _load_id as load_id, _source_row as source_row, enterprise_id as unit_id, period,
        unnest([
            {field: 'goods_sales', ytd: goods_sales_ytd, month_value: goods_sales, ytd_prior: goods_sales_ytd_prior},
            {field: 'retail_sales', ytd: retail_sales_ytd, month_value: retail_sales,
             ytd_prior: retail_sales_ytd_prior}
        ], recursive := true)
    from staging.e204_1
),

final as (
    select * from b204_1
    union all select * from b203
    union all select * from f206_1
    union all select * from e204_1
)

select * from final
