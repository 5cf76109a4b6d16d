-- Purpose: E204-1 above-quota wholesale and retail facts with derived monthly values and the
-- prior-year base. Jan-Feb is one period keyed on February. Months from year to date as in
-- core/industrial_output.sql (first filing of the year: the whole YTD; after a skipped month: the
-- skipped months too; `month_basis` says which).
-- Grain: one row per enterprise_id x period. Upstream: staging.e204_1, staging.register_typed,
-- meta.prior_trade (core's filings of the year before $lo; warehouse/build.py). Parameters: $lo, $hi
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
        select * from staging.e204_1 where period between $lo and $hi
        union all
        select * from staging.e204_1
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
        coalesce(s.goods_sales_ytd_prior, py.goods_sales_ytd) as goods_sales_ytd_py,
        coalesce(s.retail_sales_ytd_prior, py.retail_sales_ytd) as retail_sales_ytd_py
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
        lag(goods_sales_ytd) over unit_year as l_goods_sales_ytd,
        lag(retail_sales_ytd) over unit_year as l_retail_sales_ytd,
        lag(goods_sales_ytd_py) over unit_year as l_goods_sales_ytd_py,
        lag(retail_sales_ytd_py) over unit_year as l_retail_sales_ytd_py
    from based as b
    window unit_year as (partition by enterprise_id, year order by period)
),

paired as (
    -- each filing with the unit's latest earlier filing of the same year: the previous one of this
    -- build, else core's latest before the build range (meta.prior_*), else none (the first of the year)
    select
        l.*,
        coalesce(l.l_period, p.period) as prev_period,
        if(l.l_period is null, p.goods_sales_ytd, l.l_goods_sales_ytd) as p_goods_ytd,
        if(l.l_period is null, p.retail_sales_ytd, l.l_retail_sales_ytd) as p_retail_ytd,
        if(l.l_period is null, p.goods_sales_ytd_py, l.l_goods_sales_ytd_py) as p_goods_ytd_py,
        if(l.l_period is null, p.retail_sales_ytd_py, l.l_retail_sales_ytd_py) as p_retail_ytd_py
    from earlier_in_build as l
    left join meta.prior_trade as p
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
        goods_sales_ytd,
        retail_sales_ytd,
        goods_sales as goods_sales_reported,
        retail_sales as retail_sales_reported,
        zs_month_of(goods_sales_ytd, p_goods_ytd, prev_period) as goods_sales_month,
        zs_month_of(retail_sales_ytd, p_retail_ytd, prev_period) as retail_sales_month,
        goods_sales_ytd_py,
        retail_sales_ytd_py,
        revisions,
        _load_id,
        zs_month_of(goods_sales_ytd_py, p_goods_ytd_py, prev_period) as goods_sales_month_py,
        zs_month_of(retail_sales_ytd_py, p_retail_ytd_py, prev_period) as retail_sales_month_py
    from paired
)

select * from final
