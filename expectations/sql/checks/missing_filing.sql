-- Purpose: completeness check "every unit above scale this year filed for the period": one row
-- per expected filer without a filing (it has no source row; the follow-up asks it to file).
-- Grain: one row per form x missing unit. Upstream: _zs_expected (checks/expected_filers.sql).
-- Parameters: $period.
with final as (
    select
        form,
        null::bigint as load_id,
        null::integer as source_row,
        unit_id,
        cast($period as date) as period,
        null::varchar as field,
        null::double as value,
        null::double as expected,
        '本期未报送 (no filing for the period)' as detail
    from _zs_expected
    where not filed
)

select * from final
