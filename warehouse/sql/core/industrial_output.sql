-- Purpose: B204-1 output facts with monthly values derived from year-to-date and the prior-year
-- same-period base. Jan-Feb is one period keyed on February (January filings stay out: the
-- form's January is exempt). A unit missing from every register stays out (validation lists it).
-- Grain: one row per enterprise_id x period. Upstream: staging.b204_1, staging.register_typed.
with filings as (
    select
        f.*,
        year(f.period) as year,
        month(f.period) as month
    from staging.b204_1 as f
    semi join staging.register_typed as e using (enterprise_id)   -- in some year's register
    anti join audit.quarantine as q
        on q.load_id = f._load_id and q.source_row = f._source_row and q.released_at is null
    where month(f.period) <> 1
),

based as (
    -- the prior-year base (上年同期): the figure filed with this year's form, else last year's filing
    select
        s.*,
        coalesce(s.gross_output_value_ytd_prior, py.gross_output_value_ytd) as gross_output_value_ytd_py,
        py.sales_output_value_ytd as sales_output_value_ytd_py,
        py.export_delivery_value_ytd as export_delivery_value_ytd_py
    from filings as s
    left join filings as py
        on py.enterprise_id = s.enterprise_id and py.period = cast(s.period - interval 1 year as date)
),

final as (
    -- this month (本月) and its prior-year base: the difference from the previous month's year to
    -- date (none when that month was not filed); February's year to date is Jan-Feb itself
    select
        b.enterprise_id,
        b.period,
        b.year,
        b.month,
        case when b.month = 2 then 2 else 1 end as months_covered,
        b.gross_output_value_ytd,
        b.sales_output_value_ytd,
        b.export_delivery_value_ytd,
        b.gross_output_value as gross_output_value_reported,
        case when b.month = 2 then b.gross_output_value_ytd
             else b.gross_output_value_ytd - p.gross_output_value_ytd end as gross_output_value_month,
        case when b.month = 2 then b.sales_output_value_ytd
             else b.sales_output_value_ytd - p.sales_output_value_ytd end as sales_output_value_month,
        case when b.month = 2 then b.export_delivery_value_ytd
             else b.export_delivery_value_ytd - p.export_delivery_value_ytd end as export_delivery_value_month,
        b.gross_output_value_ytd_py,
        b.sales_output_value_ytd_py,
        b.export_delivery_value_ytd_py,
        b.revisions,
        b._load_id,
        case when b.month = 2 then b.gross_output_value_ytd_py
             else b.gross_output_value_ytd_py - p.gross_output_value_ytd_py end as gross_output_value_month_py,
        case when b.month = 2 then b.sales_output_value_ytd_py
             else b.sales_output_value_ytd_py - p.sales_output_value_ytd_py end as sales_output_value_month_py,
        case when b.month = 2 then b.export_delivery_value_ytd_py
             else b.export_delivery_value_ytd_py - p.export_delivery_value_ytd_py end as export_delivery_value_month_py
    from based as b
    left join based as p
        on p.enterprise_id = b.enterprise_id and p.period = cast(b.period - interval 1 month as date)
)

select * from final
