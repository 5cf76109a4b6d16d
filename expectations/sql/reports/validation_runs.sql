-- Purpose: validation runs (审核运行) with what their offline pages lead with: the stored status and
-- counts, and how many checks passed or failed by severity. The index page lists them all; a run's
-- page reads its own row.
-- Grain: one row per run. Key: run_id. Upstream: audit.validation_runs, audit.validation_results,
-- audit.quarantine.
-- Parameters: $run_id (null: every run), $period (null: every period).
with runs as (
    select *
    from audit.validation_runs
    where (cast($run_id as bigint) is null or run_id = $run_id)
        and (cast($period as date) is null or period = $period)
),

checks as (
    select
        run_id,
        count(*) as checks,
        count(*) filter (where success) as checks_passed,
        count(*) filter (where not success and severity = 'critical') as critical_checks_failed,
        count(*) filter (where not success and severity = 'warning') as warning_checks_failed,
        count(*) filter (where expectation_type like 'sql:%') as sql_checks,
        string_agg(distinct suite || ' ' || suite_version, ', ' order by suite || ' ' || suite_version)
            filter (where expectation_type not like 'sql:%') as suite_versions
    from audit.validation_results
    where run_id in (select run_id from runs)
    group by run_id
),

held_now as (
    select period, count(*) as rows_held_now
    from audit.quarantine
    where released_at is null
    group by period
),

final as (
    select
        r.*,
        coalesce(c.checks, 0) as checks,
        coalesce(c.checks_passed, 0) as checks_passed,
        coalesce(c.critical_checks_failed, 0) as critical_checks_failed,
        coalesce(c.warning_checks_failed, 0) as warning_checks_failed,
        coalesce(c.sql_checks, 0) as sql_checks,
        c.suite_versions,
        coalesce(h.rows_held_now, 0) as rows_held_now
    from runs as r
    left join checks as c using (run_id)
    left join held_now as h using (period)
)

select * from final order by run_id desc
