-- Purpose: B204-1 output facts with monthly values derived from year-to-date and the prior-year
-- same-period base. Jan-Feb is one period keyed on February (January filings stay out: the
-- form's January is exempt). A unit missing from every register stays out (validation lists it).
-- Months from year to date (docs/warehouse.md): 本月 = YTD minus the YTD of the unit's latest
-- earlier filing of the year (0 when there is none: a unit's first filing of the year carries its
-- whole YTD); after a skipped month it carries the skipped months too. `months_covered` and
-- `month_basis` say which (consecutive | first_of_year | after_gap).
-- Grain: one row per enterprise_id x period. Upstream: staging.b204_1, staging.register_typed,
-- meta.prior_industrial_output (core's filings of the year before $lo; warehouse/build.py). Parameters: $lo, $hi
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
        select * from staging.b204_1 where period between $lo and $hi
        union all
        select * from staging.b204_1
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
        coalesce(s.gross_output_value_ytd_prior, py.gross_output_value_ytd) as gross_output_value_ytd_py,
        py.sales_output_value_ytd as sales_output_value_ytd_py,
        py.export_delivery_value_ytd as export_delivery_value_ytd_py
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
        lag(gross_output_value_ytd) over unit_year as l_gross_output_value_ytd,
        lag(sales_output_value_ytd) over unit_year as l_sales_output_value_ytd,
        lag(export_delivery_value_ytd) over unit_year as l_export_delivery_value_ytd,
        lag(gross_output_value_ytd_py) over unit_year as l_gross_output_value_ytd_py,
        lag(sales_output_value_ytd_py) over unit_year as l_sales_output_value_ytd_py,
        lag(export_delivery_value_ytd_py) over unit_year as l_export_delivery_value_ytd_py
    from based as b
    window unit_year as (partition by enterprise_id, year order by period)
),

paired as (
    -- each filing with the unit's latest earlier filing of the same year: the previous one of this
    -- build, else core's latest before the build range (meta.prior_*), else none (the first of the year)
    select
        l.*,
        coalesce(l.l_period, p.period) as prev_period,
        if(l.l_period is null, p.gross_output_value_ytd, l.l_gross_output_value_ytd) as p_gross_ytd,
        if(l.l_period is null, p.sales_output_value_ytd, l.l_sales_output_value_ytd) as p_sales_ytd,
        if(l.l_period is null, p.export_delivery_value_ytd, l.l_export_delivery_value_ytd) as p_export_ytd,
        if(l.l_period is null, p.gross_output_value_ytd_py, l.l_gross_output_value_ytd_py) as p_gross_ytd_py,
        if(l.l_period is null, p.sales_output_value_ytd_py, l.l_sales_output_value_ytd_py) as p_sales_ytd_py,
        if(l.l_period is null, p.export_delivery_value_ytd_py, l.l_export_delivery_value_ytd_py) as p_export_ytd_py
    from earlier_in_build as l
    left join meta.prior_industrial_output as p
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
        gross_output_value_ytd,
        sales_output_value_ytd,
        export_delivery_value_ytd,
        gross_output_value as gross_output_value_reported,
        zs_month_of(gross_output_value_ytd, p_gross_ytd, prev_period) as gross_output_value_month,
        zs_month_of(sales_output_value_ytd, p_sales_ytd, prev_period) as sales_output_value_month,
        zs_month_of(export_delivery_value_ytd, p_export_ytd, prev_period) as export_delivery_value_month,
        gross_output_value_ytd_py,
        sales_output_value_ytd_py,
        export_delivery_value_ytd_py,
        revisions,
        _load_id,
        zs_month_of(gross_output_value_ytd_py, p_gross_ytd_py, prev_period) as gross_output_value_month_py,
        zs_month_of(sales_output_value_ytd_py, p_sales_ytd_py, prev_period) as sales_output_value_month_py,
        zs_month_of(export_delivery_value_ytd_py, p_export_ytd_py, prev_period) as export_delivery_value_month_py
    from paired
)

select * from final
