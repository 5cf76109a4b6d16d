-- Purpose: E204-1 above-quota wholesale and retail facts with derived monthly values and the
-- prior-year base. Jan-Feb is one period keyed on February.
-- Grain: one row per enterprise_id x period. Upstream: staging.e204_1, staging.register_typed.
with filings as (
    select
        f.*,
        year(f.period) as year,
        month(f.period) as month
    from staging.e204_1 as f
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
        b.goods_sales_ytd,
        b.retail_sales_ytd,
        b.goods_sales as goods_sales_reported,
        b.retail_sales as retail_sales_reported,
        case when b.month = 2 then b.goods_sales_ytd
             else b.goods_sales_ytd - p.goods_sales_ytd end as goods_sales_month,
        case when b.month = 2 then b.retail_sales_ytd
             else b.retail_sales_ytd - p.retail_sales_ytd end as retail_sales_month,
        b.goods_sales_ytd_py,
        b.retail_sales_ytd_py,
        b.revisions,
        b._load_id,
        case when b.month = 2 then b.goods_sales_ytd_py
             else b.goods_sales_ytd_py - p.goods_sales_ytd_py end as goods_sales_month_py,
        case when b.month = 2 then b.retail_sales_ytd_py
             else b.retail_sales_ytd_py - p.retail_sales_ytd_py end as retail_sales_month_py
    from based as b
    left join based as p
        on p.enterprise_id = b.enterprise_id and p.period = cast(b.period - interval 1 month as date)
)

select * from final
