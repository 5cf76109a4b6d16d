-- Purpose: the half-year (or any month's) briefing: one row per headline indicator, zone level,
-- year to date, with Chinese and English labels, the value rounded for display, and the basis of
-- a growth: 同口径 comparable (the same units this year and last) or 公布口径 published (this year's
-- total over last year's).
-- Grain: period x indicator_id. Upstream: marts.indicator_values, meta.indicators.
with headline as (
    select * from meta.indicators where headline is not null
),

final as (
    select
        v.period,
        zs_ytd_label(v.period) as period_label,
        h.headline as sort_order,
        v.indicator_id,
        h.label_zh,
        h.label_en,
        round(v.value, h.decimals) as value,
        v.unit,
        h.decimals,
        v.status,
        v.alert,
        case when h.kind in ('growth', 'level') then h.basis end as basis,
        case when h.kind in ('growth', 'level') then
            case h.basis when 'comparable' then '同口径 comparable' else '公布口径 published' end
        end as basis_label,
        v.n_without_base,
        v.detail,
        v.n_in_scope,
        v.n_filed,
        v.coverage_pct
    from marts.indicator_values as v
    join headline as h using (indicator_id)
    where v.breakdown = 'zone' and v."window" = 'ytd'
)

select * from final
