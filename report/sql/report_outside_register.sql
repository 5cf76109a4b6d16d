-- Purpose: filers that are in no register (名录外): held out of core, so out of every figure,
-- listed where a planner looks, with their amounts this period and what the form's headline
-- indicator would be if all of that form's outside filers were admitted to the register (as
-- above-scale / above-quota units; comparable growth counts only those with a prior-year value,
-- from the form's 上年同期 column or their own filing a year earlier).
-- Grain: one row per form x unit filing for $period. Upstream: staging.b204_1, staging.b203,
-- staging.e204_1, staging.register_typed, marts.indicator_values, meta.indicators.
-- Parameter: $period.
with outside as (
    select 'B204-1' as form, 'industrial_output_growth' as indicator_id, f.enterprise_id, f._source_file,
           f._source_row, f.gross_output_value_ytd / 10 as amount,
           coalesce(f.gross_output_value_ytd_prior, py.gross_output_value_ytd) / 10 as base
    from staging.b204_1 as f
    left join staging.b204_1 as py
        on py.enterprise_id = f.enterprise_id and py.period = cast(f.period - interval 1 year as date)
    anti join staging.register_typed as r on r.enterprise_id = f.enterprise_id
    where f.period = $period::date
    union all
    select 'B203', 'rd_expense_growth', f.enterprise_id, f._source_file, f._source_row, f.rd_expense_ytd / 10,
           coalesce(f.rd_expense_ytd_prior, py.rd_expense_ytd) / 10
    from staging.b203 as f
    left join staging.b203 as py
        on py.enterprise_id = f.enterprise_id and py.period = cast(f.period - interval 1 year as date)
    anti join staging.register_typed as r on r.enterprise_id = f.enterprise_id
    where f.period = $period::date
    union all
    select 'E204-1', 'retail_sales_growth', f.enterprise_id, f._source_file, f._source_row, f.retail_sales_ytd / 10,
           coalesce(f.retail_sales_ytd_prior, py.retail_sales_ytd) / 10
    from staging.e204_1 as f
    left join staging.e204_1 as py
        on py.enterprise_id = f.enterprise_id and py.period = cast(f.period - interval 1 year as date)
    anti join staging.register_typed as r on r.enterprise_id = f.enterprise_id
    where f.period = $period::date
),

by_form as (
    select indicator_id, sum(amount) filter (where base is not null) as amount_with_base, sum(base) as base
    from outside
    group by indicator_id
),

zone as (
    select indicator_id, value, comparable_amount, base_amount
    from marts.indicator_values
    where period = $period::date and breakdown = 'zone' and "window" = 'ytd'
),

final as (
    select
        o.form,
        o.enterprise_id,
        regexp_extract(o._source_file, '[^/\\]+$') as file_name,
        o._source_row as source_row,
        o.amount,
        o.base,
        i.label_zh as indicator_zh,
        z.value as indicator_value,
        ((z.comparable_amount + coalesce(b.amount_with_base, 0))
            / nullif(z.base_amount + coalesce(b.base, 0), 0) - 1) * 100 as value_if_admitted,
        i.decimals
    from outside as o
    join meta.indicators as i using (indicator_id)
    left join by_form as b using (indicator_id)
    left join zone as z using (indicator_id)
)

select * from final order by form, amount desc nulls last, enterprise_id
