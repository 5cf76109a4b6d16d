-- Purpose: the periods the report needs (this year up to $period and the whole of last year)
-- that have filings in core but no evaluated indicators yet; the report evaluates them first.
-- Grain: one row per period. Upstream: marts.measure_facts, marts.indicator_values.
-- Parameter: $period.
with needed as (
    select distinct period
    from marts.measure_facts
    where month(period) <> 1
        and ((year(period) = year($period::date) and period <= $period::date)
             or year(period) = year($period::date) - 1)
),

evaluated as (
    select distinct period from marts.indicator_values
),

final as (
    select period from needed
    union
    select $period::date
)

select period from final anti join evaluated using (period) order by period
