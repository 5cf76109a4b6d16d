-- Purpose: 206-1 fixed-asset investment project facts (万元), with derived monthly investment.
-- A project is manufacturing when its form says so, else when its GB/T 4754 division is 13-43.
-- Jan-Feb is one period keyed on February. Grain: one row per project_id x period.
-- Upstream: staging.f206_1.
with filings as (
    select
        f.*,
        year(f.period) as year,
        month(f.period) as month
    from staging.f206_1 as f
    anti join audit.quarantine as q
        on q.load_id = f._load_id and q.source_row = f._source_row and q.released_at is null
    where month(f.period) <> 1
),

based as (
    -- the prior-year base (上年同期): last year's filing of the project
    select
        s.*,
        py.completed_investment_ytd as completed_investment_ytd_py
    from filings as s
    left join filings as py
        on py.project_id = s.project_id and py.period = cast(s.period - interval 1 year as date)
),

final as (
    -- this month (本月) and its prior-year base: the difference from the previous month's year to
    -- date (none when that month was not filed); February's year to date is Jan-Feb itself
    select
        b.project_id,
        b.period,
        b.year,
        b.month,
        case when b.month = 2 then 2 else 1 end as months_covered,
        b.project_name,
        b.enterprise_id,
        b.industry_code,
        coalesce(b.is_manufacturing_given,
                 try_cast(left(b.industry_code, 2) as integer) between 13 and 43, false) as is_manufacturing,
        b.planned_total_investment,
        b.start_date,
        b.completed_investment_ytd,
        case when b.month = 2 then b.completed_investment_ytd
             else b.completed_investment_ytd - p.completed_investment_ytd end as completed_investment_month,
        b.completed_investment_ytd_py,
        b.revisions,
        b._load_id,
        case when b.month = 2 then b.completed_investment_ytd_py
             else b.completed_investment_ytd_py - p.completed_investment_ytd_py end as completed_investment_month_py
    from based as b
    left join based as p
        on p.project_id = b.project_id and p.period = cast(b.period - interval 1 month as date)
)

select * from final
