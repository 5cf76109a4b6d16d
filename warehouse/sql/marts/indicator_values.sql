-- Purpose: the whole indicator catalog evaluated for one period, set-based: every indicator x
-- breakdown member x window (ytd = 1-本月累计, month = 本月) with value, base, growth, contribution,
-- pull, two-year average growth, counts and status. Count indicators come in indicator_counts.sql.
-- Grain: indicator_id x breakdown x member x window. Key: those four, for $period.
-- Upstream: meta.indicators, marts.measure_facts, marts.scope_units. Parameters: $period, $min_coverage.
with ind as (
    select * from meta.indicators where kind <> 'count'
),

members_of as (
    select indicator_id, unnest(breakdowns) as breakdown from ind
),

windows as (
    select unnest(['ytd', 'month']) as "window"
),

facts as (
    select *
    from marts.measure_facts
    where period in ($period::date, ($period::date - interval 1 year)::date,
                     ($period::date - interval 2 year)::date)
),

cells as (
    -- units with the same attributes summed first: every indicator, breakdown and window then
    -- reads cells, not units (a unit is in one cell per measure and month, so units = count(*))
    select
        scope, measure, period, is_manufacturing, sei_flag, hardware, local_industry, sub_area, sei_area,
        sum(ytd) as ytd, sum(ytd_py) as ytd_py, sum(mon) as mon, sum(mon_py) as mon_py, count(*) as units
    from facts
    group by all
),

fed as (
    -- each cell joined to the indicators it feeds, then to every breakdown and window
    select
        i.indicator_id,
        m.breakdown,
        w."window",
        case m.breakdown when 'zone' then '全区' when 'local_industry' then f.local_industry
             when 'sub_area' then f.sub_area when 'sei_area' then f.sei_area end as member,
        f.units,
        f.period,
        f.measure = i.measure as is_num,
        f.measure = i.denominator as is_den,
        (i.num_is_manufacturing is null or f.is_manufacturing = i.num_is_manufacturing)
            and (i.num_sei_flag is null or f.sei_flag = i.num_sei_flag)
            and (i.num_hardware is null or f.hardware = i.num_hardware) as in_numerator,
        case w."window" when 'ytd' then f.ytd else f.mon end as v,
        case w."window" when 'ytd' then f.ytd_py else f.mon_py end as v_py
    from cells as f
    join ind as i
        on f.scope = i.scope and f.measure in (i.measure, i.denominator)
        and (i.filter_is_manufacturing is null or f.is_manufacturing = i.filter_is_manufacturing)
        and (i.filter_sei_flag is null or f.sei_flag = i.filter_sei_flag)
        and (i.filter_hardware is null or f.hardware = i.filter_hardware)
    join members_of as m on m.indicator_id = i.indicator_id
    cross join windows as w
),

sums as (
    select
        indicator_id, breakdown, member, "window",
        sum(v) filter (where is_num and period = $period::date) as cur,
        sum(v) filter (where is_num and in_numerator and period = $period::date) as cur_part,
        sum(v_py) filter (where is_num and period = $period::date) as base_comparable,
        sum(v) filter (where is_den and period = $period::date) as den,
        sum(v) filter (where is_num and period = ($period::date - interval 1 year)::date) as prev,
        sum(v_py) filter (where is_num and period = ($period::date - interval 1 year)::date) as prev_base_comparable,
        sum(v) filter (where is_num and period = ($period::date - interval 2 year)::date) as prev_base_published,
        coalesce(sum(units) filter (where is_num and period = $period::date), 0) as n_filed
    from fed
    group by all
),

expected as (
    select i.indicator_id, m.breakdown,
        case m.breakdown when 'zone' then '全区' when 'local_industry' then u.local_industry
             when 'sub_area' then u.sub_area when 'sei_area' then u.sei_area end as member,
        count(*) as n_in_scope  -- scope_units holds one row per scope, unit and year
    from marts.scope_units as u
    join ind as i
        on u.scope = i.scope and u.year = year($period::date)
        and (i.filter_is_manufacturing is null or u.is_manufacturing = i.filter_is_manufacturing)
        and (i.filter_sei_flag is null or u.sei_flag = i.filter_sei_flag)
        and (i.filter_hardware is null or u.hardware = i.filter_hardware)
        and (u.first_period is null or (u.first_period <= $period::date
             and u.last_period >= ($period::date - interval 1 month)::date))
    join members_of as m on m.indicator_id = i.indicator_id
    group by all
),

measured as (
    select
        s.*,
        i.kind, i.basis, i.unit, i.unit_scale, i.decimals, i.warn_below, i.good_above,
        case i.basis when 'published' then s.prev else s.base_comparable end as base,
        case i.basis when 'published' then s.prev_base_published else s.prev_base_comparable end as prev_base,
        coalesce(e.n_in_scope, s.n_filed) as n_in_scope
    from sums as s
    join ind as i using (indicator_id)
    left join expected as e using (indicator_id, breakdown, member)
),

zone as (
    select indicator_id, "window", cur as zone_cur, base as zone_base
    from measured
    where breakdown = 'zone'
),

final as (
    select
        m.indicator_id,
        $period::date as period,
        m."window",
        m.breakdown,
        m.member,
        case m.kind
            when 'level' then m.cur * m.unit_scale
            when 'growth' then (m.cur / nullif(m.base, 0) - 1) * 100
            when 'ratio' then m.cur / nullif(m.den, 0) * 100
            when 'share' then m.cur_part / nullif(m.cur, 0) * 100
        end as value,
        m.unit,
        case m.kind when 'ratio' then m.cur when 'share' then m.cur_part else m.cur end as current_amount,
        case m.kind when 'ratio' then m.den when 'share' then m.cur else m.base end as base_amount,
        case when m.kind in ('level', 'growth') then (m.cur / nullif(m.base, 0) - 1) * 100 end as growth_pct,
        case when m.breakdown <> 'zone' and m.kind in ('level', 'growth')
             then (m.cur - m.base) / nullif(z.zone_cur - z.zone_base, 0) * 100 end as contribution_pct,
        case when m.breakdown <> 'zone' and m.kind in ('level', 'growth')
             then (m.cur - m.base) / nullif(z.zone_base, 0) * 100 end as pull_pp,
        case when m.breakdown <> 'zone' and m.kind = 'level'
             then m.cur / nullif(z.zone_cur, 0) * 100 end as share_of_total_pct,
        case when m.kind in ('level', 'growth')
             then (sqrt((m.cur / nullif(m.base, 0)) * (m.prev / nullif(m.prev_base, 0))) - 1) * 100
        end as growth_2y_avg_pct,
        m.n_in_scope,
        m.n_filed,
        m.n_filed / nullif(m.n_in_scope, 0) * 100 as coverage_pct,
        m.decimals,
        m.warn_below,
        m.good_above
    from measured as m
    left join zone as z using (indicator_id, "window")
)

select
    * exclude (decimals, warn_below, good_above),
    case when n_filed = 0 or value is null then 'no_data'
         when coverage_pct < $min_coverage * 100 then 'provisional'
         else 'final' end as status,
    case when value is null then null
         when value < warn_below then 'alert'
         when value >= good_above then 'good'
         else 'normal' end as alert,
    null::varchar as detail
from final
