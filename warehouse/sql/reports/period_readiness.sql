-- Purpose: whether a period has filings to report: per scope (above-scale industry, above-quota
-- trade, investment projects), the units that filed for it (in core) against the units expected
-- to (this year's register in scope; projects that filed this month or last). The pipeline stops
-- early on a month with nothing filed, or with coverage below its floor, before it publishes.
-- Grain: one row per scope. Upstream: marts.measure_facts, marts.scope_units. Parameter: $period.
with filed as (
    select scope, count(distinct unit_id) as units
    from marts.measure_facts
    where period = $period::date
    group by scope
),

expected as (
    select scope, count(distinct unit_id) as units
    from marts.scope_units
    where year = year($period::date)
        and (first_period is null or (first_period <= $period::date
             and last_period >= ($period::date - interval 1 month)::date))
    group by scope
),

final as (
    select
        coalesce(e.scope, f.scope) as scope,
        coalesce(f.units, 0) as filed,
        coalesce(e.units, 0) as expected,
        coalesce(f.units, 0) / nullif(e.units, 0) as share
    from expected as e
    full join filed as f using (scope)
)

select * from final order by scope
