-- Purpose: 206-1 fixed-asset investment project facts (万元), with derived monthly investment.
-- A project is manufacturing when its form says so, else when its GB/T 4754 division is 13-43.
-- Jan-Feb is one period keyed on February. Grain: one row per project_id x period.
-- Upstream: staging.f206_1.
with filings as (
    select f.*
    from staging.f206_1 as f
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
        lag(completed_investment_ytd) over w as prev_ytd
    from filings
    window w as (partition by project_id, year(period) order by period)
),

based as (
    select
        s.project_id,
        s.period,
        s.year,
        s.month,
        case when s.month = 2 then 2 else 1 end as months_covered,
        s.project_name,
        s.enterprise_id,
        s.industry_code,
        coalesce(s.is_manufacturing_given,
                 try_cast(left(s.industry_code, 2) as integer) between 13 and 43, false) as is_manufacturing,
        s.planned_total_investment,
        s.start_date,
        s.completed_investment_ytd,
        case when s.month = 2 then s.completed_investment_ytd
             when s.prev_month = s.month - 1 then s.completed_investment_ytd - s.prev_ytd
        end as completed_investment_month,
        py.completed_investment_ytd as completed_investment_ytd_py,
        s.revisions,
        s._load_id
    from sequenced as s
    left join filings as py
        on py.project_id = s.project_id and py.period = s.period - interval 1 year
),

final as (
    -- the prior-year base of the month (本月上年同期): difference of the prior-year YTD bases
    select
        *,
        case when month = 2 then completed_investment_ytd_py
             when lag(month) over w = month - 1 then completed_investment_ytd_py - lag(completed_investment_ytd_py) over w
        end as completed_investment_month_py
    from based
    window w as (partition by project_id, year order by month)
)

select * from final
