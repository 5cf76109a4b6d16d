-- Purpose: period-level completeness: the share of expected filers that filed, per form. A share
-- below the configured threshold marks the period provisional.
-- Grain: one row per form with expected filers. Upstream: _zs_expected (checks/expected_filers.sql).
with final as (
    select
        form,
        count(*) as expected_units,
        count(*) filter (where filed) as filed_units,
        count(*) filter (where filed) / nullif(count(*), 0) as coverage
    from _zs_expected
    group by form
)

select * from final
