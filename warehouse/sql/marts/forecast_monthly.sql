-- Purpose: monthly forecasts for the rest of the year with industries reconciled to the zone:
-- each local industry's forecast is scaled, month by month, by the zone forecast over the sum of
-- the industry forecasts (proportional top-down reconciliation), so industries add up to the zone.
-- Grain: as_of x indicator_id x breakdown x member x period.
-- Upstream: _fc_monthly (model output: series_id, period, model, mean, lo_80 .. hi_95),
-- _fc_series (series_id, indicator_id, breakdown, member). Parameter: $as_of.
with fc as (
    select s.indicator_id, s.breakdown, s.member, m.*
    from _fc_monthly as m
    join _fc_series as s using (series_id)
),

factors as (
    select
        indicator_id,
        period,
        coalesce(max(mean) filter (where breakdown = 'zone')
                 / nullif(sum(mean) filter (where breakdown = 'local_industry'), 0), 1.0) as factor
    from fc
    group by all
),

final as (
    select
        $as_of::date as as_of,
        fc.indicator_id,
        fc.breakdown,
        fc.member,
        fc.period,
        fc.model,
        case when fc.breakdown = 'zone' then 1.0 else f.factor end as reconcile_factor,
        fc.mean * reconcile_factor as mean,
        fc.lo_80 * reconcile_factor as lo_80,
        fc.hi_80 * reconcile_factor as hi_80,
        fc.lo_95 * reconcile_factor as lo_95,
        fc.hi_95 * reconcile_factor as hi_95
    from fc
    join factors as f using (indicator_id, period)
)

select * from final
