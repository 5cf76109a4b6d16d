-- Purpose: the whole indicator catalog evaluated for one period, set-based: every indicator x
-- breakdown member x window (ytd = 1-本月累计, month = 本月) with value, base, growth, contribution,
-- pull, two-year average growth, counts and status. Count indicators come in indicator_counts.sql.
-- One comparable-scope rule (同口径, docs/warehouse.md): a comparable growth sums numerator and base
-- over the same units, those with a prior-year value (the form's 上年同期, else last year's filing);
-- units without one are left out of both sides and counted in n_without_base. A published growth
-- is this year's total over last year's total. A missing amount is 0 in pull and contribution, so
-- the members of a breakdown add up to the zone exactly.
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
        sum(ytd) as ytd,
        sum(ytd) filter (where ytd_py is not null) as ytd_cmp,       -- units with a base only
        sum(ytd_py) as ytd_py,
        sum(mon) as mon,
        sum(mon) filter (where mon_py is not null) as mon_cmp,
        sum(mon_py) as mon_py,
        count(*) as units,
        count(*) filter (where ytd_py is null) as ytd_no_base,
        count(*) filter (where mon_py is null) as mon_no_base,
        sum(ytd) filter (where ytd_py is null) as ytd_no_base_amount,
        sum(mon) filter (where mon_py is null) as mon_no_base_amount
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
        case w."window" when 'ytd' then f.ytd_cmp else f.mon_cmp end as v_cmp,
        case w."window" when 'ytd' then f.ytd_py else f.mon_py end as v_py,
        case w."window" when 'ytd' then f.ytd_no_base else f.mon_no_base end as no_base,
        case w."window" when 'ytd' then f.ytd_no_base_amount else f.mon_no_base_amount end as no_base_amount
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
        sum(v_cmp) filter (where is_num and period = $period::date) as cur_cmp,
        sum(v) filter (where is_num and in_numerator and period = $period::date) as cur_part,
        sum(v_py) filter (where is_num and period = $period::date) as base_comparable,
        sum(v) filter (where is_den and period = $period::date) as den,
        sum(v) filter (where is_num and period = ($period::date - interval 1 year)::date) as prev,
        sum(v_cmp) filter (where is_num and period = ($period::date - interval 1 year)::date) as prev_cmp,
        sum(v_py) filter (where is_num and period = ($period::date - interval 1 year)::date) as prev_base_comparable,
        sum(v) filter (where is_num and period = ($period::date - interval 2 year)::date) as prev_base_published,
        coalesce(sum(units) filter (where is_num and period = $period::date), 0) as n_filed,
        coalesce(sum(no_base) filter (where is_num and period = $period::date), 0) as n_no_base,
        sum(no_base_amount) filter (where is_num and period = $period::date) as no_base_amount
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
        -- the growth's numerator and base, over the same units (comparable) or all (published)
        case i.basis when 'published' then s.cur else s.cur_cmp end as num,
        case i.basis when 'published' then s.prev else s.base_comparable end as base,
        case i.basis when 'published' then s.prev else s.prev_cmp end as prev_num,
        case i.basis when 'published' then s.prev_base_published else s.prev_base_comparable end as prev_base,
        coalesce(e.n_in_scope, s.n_filed) as n_in_scope
    from sums as s
    join ind as i using (indicator_id)
    left join expected as e using (indicator_id, breakdown, member)
),

zone as (
    select indicator_id, "window", cur as zone_cur, num as zone_num, base as zone_base, n_filed as zone_filed
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
            when 'level' then coalesce(m.cur, 0) * m.unit_scale
            when 'growth' then (coalesce(m.num, 0) / nullif(m.base, 0) - 1) * 100
            when 'ratio' then m.cur / nullif(m.den, 0) * 100
            when 'share' then m.cur_part / nullif(m.cur, 0) * 100
        end as value,
        m.unit,
        case m.kind when 'share' then m.cur_part when 'ratio' then m.cur else coalesce(m.cur, 0) end
            as current_amount,
        case when m.kind in ('level', 'growth') then coalesce(m.num, 0) end as comparable_amount,
        case m.kind when 'ratio' then m.den when 'share' then m.cur else m.base end as base_amount,
        case when m.kind in ('level', 'growth') then (coalesce(m.num, 0) / nullif(m.base, 0) - 1) * 100
        end as growth_pct,
        -- a member without amounts this year or last counts 0 there: every breakdown adds up
        case when m.breakdown <> 'zone' and m.kind in ('level', 'growth')
             then (coalesce(m.num, 0) - coalesce(m.base, 0)) / nullif(z.zone_num - z.zone_base, 0) * 100
        end as contribution_pct,
        case when m.breakdown <> 'zone' and m.kind in ('level', 'growth')
             then (coalesce(m.num, 0) - coalesce(m.base, 0)) / nullif(z.zone_base, 0) * 100 end as pull_pp,
        case when m.breakdown <> 'zone' and m.kind = 'level'
             then m.cur / nullif(z.zone_cur, 0) * 100 end as share_of_total_pct,
        case when m.kind in ('level', 'growth')
             then (sqrt((coalesce(m.num, 0) / nullif(m.base, 0))
                        * (coalesce(m.prev_num, 0) / nullif(m.prev_base, 0))) - 1) * 100
        end as growth_2y_avg_pct,
        m.n_in_scope,
        m.n_filed,
        case when m.kind in ('level', 'growth') and m.basis = 'comparable' then m.n_no_base else 0 end
            as n_without_base,
        case when m.kind in ('level', 'growth') and m.basis = 'comparable' then m.no_base_amount end
            as amount_without_base,
        m.n_filed / nullif(m.n_in_scope, 0) * 100 as coverage_pct,
        coalesce(z.zone_filed, 0) as zone_filed,
        m.kind,
        m.decimals,
        m.warn_below,
        m.good_above
    from measured as m
    left join zone as z using (indicator_id, "window")
),

gated as (
    -- nothing filed in the zone: no figures at all (not -100%); a member with nothing filed while
    -- the zone has filings keeps its real -100% (e.g. an industry with no investment this year)
    select
        * replace (
            case when zone_filed > 0 then value end as value,
            case when zone_filed > 0 then growth_pct end as growth_pct,
            case when zone_filed > 0 then contribution_pct end as contribution_pct,
            case when zone_filed > 0 then pull_pp end as pull_pp,
            case when zone_filed > 0 then growth_2y_avg_pct end as growth_2y_avg_pct)
    from final
)

select
    * exclude (zone_filed, kind, decimals, warn_below, good_above),
    case when value is null and kind = 'growth' and n_filed > 0 and zone_filed > 0
             then 'no_base'     -- filed this year, nothing last year to compare with
         when value is null then 'no_data'
         when coverage_pct < $min_coverage * 100 then 'provisional'
         else 'final' end as status,
    case when value is null then null
         when value < warn_below then 'alert'
         when value >= good_above then 'good'
         else 'normal' end as alert,
    null::varchar as detail
from gated
