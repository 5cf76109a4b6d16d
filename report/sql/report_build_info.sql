-- Purpose: when the warehouse behind the report was last rebuilt and from how many loads, and
-- which publication (vintage) of the period's figures the report shows.
-- Grain: one row. Upstream: meta.builds, audit.loads, marts.publications. Parameter: $period.
with latest_build as (
    select built_at, max_load_id
    from meta.builds
    order by built_at desc
    limit 1
),

loads as (
    select
        count(*) filter (where status = 'loaded') as files_loaded,
        count(*) filter (where status = 'failed') as files_failed,
        max(finished_at) as last_load_at
    from audit.loads
),

vintage as (
    select vintage_id, published_at, reason
    from marts.publications
    where period = $period::date
    order by vintage_id desc
    limit 1
),

final as (
    select b.built_at, b.max_load_id, l.files_loaded, l.files_failed, l.last_load_at,
           v.vintage_id, v.published_at as vintage_published_at, v.reason as vintage_reason
    from loads as l
    left join latest_build as b on true
    left join vintage as v on true
)

select * from final
