-- Purpose: the monthly series to forecast, derived from the filings: for every catalog indicator
-- marked `forecast`, its measure at zone level and per local industry, on the comparable scope
-- of the as-of year: the units in scope that year, with their filed months. Entrants have no
-- filings before they entered, so earlier years are scaled by k = (the same units' prior-year
-- values this year to date, from the 上年同期 bases) / (what those units filed last year to the
-- same month): the history then sums to the comparable base. Published basis (investment):
-- every unit in scope in its own year, unscaled. Jan-Feb is one period keyed on February, 万元.
-- Grain: series_id x period (periods up to $as_of). Upstream: meta.indicators,
-- marts.measure_facts, marts.scope_units. Parameter: $as_of (date).
with ind as (
    select * from meta.indicators where forecast
),

members_of as (
    select indicator_id, unnest(list_intersect(breakdowns, ['zone', 'local_industry'])) as breakdown
    from ind
),

scope_now as (
    select scope, unit_id, local_industry
    from marts.scope_units
    where year = year($as_of::date) and first_period is null
),

rows as (
    select
        i.indicator_id,
        i.basis,
        f.period,
        f.mon,
        f.mon_py,
        coalesce(s.local_industry, f.local_industry) as local_industry,
        s.unit_id is not null as in_scope_now
    from marts.measure_facts as f
    join ind as i
        on f.measure = i.measure and f.scope = i.scope
        and (i.filter_is_manufacturing is null or f.is_manufacturing = i.filter_is_manufacturing)
        and (i.filter_sei_flag is null or f.sei_flag = i.filter_sei_flag)
        and (i.filter_hardware is null or f.hardware = i.filter_hardware)
    left join scope_now as s on s.scope = f.scope and s.unit_id = f.unit_id
    where f.period <= $as_of::date and month(f.period) <> 1
),

series as (
    select
        r.indicator_id,
        m.breakdown,
        case m.breakdown when 'zone' then '全区' else r.local_industry end as member,
        r.basis,
        r.period,
        sum(r.mon) as filed,
        sum(r.mon_py) filter (where year(r.period) = year($as_of::date)) as prior_base,
        count(*) as units
    from rows as r
    join members_of as m using (indicator_id)
    where r.basis = 'published' or r.in_scope_now
    group by all
),

scaling as (
    select
        indicator_id, breakdown, member,
        case when any_value(basis) = 'published' then 1.0
             else coalesce(sum(prior_base) / nullif(sum(filed) filter (
                 where year(period) = year($as_of::date) - 1 and month(period) <= month($as_of::date)), 0), 1.0)
        end as k
    from series
    group by all
),

final as (
    select
        s.indicator_id || '|' || s.breakdown || '|' || s.member as series_id,
        s.indicator_id,
        s.breakdown,
        s.member,
        s.period,
        case when year(s.period) < year($as_of::date) then s.filed * k.k else s.filed end as value,
        s.units,
        k.k as scale
    from series as s
    join scaling as k using (indicator_id, breakdown, member)
)

select * from final order by series_id, period
