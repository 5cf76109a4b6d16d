-- Purpose: B203 finance facts (year to date) with derived monthly values and prior-year bases.
-- Jan-Feb is one period keyed on February; January filings stay out (January is exempt).
-- Grain: one row per enterprise_id x period. Upstream: staging.b203, staging.register_typed.
with filings as (
    select
        f.*,
        year(f.period) as year,
        month(f.period) as month
    from staging.b203 as f
    semi join staging.register_typed as e using (enterprise_id)   -- in some year's register
    anti join audit.quarantine as q
        on q.load_id = f._load_id and q.source_row = f._source_row and q.released_at is null
    where month(f.period) <> 1
),

based as (
    -- the prior-year base (上年同期): the figure filed with this year's form, else last year's filing
    select
        s.*,
        coalesce(s.operating_revenue_ytd_prior, py.operating_revenue_ytd) as operating_revenue_ytd_py,
        coalesce(s.rd_expense_ytd_prior, py.rd_expense_ytd) as rd_expense_ytd_py,
        py.total_profit_ytd as total_profit_ytd_py
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
        b.operating_revenue_ytd,
        b.operating_cost_ytd,
        b.rd_expense_ytd,
        b.total_profit_ytd,
        b.taxes_ytd,
        b.avg_employees,
        case when b.month = 2 then b.operating_revenue_ytd
             else b.operating_revenue_ytd - p.operating_revenue_ytd end as operating_revenue_month,
        case when b.month = 2 then b.rd_expense_ytd
             else b.rd_expense_ytd - p.rd_expense_ytd end as rd_expense_month,
        b.operating_revenue_ytd_py,
        b.rd_expense_ytd_py,
        b.total_profit_ytd_py,
        b.revisions,
        b._load_id,
        case when b.month = 2 then b.operating_revenue_ytd_py
             else b.operating_revenue_ytd_py - p.operating_revenue_ytd_py end as operating_revenue_month_py,
        case when b.month = 2 then b.rd_expense_ytd_py
             else b.rd_expense_ytd_py - p.rd_expense_ytd_py end as rd_expense_month_py
    from based as b
    left join based as p
        on p.enterprise_id = b.enterprise_id and p.period = cast(b.period - interval 1 month as date)
)

select * from final
