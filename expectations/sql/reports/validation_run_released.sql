-- Purpose: the quarantined rows a validation run released (their current filing passed every
-- critical check), for the run's offline page.
-- Grain: one row per released row. Key: (form, load_id, source_row). Upstream: audit.quarantine,
-- audit.loads.
-- Parameters: $run_id.
with released as (
    select *
    from audit.quarantine
    where released_by_run = $run_id
),

final as (
    select
        r.form as suite,
        r.unit_id,
        r.period,
        array_to_string(r.reasons, ', ') as reasons,
        r.load_id,
        r.source_row,
        l.file_name,
        r.first_run_id,
        r.superseded_by_load,
        s.file_name as superseded_by_file
    from released as r
    left join audit.loads as l on l.load_id = r.load_id
    left join audit.loads as s on s.load_id = r.superseded_by_load
)

select * from final order by suite, unit_id, load_id, source_row
