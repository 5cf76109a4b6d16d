-- Purpose: the headline table of the briefing for one period: every headline indicator, zone
-- level, year to date, with its alert thresholds (for the status colour) and whether the figure
-- is final or provisional. Grain: one row per headline indicator. Key: indicator_id.
-- Upstream: marts.briefing, meta.indicators, marts.indicator_values. Parameter: $period.
with briefing as (
    select * from marts.briefing where period = $period::date
),

thresholds as (
    select indicator_id, kind, warn_below, good_above from meta.indicators
),

amounts as (
    select indicator_id, current_amount, comparable_amount, base_amount, growth_pct
    from marts.indicator_values
    where period = $period::date and breakdown = 'zone' and member = '全区' and "window" = 'ytd'
),

final as (
    select
        b.sort_order,
        b.indicator_id,
        b.label_zh,
        b.label_en,
        b.period_label,
        b.value,
        b.unit,
        b.decimals,
        t.kind,
        t.warn_below,
        t.good_above,
        b.alert,
        case b.alert when 'alert' then '预警 alert' when 'normal' then '正常 normal'
             when 'good' then '良好 good' else '' end as alert_label,
        b.status,
        case b.status when 'final' then '正式 final' when 'provisional' then '初步 provisional'
             when 'no_data' then '无数据 no data' when 'no_base' then '无基数 no base' else b.status end as status_label,
        b.n_filed,
        b.n_in_scope,
        b.coverage_pct,
        b.basis_label,
        b.n_without_base,
        a.current_amount,
        a.comparable_amount,
        a.base_amount,
        b.detail
    from briefing as b
    left join thresholds as t using (indicator_id)
    left join amounts as a using (indicator_id)
)

select * from final order by sort_order
