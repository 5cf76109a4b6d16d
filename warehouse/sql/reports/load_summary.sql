-- Purpose: what a batch of loads did, by form: files, rows read, loaded, rejected, warned.
-- Grain: one row per form. Upstream: audit.loads. Parameter $load_ids: the loads to describe.
with loads as (
    select *
    from audit.loads
    where list_contains($load_ids, load_id)
),

final as (
    select
        coalesce(form, '(未识别 unrecognised)') as form,
        count(*) as files,
        count(*) filter (where status = 'failed') as files_failed,
        sum(rows_read) as rows_read,
        sum(rows_loaded) as rows_loaded,
        sum(rows_rejected) as rows_rejected,
        sum(rows_warned) as rows_warned
    from loads
    group by all
)

select * from final order by form
