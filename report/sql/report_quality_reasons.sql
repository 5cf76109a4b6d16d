-- Purpose: rows rejected, flagged or missing, by reason: for the period and for the year to
-- date, with how many units and one example (file and row) to look at.
-- Grain: one row per source x outcome x form x field x check. Upstream: _report_problems
-- (report_problems_*.sql, materialised by the report). Parameter: $period.
with final as (
    select
        source,
        outcome,
        case outcome when 'rejected' then '拒收 rejected' when 'warning' then '提示 flagged'
             when 'failed_check' then '审核未通过 failed check' when 'quarantined' then '隔离 quarantined'
             when 'not_filed' then '未报送 not filed' else outcome end as outcome_label,
        severity,
        case severity when 'critical' then '严重 critical' else '提示 warning' end as severity_label,
        form,
        coalesce(field, '') as field,
        check_name,
        count(*) filter (where period = $period::date) as rows_period,
        count(*) as rows_ytd,
        count(distinct unit_id) as units,
        arg_min(coalesce(parse_filename(source_file) || ' 第' || source_row || '行 row ' || source_row || ': ', '')
                || coalesce(unit_id || ' ', '') || detail,
                coalesce(source_file, '') || lpad(coalesce(source_row, 0)::varchar, 9, '0')
                || coalesce(unit_id, '')) as example
    from _report_problems
    group by all
)

select * from final
order by case severity when 'critical' then 0 else 1 end, source, outcome, form, rows_ytd desc, check_name
