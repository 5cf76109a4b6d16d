-- Purpose: monthly trend lines of the main flow indicators (the catalog's forecast indicators),
-- this year against last year, zone level: the month's amount (本月; February = 1-2月) and the
-- year-to-date amount, each as computed for that period (last year: last year's own units).
-- Grain: one row per indicator x period. Key: indicator_id, period.
-- Upstream: marts.indicator_values, meta.indicators. Parameter: $period.
with flows as (
    select indicator_id, label_zh, label_en, coalesce(headline, 100) as sort_order
    from meta.indicators
    where forecast
),

values_ as (
    select indicator_id, period, "window", current_amount, status
    from marts.indicator_values
    where breakdown = 'zone' and member = '全区'
        and year(period) between year($period::date) - 1 and year($period::date)
        and period <= $period::date
),

final as (
    select
        f.sort_order,
        f.indicator_id,
        f.label_zh,
        f.label_en,
        v.period,
        year(v.period) as year,
        month(v.period) as month,
        any_value(v.current_amount) filter (where v."window" = 'month') as month_amount,
        any_value(v.current_amount) filter (where v."window" = 'ytd') as ytd_amount,
        any_value(v.status) filter (where v."window" = 'ytd') as status,
        case any_value(v.status) filter (where v."window" = 'ytd') when 'final' then '正式 final'
             when 'provisional' then '初步 provisional' when 'no_data' then '无数据 no data' when 'no_base' then '无基数 no base' end as status_label
    from flows as f
    join values_ as v using (indicator_id)
    group by all
)

select * from final order by sort_order, indicator_id, period
