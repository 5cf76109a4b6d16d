-- Purpose: where the report's figures come from: for every form and period the report uses
-- (this year up to $period, all of last year; the register of both years), the loads whose rows
-- are in core (the latest revision of each filing), their files and when they were loaded.
-- Grain: one row per form x period. Key: form, period.
-- Upstream: core.industrial_output, core.finance, core.investment, core.trade,
-- core.register_year, audit.loads. Parameter: $period.
with used as (
    select 'B204-1' as form, period, _load_id as load_id from core.industrial_output
    union all select 'B203', period, _load_id from core.finance
    union all select '206-1', period, _load_id from core.investment
    union all select 'E204-1', period, _load_id from core.trade
    union all select '名录库', make_date(year::integer, 1, 1), _load_id from core.register_year
),

in_window as (
    select *
    from used
    where year(period) between year($period::date) - 1 and year($period::date)
        and period <= $period::date
),

final as (
    select
        u.form,
        u.period,
        case when u.form = '名录库' then strftime(u.period, '%Y') || '年名录'
             else strftime(u.period, '%Y-%m') end as period_label,
        count(*) as rows_used,
        list(distinct u.load_id order by u.load_id) as load_ids,
        string_agg(distinct l.file_name, ', ' order by l.file_name) as files,
        max(l.finished_at) as loaded_at
    from in_window as u
    left join audit.loads as l using (load_id)
    group by all
)

select * from final order by period desc, form
