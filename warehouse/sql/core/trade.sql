-- Purpose: E204-1 above-quota wholesale and retail facts with derived monthly values and the
-- prior-year base. Jan-Feb is one period keyed on February.
-- Grain: one row per enterprise_id x period. Upstream: staging.e204_1, core.register_year.
with filings as (
    select f.*
    from staging.e204_1 as f
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
        lag(goods_sales_ytd) over w as prev_goods_ytd,
        lag(retail_sales_ytd) over w as prev_retail_ytd
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
        s.goods_sales_ytd,
        s.retail_sales_ytd,
        s.goods_sales as goods_sales_reported,
        s.retail_sales as retail_sales_reported,
        case when s.month = 2 then s.goods_sales_ytd
             when s.prev_month = s.month - 1 then s.goods_sales_ytd - s.prev_goods_ytd
        end as goods_sales_month,
        case when s.month = 2 then s.retail_sales_ytd
             when s.prev_month = s.month - 1 then s.retail_sales_ytd - s.prev_retail_ytd
        end as retail_sales_month,
        coalesce(s.goods_sales_ytd_prior, py.goods_sales_ytd) as goods_sales_ytd_py,
        coalesce(s.retail_sales_ytd_prior, py.retail_sales_ytd) as retail_sales_ytd_py,
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
        case when month = 2 then goods_sales_ytd_py
             when lag(month) over w = month - 1 then goods_sales_ytd_py - lag(goods_sales_ytd_py) over w
        end as goods_sales_month_py,
        case when month = 2 then retail_sales_ytd_py
             when lag(month) over w = month - 1 then retail_sales_ytd_py - lag(retail_sales_ytd_py) over w
        end as retail_sales_month_py
    from based
    window w as (partition by enterprise_id, year order by month)
)

select * from final
