-- Purpose: B204-1 output facts with monthly values derived from year-to-date and the prior-year
-- same-period base. Jan-Feb is one period keyed on February (January filings stay out: the
-- form's January is exempt). A unit missing from every register stays out (validation lists it).
-- Grain: one row per enterprise_id x period. Upstream: staging.b204_1, core.register_year.
with filings as (
    select f.*
    from staging.b204_1 as f
    semi join core.register_year as e using (enterprise_id)
    anti join audit.quarantine as q
        on q.load_id = f._load_id and q.source_row = f._source_row and q.released_at is null
    where month(f.period) <> 1
),

sequenced as (
    select
        *,
        year(period) as year,
        month(period) as month,
        lag(month(period)) over w as prev_month,
        lag(gross_output_value_ytd) over w as prev_gross_ytd,
        lag(sales_output_value_ytd) over w as prev_sales_ytd,
        lag(export_delivery_value_ytd) over w as prev_export_ytd
    from filings
    window w as (partition by enterprise_id, year(period) order by period)
),

based as (
    select
        s.enterprise_id,
        s.period,
        s.year,
        s.month,
        case when s.month = 2 then 2 else 1 end as months_covered,
        s.gross_output_value_ytd,
        s.sales_output_value_ytd,
        s.export_delivery_value_ytd,
        s.gross_output_value as gross_output_value_reported,
        case when s.month = 2 then s.gross_output_value_ytd
             when s.prev_month = s.month - 1 then s.gross_output_value_ytd - s.prev_gross_ytd
        end as gross_output_value_month,
        case when s.month = 2 then s.sales_output_value_ytd
             when s.prev_month = s.month - 1 then s.sales_output_value_ytd - s.prev_sales_ytd
        end as sales_output_value_month,
        case when s.month = 2 then s.export_delivery_value_ytd
             when s.prev_month = s.month - 1 then s.export_delivery_value_ytd - s.prev_export_ytd
        end as export_delivery_value_month,
        coalesce(s.gross_output_value_ytd_prior, py.gross_output_value_ytd) as gross_output_value_ytd_py,
        py.sales_output_value_ytd as sales_output_value_ytd_py,
        py.export_delivery_value_ytd as export_delivery_value_ytd_py,
        s.revisions,
        s._load_id
    from sequenced as s
    left join filings as py
        on py.enterprise_id = s.enterprise_id and py.period = s.period - interval 1 year
),

final as (
    -- the prior-year base of the month (本月上年同期): difference of the prior-year YTD bases
    select
        *,
        case when month = 2 then gross_output_value_ytd_py
             when lag(month) over w = month - 1 then gross_output_value_ytd_py - lag(gross_output_value_ytd_py) over w
        end as gross_output_value_month_py,
        case when month = 2 then sales_output_value_ytd_py
             when lag(month) over w = month - 1 then sales_output_value_ytd_py - lag(sales_output_value_ytd_py) over w
        end as sales_output_value_month_py,
        case when month = 2 then export_delivery_value_ytd_py
             when lag(month) over w = month - 1 then export_delivery_value_ytd_py - lag(export_delivery_value_ytd_py) over w
        end as export_delivery_value_month_py
    from based
    window w as (partition by enterprise_id, year order by month)
)

select * from final
