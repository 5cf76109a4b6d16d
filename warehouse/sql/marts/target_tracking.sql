-- Purpose: the month-by-month target path for the rest of the year, and actual against it. Per
-- stored split (marts.target_split: the zone and its local industries) the cumulative amount to
-- reach by each month to land on the target: what is left after the as-of month is spread by last
-- year's monthly profile (year to date, Jan-Feb one period; evenly by month without a profile).
-- For the months filed since: the actual year to date (the forecast's own measure of it,
-- comparable_amount), the share of the target done and the gap to the path in percentage points.
-- Built as a view, so the actuals follow every later evaluation of marts.indicator_values.
-- Grain: as_of x indicator_id x breakdown x member x period (the as-of month to December).
-- Upstream: marts.target_split, meta.indicators, meta.local_industries, marts.measure_facts,
-- marts.indicator_values.
with split as (
    select * from marts.target_split
),

ind as (
    select * from meta.indicators where indicator_id in (select indicator_id from split)
),

months as (
    select distinct as_of, indicator_id,
        unnest(generate_series(as_of, make_date(year(as_of), 12, 1), interval 1 month))::date as period
    from split
),

last_year as (
    select i.indicator_id, f.period, f.local_industry, f.ytd
    from marts.measure_facts as f
    join ind as i
        on f.measure = i.measure and f.scope = i.scope
        and (i.filter_is_manufacturing is null or f.is_manufacturing = i.filter_is_manufacturing)
        and (i.filter_sei_flag is null or f.sei_flag = i.filter_sei_flag)
        and (i.filter_hardware is null or f.hardware = i.filter_hardware)
    where year(f.period) in (select year(as_of) - 1 from split)
),

profile as (
    select indicator_id, period, 'zone' as breakdown, '全区' as member, sum(ytd) as ytd
    from last_year group by all
    union all
    select indicator_id, period, 'local_industry' as breakdown, local_industry as member, sum(ytd) as ytd
    from last_year group by all
),

path as (
    select m.as_of, s.indicator_id, s.breakdown, s.member, m.period, s.target_full_year,
        s.ytd_actual + (s.target_full_year - s.ytd_actual) * coalesce(
            (pm.ytd - pa.ytd) / nullif(pd.ytd - pa.ytd, 0),
            (month(m.period) - month(m.as_of)) / nullif(12 - month(m.as_of), 0), 1.0) as path_ytd
    from split as s
    join months as m using (as_of, indicator_id)
    left join profile as pm on pm.indicator_id = s.indicator_id and pm.breakdown = s.breakdown
        and pm.member = s.member and pm.period = (m.period - interval 1 year)::date
    left join profile as pa on pa.indicator_id = s.indicator_id and pa.breakdown = s.breakdown
        and pa.member = s.member and pa.period = (m.as_of - interval 1 year)::date
    left join profile as pd on pd.indicator_id = s.indicator_id and pd.breakdown = s.breakdown
        and pd.member = s.member and pd.period = make_date(year(m.as_of) - 1, 12, 1)
),

final as (
    select
        p.as_of, p.indicator_id, p.breakdown, p.member,
        case p.breakdown when 'zone' then '全区' else coalesce(li.label_zh, p.member) end as member_label,
        p.period,
        p.target_full_year,
        p.path_ytd,
        p.path_ytd - coalesce(lag(p.path_ytd) over w, p.path_ytd) as path_month,
        p.path_ytd / nullif(p.target_full_year, 0) * 100 as path_pct,
        v.comparable_amount as actual_ytd,
        v.comparable_amount / nullif(p.target_full_year, 0) * 100 as done_pct,
        (v.comparable_amount - p.path_ytd) / nullif(p.target_full_year, 0) * 100 as gap_pp,
        v.status
    from path as p
    left join marts.indicator_values as v
        on v.indicator_id = p.indicator_id and v.breakdown = p.breakdown and v.member = p.member
        and v.period = p.period and v."window" = 'ytd'
    left join meta.local_industries as li on p.breakdown = 'local_industry' and li.id = p.member
    window w as (partition by p.as_of, p.indicator_id, p.breakdown, p.member order by p.period)
)

select * from final
