-- Purpose: plausibility check "year-on-year change within +-band" of a year-to-date figure. The
-- prior-year base is the form's own 上年同期 column, else the unit's filing a year earlier.
-- Grain: one row per flagged form x unit x field of the period.
-- Upstream: _zs_measures (temp view from checks/measures.sql.j2).
-- Parameters: $period, $fields (varchar[]), $band, $min_base.
with current_month as (
    select *
    from _zs_measures
    where period = $period and list_contains($fields, field) and ytd is not null
),

year_ago as (
    select form, unit_id, field, ytd
    from _zs_measures
    where period = (cast($period as date) - interval 12 month)::date
),

based as (
    select c.*, coalesce(c.ytd_prior, y.ytd) as base
    from current_month as c
    left join year_ago as y using (form, unit_id, field)
),

final as (
    select
        form,
        load_id,
        source_row,
        unit_id,
        period,
        field || '_ytd' as field,
        ytd as value,
        base as expected,
        printf('同比 %+.1f%% (上年同期 %.2f) / year on year %+.1f%% (prior year %.2f)',
               100 * (ytd / nullif(base, 0) - 1), base, 100 * (ytd / nullif(base, 0) - 1), base) as detail
    from based
    where base >= $min_base and base > 0
        and abs(ytd / nullif(base, 0) - 1) > $band
)

select * from final
