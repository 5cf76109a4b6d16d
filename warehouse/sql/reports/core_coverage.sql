-- Purpose: what the core layer now holds, by form: units, periods, latest period, rows.
-- Grain: one row per core fact table. Upstream: core facts, core.enterprises, staging tables.
with facts as (
    select 'B204-1' as form, count(distinct enterprise_id) as units, count(*) as rows,
           min(period) as first_period, max(period) as last_period
    from core.industrial_output
    union all
    select 'B203', count(distinct enterprise_id), count(*), min(period), max(period)
    from core.finance
    union all
    select '206-1', count(distinct project_id), count(*), min(period), max(period)
    from core.investment
    union all
    select 'E204-1', count(distinct enterprise_id), count(*), min(period), max(period)
    from core.trade
),

unknown as (
    select 'B204-1' as form, count(*) as rows_unknown_unit
    from staging.b204_1 anti join core.enterprises using (enterprise_id)
    union all
    select 'B203', count(*) from staging.b203 anti join core.enterprises using (enterprise_id)
    union all
    select 'E204-1', count(*) from staging.e204_1 anti join core.enterprises using (enterprise_id)
),

final as (
    select f.*, coalesce(u.rows_unknown_unit, 0) as rows_unknown_unit
    from facts as f
    left join unknown as u using (form)
)

select * from final
