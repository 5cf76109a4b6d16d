-- Purpose: the batch the e204_1 suite validates: one period of staging.e204_1 with what its file
-- declared (form code, money unit) and the period as text.
-- Grain: one row per enterprise_id x period (the latest revision). Key: _load_id, _source_row.
-- Upstream: staging.e204_1, audit.loads, audit.load_columns. Parameters: $period (date).
with filings as (
    select *
    from staging.e204_1
    where period = $period
),

declared as (
    select load_id, any_value(unit) as source_unit
    from audit.load_columns
    where field = 'goods_sales_ytd'
        and load_id in (select _load_id from filings)
    group by load_id
),

final as (
    select
        f.*,
        l.form as form_code,
        d.source_unit,
        strftime(f.period, '%Y-%m-%d') as period_text
    from filings as f
    left join audit.loads as l on l.load_id = f._load_id
    left join declared as d on d.load_id = f._load_id
)

select * from final
