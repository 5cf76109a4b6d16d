-- Purpose: edit check "this month = YTD(m) - YTD(m-1)" for forms that report a month column
-- (B204-1, E204-1). From March on; the Jan-Feb filing is one period and has no month before it.
-- Grain: one row per failing form x unit x field of the period.
-- Upstream: _zs_measures (temp view from checks/measures.sql.j2).
-- Parameters: $period, $abs_tolerance, $rel_tolerance.
with current_month as (
    select *
    from _zs_measures
    where period = $period and month(period) >= 3 and month_value is not null and ytd is not null
),

previous_month as (
    select form, unit_id, field, ytd
    from _zs_measures
    where period = (cast($period as date) - interval 1 month)::date and ytd is not null
),

compared as (
    select c.*, c.ytd - p.ytd as expected
    from current_month as c
    join previous_month as p using (form, unit_id, field)
),

final as (
    select
        form,
        load_id,
        source_row,
        unit_id,
        period,
        field,
        month_value as value,
        expected,
        printf('本月 %.2f, 累计之差 %.2f (month %.2f, YTD difference %.2f)',
               month_value, expected, month_value, expected) as detail
    from compared
    where abs(month_value - expected) > greatest($abs_tolerance, $rel_tolerance * abs(ytd))
)

select * from final
