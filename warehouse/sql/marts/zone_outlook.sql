-- Purpose: the zone's full-year outlook of each forecast indicator, per as-of month, as the report
-- and the bulletin quote it: one model per indicator (the first by name when several were stored).
-- Grain: month x indicator_id. Key: month, indicator_id. Upstream: marts.forecast_full_year.
select date_trunc('month', as_of)::date as month, *
from marts.forecast_full_year
where breakdown = 'zone'
qualify row_number() over (partition by date_trunc('month', as_of), indicator_id order by model) = 1
