-- Purpose: one monthly series per enterprise for a measure (本月, 万元), up to the as-of month: the
-- input of enterprise-level forecasts (flows/enterprise_forecast.py), one series per enterprise.
-- Units: those in the measure's scope (规上/限上) in the as-of year that filed the as-of month;
-- `$limit` keeps the first N of them by id (a sample to measure with; 0 = all). Months before
-- the first filing of a unit are absent, not zero; history is capped at five years.
-- Grain: series_id (the unit) x period. Upstream: marts.measure_facts.
-- Parameters: $as_of, $measure, $limit.
with units as (
    select unit_id
    from marts.measure_facts
    where period = $as_of and measure = $measure and scope is not null and mon is not null
    qualify $limit = 0 or row_number() over (order by unit_id) <= $limit
)

select f.unit_id as series_id, f.period, f.mon as value
from marts.measure_facts as f
semi join units as u on u.unit_id = f.unit_id
where f.measure = $measure
    and f.period between cast($as_of::date - interval 5 year as date) and $as_of
    and f.mon is not null
order by series_id, f.period
