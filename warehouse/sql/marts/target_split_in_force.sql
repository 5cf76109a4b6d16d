-- Purpose: which target split is in force in each month: the latest split (marts.target_split) made
-- in or before the month, in the same year. The report, its target path and the bulletin read the
-- split of their month from here.
-- Grain: one row per month from a year's first split to December. Key: period.
-- Upstream: marts.target_split.
with split_months as (
    select distinct
        as_of,
        unnest(generate_series(date_trunc('month', as_of), make_date(year(as_of), 12, 1), interval 1 month))::date
            as period
    from marts.target_split
)

select period, max(as_of) as as_of
from split_months
group by period
