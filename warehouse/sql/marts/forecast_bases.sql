-- Purpose: the bases of the full-year outlook, taken from year-to-date values (never rebuilt from
-- months): per forecast indicator and member, the prior-year base to the as-of month (base_ytd),
-- to December (base_full_year) and of the rest of the year (base_rest = the difference), on the
-- scope of the growth. Published basis: last year's units, the sums of their YTD at the same month
-- and at December. Comparable basis: the units with a base at the as-of month (the growth's own
-- units); each one's full-year base is its base to the as-of month plus what it filed last year
-- after that month (December YTD minus the same-month YTD of its own filings); a unit without both
-- of those filings (e.g. an entrant whose base comes from the 上年同期 column) gets the rest of its
-- year in proportion, from the member's units that have them (`n_estimated` counts them).
-- Grain: indicator_id x breakdown x member. Upstream: meta.indicators, marts.measure_facts.
-- Parameter: $as_of (date).
with ind as (
    select * from meta.indicators where forecast
),

members_of as (
    select indicator_id, unnest(list_intersect(breakdowns, ['zone', 'local_industry'])) as breakdown
    from ind
),

measured as (
    select i.indicator_id, i.basis, f.unit_id, f.period, f.ytd, f.ytd_py, f.local_industry
    from marts.measure_facts as f
    join ind as i
        on f.measure = i.measure and f.scope = i.scope
        and (i.filter_is_manufacturing is null or f.is_manufacturing = i.filter_is_manufacturing)
        and (i.filter_sei_flag is null or f.sei_flag = i.filter_sei_flag)
        and (i.filter_hardware is null or f.hardware = i.filter_hardware)
    where f.period in ($as_of::date, ($as_of::date - interval 1 year)::date,
                       make_date(year($as_of::date) - 1, 12, 1))
),

published as (
    -- last year's units: their YTD at the same month and at December
    select
        indicator_id,
        local_industry,
        sum(ytd) filter (where period = ($as_of::date - interval 1 year)::date) as base_ytd,
        sum(ytd) filter (where period = make_date(year($as_of::date) - 1, 12, 1)) as base_full_year,
        false as estimated
    from measured
    where basis = 'published' and year(period) = year($as_of::date) - 1
    group by indicator_id, unit_id, local_industry
),

comparable as (
    -- this year's units with a base, and the rest of last year from their own filings
    select
        n.indicator_id,
        n.local_industry,
        n.ytd_py as base_ytd,
        d.ytd - s.ytd as rest_known
    from measured as n
    left join measured as s
        on s.indicator_id = n.indicator_id and s.unit_id = n.unit_id
        and s.period = ($as_of::date - interval 1 year)::date
    left join measured as d
        on d.indicator_id = n.indicator_id and d.unit_id = n.unit_id
        and d.period = make_date(year($as_of::date) - 1, 12, 1)
    where n.basis = 'comparable' and n.period = $as_of::date and n.ytd_py is not null
),

units as (
    select indicator_id, local_industry, base_ytd, base_full_year, estimated, null::double as rest_known
    from published
    union all
    select indicator_id, local_industry, base_ytd, null, rest_known is null, rest_known
    from comparable
),

by_member as (
    select
        u.indicator_id,
        m.breakdown,
        case m.breakdown when 'zone' then '全区' else u.local_industry end as member,
        sum(u.base_ytd) as base_ytd,
        sum(u.base_full_year) as base_full_year_published,
        sum(u.base_ytd) filter (where not u.estimated) as base_ytd_known,
        sum(u.rest_known) as rest_known,
        sum(u.base_ytd) filter (where u.estimated) as base_ytd_estimated,
        count(*) filter (where u.estimated) as n_estimated,
        count(*) as n_units
    from units as u
    join members_of as m using (indicator_id)
    group by all
),

ratios as (
    -- the rest of last year per unit of base, from the units that filed it: the member's, else the zone's
    select
        b.indicator_id, b.breakdown, b.member,
        coalesce(b.rest_known / nullif(b.base_ytd_known, 0),
                 z.rest_known / nullif(z.base_ytd_known, 0)) as rest_ratio
    from by_member as b
    join by_member as z on z.indicator_id = b.indicator_id and z.breakdown = 'zone'
),

final as (
    select
        b.indicator_id,
        b.breakdown,
        b.member,
        i.basis,
        b.base_ytd,
        case i.basis
            when 'published' then b.base_full_year_published
            else b.base_ytd + coalesce(b.rest_known, 0) + coalesce(b.base_ytd_estimated * r.rest_ratio, 0)
        end as base_full_year,
        b.n_units,
        case i.basis when 'published' then 0 else b.n_estimated end as n_estimated
    from by_member as b
    join ratios as r using (indicator_id, breakdown, member)
    join ind as i using (indicator_id)
)

select
    *,
    base_full_year - coalesce(base_ytd, 0) as base_rest
from final
