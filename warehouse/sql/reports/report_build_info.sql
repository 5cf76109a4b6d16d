-- Purpose: when the warehouse behind the report was last rebuilt and from how many loads.
-- Grain: one row. Upstream: meta.builds, audit.loads.
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

final as (
    select b.built_at, b.max_load_id, l.files_loaded, l.files_failed, l.last_load_at
    from loads as l
    left join latest_build as b on true
)

select * from final
