-- Purpose: edit check "a year-to-date figure is not below the previous month's": within a year
-- a flow only accumulates, so YTD(m) >= YTD(m-1) (less a rounding tolerance).
-- Grain: one row per failing form x unit x field of the period.
-- Upstream: _zs_measures (temp view from checks/measures.sql.j2). Parameters: $period, $tolerance.
with current_month as (
    select *
    from _zs_measures
    where period = $period and month(period) > 1 and ytd is not null
),

previous_month as (
    select form, unit_id, field, ytd
    from _zs_measures
    where period = (cast($period as date) - interval 1 month)::date and ytd is not null
),

final as (
    select
        c.form,
        c.load_id,
        c.source_row,
        c.unit_id,
        c.period,
        c.field || '_ytd' as field,
        c.ytd as value,
        p.ytd as expected,
        printf('本年累计 %.2f 小于上月累计 %.2f (YTD %.2f below last month''s %.2f)',
               c.ytd, p.ytd, c.ytd, p.ytd) as detail
    from current_month as c
    join previous_month as p using (form, unit_id, field)
    where c.ytd < p.ytd - $tolerance
)

select * from final
