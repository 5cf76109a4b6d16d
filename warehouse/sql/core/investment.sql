-- Purpose: 206-1 fixed-asset investment project facts (万元), with derived monthly investment.
-- A project is manufacturing when its form says so, else when its GB/T 4754 division is 13-43.
-- Jan-Feb is one period keyed on February. Months from year to date as in
-- core/industrial_output.sql: a project's first filing of the year carries its whole YTD (a project
-- entering in March counts from January, nothing is lost from the month or from next year's base);
-- after a skipped month the next filing carries the skipped months too (`month_basis` says which).
-- Grain: one row per project_id x period. Upstream: staging.f206_1,
-- meta.prior_investment (core's filings of the year before $lo; warehouse/build.py). Parameters: $lo, $hi
-- (the periods built; a full build passes the whole range).
with filings as (
    select
        f.*,
        year(f.period) as year,
        month(f.period) as month,
        f.period between $lo and $hi as in_build
    from (
        -- the build range and the same months a year earlier (the bases), as two range reads so
        -- that each reaches the staging view's choice of version (an OR of ranges would not)
        select * from staging.f206_1 where period between $lo and $hi
        union all
        select * from staging.f206_1
        where period between cast($lo::date - interval 1 year as date) and cast($hi::date - interval 1 year as date)
            and period < $lo
    ) as f
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
    where s.in_build
),

earlier_in_build as (
    -- the project's previous filing of the same year within this build (null: none)
    select
        b.*,
        lag(period) over unit_year as l_period,
        lag(completed_investment_ytd) over unit_year as l_completed_investment_ytd,
        lag(completed_investment_ytd_py) over unit_year as l_completed_investment_ytd_py
    from based as b
    window unit_year as (partition by project_id, year order by period)
),

paired as (
    -- each filing with the project's latest earlier filing of the same year: the previous one of this
    -- build, else core's latest before the build range (meta.prior_*), else none (the first of the year)
    select
        l.*,
        coalesce(l.l_period, p.period) as prev_period,
        if(l.l_period is null, p.completed_investment_ytd, l.l_completed_investment_ytd) as p_ytd,
        if(l.l_period is null, p.completed_investment_ytd_py, l.l_completed_investment_ytd_py) as p_ytd_py
    from earlier_in_build as l
    left join meta.prior_investment as p
        on p.project_id = l.project_id and p.year = l.year
),

final as (
    select
        project_id,
        period,
        year,
        month,
        month - coalesce(month(prev_period), 0) as months_covered,
        zs_month_basis(month, prev_period) as month_basis,
        prev_period,
        project_name,
        enterprise_id,
        industry_code,
        coalesce(is_manufacturing_given,
                 try_cast(left(industry_code, 2) as integer) between 13 and 43, false) as is_manufacturing,
        planned_total_investment,
        start_date,
        completed_investment_ytd,
        zs_month_of(completed_investment_ytd, p_ytd, prev_period) as completed_investment_month,
        completed_investment_ytd_py,
        revisions,
        _load_id,
        zs_month_of(completed_investment_ytd_py, p_ytd_py, prev_period) as completed_investment_month_py
    from paired
)

select * from final
