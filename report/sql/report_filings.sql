-- Purpose: filings received against expected, per form, for the period (the data-quality
-- section's first table). Grain: one row per form. Key: form.
-- Upstream: _report_expected (report_expected_filers.sql, materialised by the report).
with final as (
    select
        form,
        any_value(form_label) as form_label,
        count(*) as expected_units,
        count(*) filter (where filed) as filed_units,
        count(*) filter (where not filed) as missing_units,
        count(*) filter (where filed) * 100.0 / nullif(count(*), 0) as coverage_pct
    from _report_expected
    group by form
)

select * from final order by form
