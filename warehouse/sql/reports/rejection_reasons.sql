-- Purpose: why rows were rejected or warned, grouped by check, with one example to look at.
-- Grain: one row per form x field x kind of problem. Upstream: audit.rejected_rows,
-- audit.load_warnings. Parameter $load_ids: the loads to describe.
with problems as (
    select
        form,
        'rejected' as outcome,
        unnest(string_split(reason, '; ')) as problem,
        source_file,
        source_row
    from audit.rejected_rows
    where list_contains($load_ids, load_id)
    union all
    select form, 'warning', coalesce(field, 'row') || ': ' || message, source_file, source_row
    from audit.load_warnings
    where list_contains($load_ids, load_id)
),

classified as (
    select
        form,
        outcome,
        split_part(problem, ':', 1) as field,
        regexp_replace(regexp_replace(trim(split_part(problem, ':', 2)), ' \(got .*\)$', ''),
                       '^(negative value|period) \S+', '\1') as check_name,
        problem,
        source_file,
        source_row
    from problems
),

final as (
    select
        form,
        outcome,
        field,
        check_name,
        count(*) as rows,
        arg_min(parse_filename(source_file) || ' row ' || source_row || ': ' || problem,
                source_file || lpad(source_row::varchar, 9, '0')) as example
    from classified
    group by all
)

select * from final order by outcome, form, rows desc
