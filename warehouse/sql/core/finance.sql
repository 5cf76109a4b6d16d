-- Purpose: B203 finance facts (year to date) with derived monthly values and prior-year bases.
-- Jan-Feb is one period keyed on February; January filings stay out (January is exempt).
-- Months from year to date as in core/industrial_output.sql (first filing of the year: the whole
-- YTD; after a skipped month: the skipped months too; `month_basis` says which).
-- Grain: one row per enterprise_id x period. Upstream: staging.b203, staging.register_typed,
-- meta.prior_finance (core's filings of the year before $lo; warehouse/build.py). Parameters: $lo, $hi
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
        select * from staging.b203 where period between $lo and $hi
        union all
        select * from staging.b203
        where period between cast($lo::date - interval 1 year as date) and cast($hi::date - interval 1 year as date)
            and period < $lo
    ) as f
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
    where s.in_build
),

earlier_in_build as (
    -- the unit's previous filing of the same year within this build (null: none)
    select
        b.*,
        lag(period) over unit_year as l_period,
        lag(operating_revenue_ytd) over unit_year as l_operating_revenue_ytd,
        lag(rd_expense_ytd) over unit_year as l_rd_expense_ytd,
        lag(operating_revenue_ytd_py) over unit_year as l_operating_revenue_ytd_py,
        lag(rd_expense_ytd_py) over unit_year as l_rd_expense_ytd_py
    from based as b
    window unit_year as (partition by enterprise_id, year order by period)
),

paired as (
    -- each filing with the unit's latest earlier filing of the same year: the previous one of this
    -- build, else core's latest before the build range (meta.prior_*), else none (the first of the year)
    select
        l.*,
        coalesce(l.l_period, p.period) as prev_period,
        if(l.l_period is null, p.operating_revenue_ytd, l.l_operating_revenue_ytd) as p_revenue_ytd,
        if(l.l_period is null, p.rd_expense_ytd, l.l_rd_expense_ytd) as p_rd_ytd,
        if(l.l_period is null, p.operating_revenue_ytd_py, l.l_operating_revenue_ytd_py) as p_revenue_ytd_py,
        if(l.l_period is null, p.rd_expense_ytd_py, l.l_rd_expense_ytd_py) as p_rd_ytd_py
    from earlier_in_build as l
    left join meta.prior_finance as p
        on p.enterprise_id = l.enterprise_id and p.year = l.year
),

final as (
    select
        enterprise_id,
        period,
        year,
        month,
        month - coalesce(month(prev_period), 0) as months_covered,
        zs_month_basis(month, prev_period) as month_basis,
        prev_period,
        operating_revenue_ytd,
        operating_cost_ytd,
        rd_expense_ytd,
        total_profit_ytd,
        taxes_ytd,
        avg_employees,
        zs_month_of(operating_revenue_ytd, p_revenue_ytd, prev_period) as operating_revenue_month,
        zs_month_of(rd_expense_ytd, p_rd_ytd, prev_period) as rd_expense_month,
        operating_revenue_ytd_py,
        rd_expense_ytd_py,
        total_profit_ytd_py,
        revisions,
        _load_id,
        zs_month_of(operating_revenue_ytd_py, p_revenue_ytd_py, prev_period) as operating_revenue_month_py,
        zs_month_of(rd_expense_ytd_py, p_rd_ytd_py, prev_period) as rd_expense_month_py
    from paired
)

select * from final
