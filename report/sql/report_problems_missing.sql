-- Purpose: the filings that were expected for the period and did not arrive (催报), in the shape
-- of report_problems_load.sql. Grain: one row per form x unit not filed.
-- Upstream: _report_expected (report_expected_filers.sql, materialised by the report).
-- Parameter: $period.
with final as (
    select
        'filings' as source, 'not_filed' as outcome, 'warning' as severity, form,
        $period::date as period, unit_id, null as field, '未报送 not filed' as check_name,
        '未报送 not filed: ' || form_label as detail,
        null::bigint as load_id, null as source_file, null::integer as source_row
    from _report_expected
    where not filed
)

select * from final
