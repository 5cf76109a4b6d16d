-- Purpose: the problems the validation gate (审核) found for the period: every failing row of
-- the latest completed run, and every row still held in quarantine for a period of the report's
-- year up to $period. Same shape as report_problems_load.sql.
-- Grain: one row per failure or quarantined row. Upstream: audit.validation_runs,
-- audit.validation_failures, audit.validation_results, audit.quarantine.
-- Parameters: $period; $form_tables, $forms (parallel lists: suite name -> form code).
with run as (
    select max(run_id) as run_id
    from audit.validation_runs
    where period = $period::date and status in ('passed', 'failed')
),

forms as (
    select unnest($form_tables) as suite, unnest($forms) as form
),

reasons as (
    select suite, check_name, any_value(reason_zh) as reason_zh
    from audit.validation_results
    join run using (run_id)
    group by all
),

failed as (
    select
        'validation' as source, 'failed_check' as outcome, f.severity, coalesce(fm.form, f.suite) as form,
        f.period, f.unit_id, f.field, f.check_name,
        coalesce(r.reason_zh, f.check_name) || coalesce(': ' || f.detail, '') as detail,
        f.load_id, l.source_file, f.source_row
    from audit.validation_failures as f
    join run using (run_id)
    left join forms as fm using (suite)
    left join reasons as r using (suite, check_name)
    left join audit.loads as l using (load_id)
),

held as (
    select
        'quarantine' as source, 'quarantined' as outcome, 'critical' as severity,
        coalesce(fm.form, q.form) as form, q.period, q.unit_id, null as field,
        array_to_string(q.reasons, '; ') as check_name,
        '隔离待更正 quarantined: ' || array_to_string(q.reasons, '; ') as detail,
        q.load_id, l.source_file, q.source_row
    from audit.quarantine as q
    left join forms as fm on fm.suite = q.form
    left join audit.loads as l using (load_id)
    where q.released_at is null
        and q.period between make_date(year($period::date), 1, 1) and $period::date
),

final as (
    select * from failed
    union all
    select * from held
)

select * from final
