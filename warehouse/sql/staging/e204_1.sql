-- Purpose: E204-1 above-quota wholesale/retail filings typed, in 千元, latest revision.
-- Grain: one row per enterprise_id x period. Upstream: raw.e204_1, audit.rejected_rows.
with received as (
    select r.*
    from raw.e204_1 as r
    anti join audit.rejected_rows as x
        on x.load_id = r._load_id and x.source_row = r._source_row
),

typed as (
    select
        upper(trim(enterprise_id)) as enterprise_id,
        zs_period(period) as period,
        zs_num(goods_sales) * _units['goods_sales'] as goods_sales,
        zs_num(goods_sales_ytd) * _units['goods_sales_ytd'] as goods_sales_ytd,
        zs_num(goods_sales_ytd_prior) * _units['goods_sales_ytd_prior'] as goods_sales_ytd_prior,
        zs_num(retail_sales) * _units['retail_sales'] as retail_sales,
        zs_num(retail_sales_ytd) * _units['retail_sales_ytd'] as retail_sales_ytd,
        zs_num(retail_sales_ytd_prior) * _units['retail_sales_ytd_prior'] as retail_sales_ytd_prior,
        _load_id,
        _source_file,
        _source_row
    from received
),

final as (
    select
        *,
        count(*) over (partition by enterprise_id, period) as revisions
    from typed
    qualify row_number() over (
        partition by enterprise_id, period order by _load_id desc, _source_row desc) = 1
)

select * from final
