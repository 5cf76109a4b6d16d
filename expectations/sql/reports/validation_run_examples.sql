-- Purpose: a few failing rows of each failed check of a validation run, for its offline page: the
-- unit (and its name in the register), the field, the figure and the bound it broke, the file and
-- row it came from, and what the quarantine did with it (held, released since, superseded).
-- Grain: one row per failing row, at most $examples per suite x check. Upstream:
-- audit.validation_failures, audit.loads, audit.quarantine, staging.register.
-- Parameters: $run_id, $examples.
with failures as (
    select
        *,
        row_number() over (partition by suite, check_name
                           order by load_id nulls last, source_row, unit_id, field) as example_no
    from audit.validation_failures
    where run_id = $run_id
),

picked as (
    select * from failures where example_no <= $examples
),

names as (
    select enterprise_id as unit_id, arg_max(enterprise_name, year) as unit_name
    from staging.register
    where enterprise_id in (select unit_id from picked)
    group by enterprise_id
),

final as (
    select
        p.suite,
        p.check_name,
        p.example_no,
        p.severity,
        p.unit_id,
        n.unit_name,
        p.period,
        p.field,
        p.value,
        p.expected,
        p.detail,
        p.load_id,
        p.source_row,
        l.file_name,
        case
            when p.load_id is null then 'missing'
            when p.severity <> 'critical' then 'not_held'
            when q.form is null then 'unknown'
            when q.released_at is null then 'held'
            else 'released'
        end as hold_state,
        q.released_by_run,
        q.superseded_by_load
    from picked as p
    left join names as n using (unit_id)
    left join audit.loads as l using (load_id)
    left join audit.quarantine as q
        on q.form = p.suite and q.load_id = p.load_id and q.source_row = p.source_row
)

select * from final order by suite, check_name, example_no
