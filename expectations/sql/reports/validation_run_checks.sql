-- Purpose: every check a validation run answered, GX expectations and SQL edit checks alike, as its
-- offline page lists them: by form, failures first (critical before warning), then by group.
-- Grain: one row per run x suite x check (a row of audit.validation_results). Upstream:
-- audit.validation_results, audit.validation_failures.
-- Parameters: $run_id; $forms (suite names in page order), $groups (check groups in order).
with results as (
    select *
    from audit.validation_results
    where run_id = $run_id
),

held as (
    -- rows a critical check put in quarantine in this run (the gate holds every such row)
    select suite, check_name, count(distinct (load_id, source_row)) as rows_held
    from audit.validation_failures
    where run_id = $run_id and severity = 'critical' and load_id is not null
    group by all
),

final as (
    select
        r.suite,
        r.check_name,
        r.suite || '.' || r.check_name as check_key,
        case when r.expectation_type like 'sql:%' then 'sql' else 'gx' end as source,
        r.expectation_type,
        r.check_group,
        r.column_name,
        r.severity,
        r.success,
        r.element_count,
        r.unexpected_count,
        r.observed_value,
        r.reason_zh,
        r.reason_en,
        r.suite_version,
        coalesce(h.rows_held, 0) as rows_held
    from results as r
    left join held as h using (suite, check_name)
)

select *
from final
order by coalesce(list_position($forms, suite), 99), suite, success, severity,
    coalesce(list_position($groups, check_group), 99), check_name
