-- Purpose: every row rejected or flagged when its file was loaded, for the periods of the
-- report's year up to $period (a row whose period cannot be read is kept: someone must look at
-- it). One row per problem: a rejected row with two bad fields gives two.
-- A register row counts from January of its year.
-- Grain: load_id x source_row x problem. Upstream: audit.rejected_rows, audit.load_warnings,
-- raw.b204_1, raw.b203, raw.e204_1, raw.f206_1, raw.register (the period of a warned row).
-- Parameter: $period.
with rejected as (
    select
        'load' as source, 'rejected' as outcome, 'critical' as severity, form, load_id, source_file,
        source_row,
        coalesce(zs_period(raw_values ->> 'period'),
                 make_date(try_cast(trim(raw_values ->> 'year') as integer), 1, 1)) as period,
        coalesce(raw_values ->> 'enterprise_id', raw_values ->> 'project_id') as unit_id,
        unnest(string_split(reason, '; ')) as problem
    from audit.rejected_rows
),

warned_rows as (
    select 'B204-1' as form, _load_id, _source_row, period, enterprise_id as unit_id from raw.b204_1
    union all select 'B203', _load_id, _source_row, period, enterprise_id from raw.b203
    union all select 'E204-1', _load_id, _source_row, period, enterprise_id from raw.e204_1
    union all select '206-1', _load_id, _source_row, period, project_id from raw.f206_1
    union all select '名录库', _load_id, _source_row, trim(year) || '-01', enterprise_id from raw.register
),

warned as (
    select
        'load' as source, 'warning' as outcome, 'warning' as severity, w.form, w.load_id, w.source_file,
        w.source_row, zs_period(r.period) as period, r.unit_id,
        coalesce(w.field, 'row') || ': ' || w.message as problem
    from audit.load_warnings as w
    left join warned_rows as r
        on r.form = w.form and r._load_id = w.load_id and r._source_row = w.source_row
),

problems as (
    select * from rejected
    union all
    select * from warned
),

final as (
    select
        source, outcome, severity, form, period, unit_id,
        split_part(problem, ':', 1) as field,
        regexp_replace(regexp_replace(trim(split_part(problem, ':', 2)), ' \(got .*\)$', ''),
                       '^(negative value|period) \S+', '\1') as check_name,
        problem as detail,
        load_id, source_file, source_row
    from problems
    where period is null
        or (period between make_date(year($period::date), 1, 1) and $period::date)
)

select * from final
