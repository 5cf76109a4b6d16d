-- Purpose: B203 finance facts (year to date) with derived monthly values and prior-year bases.
-- Jan-Feb is one period keyed on February; January filings stay out (January is exempt).
-- Grain: one row per enterprise_id x period. Upstream: staging.b203, core.register_year.
with filings as (
    select f.*
    from staging.b203 as f
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
        lag(operating_revenue_ytd) over w as prev_revenue_ytd,
        lag(rd_expense_ytd) over w as prev_rd_ytd
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
        s.operating_revenue_ytd,
        s.operating_cost_ytd,
        s.rd_expense_ytd,
        s.total_profit_ytd,
        s.taxes_ytd,
        s.avg_employees,
        case when s.month = 2 then s.operating_revenue_ytd
             when s.prev_month = s.month - 1 then s.operating_revenue_ytd - s.prev_revenue_ytd
        end as operating_revenue_month,
        case when s.month = 2 then s.rd_expense_ytd
             when s.prev_month = s.month - 1 then s.rd_expense_ytd - s.prev_rd_ytd
        end as rd_expense_month,
        coalesce(s.operating_revenue_ytd_prior, py.operating_revenue_ytd) as operating_revenue_ytd_py,
        coalesce(s.rd_expense_ytd_prior, py.rd_expense_ytd) as rd_expense_ytd_py,
        py.total_profit_ytd as total_profit_ytd_py,
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
        case when month = 2 then operating_revenue_ytd_py
             when lag(month) over w = month - 1 then operating_revenue_ytd_py - lag(operating_revenue_ytd_py) over w
        end as operating_revenue_month_py,
        case when month = 2 then rd_expense_ytd_py
             when lag(month) over w = month - 1 then rd_expense_ytd_py - lag(rd_expense_ytd_py) over w
        end as rd_expense_month_py
    from based
    window w as (partition by enterprise_id, year order by month)
)

select * from final
