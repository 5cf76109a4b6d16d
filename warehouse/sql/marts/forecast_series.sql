-- Purpose: the monthly series to forecast, derived from the filings: for every catalog indicator
-- marked `forecast`, its measure at zone level and per local industry, on the scope of the growth
-- it forecasts. Comparable basis: the units whose growth is measured at $as_of (in scope, with a
-- prior-year base: the same units as marts.indicator_values' comparable_amount), with their months;
-- earlier years are scaled by k = (those units' prior-year values this year to date, the 上年同期
-- bases) / (what they filed last year to the same month), so the history sums to the comparable
-- base. Published basis (investment): every unit in scope in its own year, unscaled. Months come
-- from year to date (core), so a series' months of a year add up to its year to date.
-- Jan-Feb is one period keyed on February, 万元.
-- Grain: series_id x period (periods up to $through, >= $as_of; the forecast uses $through = $as_of,
-- forecast-check the months after it). Upstream: meta.indicators, marts.measure_facts.
-- Parameters: $as_of, $through (dates).
with ind as (
    select * from meta.indicators where forecast
),

members_of as (
    select indicator_id, unnest(list_intersect(breakdowns, ['zone', 'local_industry'])) as breakdown
    from ind
),

measured as (
    -- the units and facts of each forecast indicator (scope and filters of the catalog)
    select i.indicator_id, i.basis, f.*
    from marts.measure_facts as f
    join ind as i
        on f.measure = i.measure and f.scope = i.scope
        and (i.filter_is_manufacturing is null or f.is_manufacturing = i.filter_is_manufacturing)
        and (i.filter_sei_flag is null or f.sei_flag = i.filter_sei_flag)
        and (i.filter_hardware is null or f.hardware = i.filter_hardware)
    where f.period <= $through::date and month(f.period) <> 1
),

comparable_units as (
    -- comparable basis: the units with a prior-year base at the as-of month, and their industry
    select indicator_id, unit_id, local_industry
    from measured
    where basis = 'comparable' and period = $as_of::date and ytd_py is not null
),

rows as (
    select
        m.indicator_id,
        m.basis,
        m.period,
        m.mon,
        m.mon_py,
        coalesce(c.local_industry, m.local_industry) as local_industry
    from measured as m
    left join comparable_units as c using (indicator_id, unit_id)
    where m.basis = 'published' or c.unit_id is not null
),

series as (
    select
        r.indicator_id,
        m.breakdown,
        case m.breakdown when 'zone' then '全区' else r.local_industry end as member,
        r.basis,
        r.period,
        sum(r.mon) as filed,
        sum(r.mon_py) filter (where year(r.period) = year($as_of::date) and r.period <= $as_of::date)
            as prior_base,
        count(*) as units
    from rows as r
    join members_of as m using (indicator_id)
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
        -- rounded to 0.01 yuan: DuckDB sums doubles in parallel in no fixed order, and a fit can
        -- amplify that last-bit noise; rounded inputs make every run's forecast the same
        round(case when year(s.period) < year($as_of::date) then s.filed * k.k else s.filed end, 6) as value,
        s.units,
        k.k as scale
    from series as s
    join scaling as k using (indicator_id, breakdown, member)
)

select * from final order by series_id, period
