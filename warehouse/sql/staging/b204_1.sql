-- Purpose: B204-1 industrial output filings typed, in 千元, latest revision per enterprise x month.
-- Grain: one row per enterprise_id x period (first day of the month; Feb = Jan-Feb).
-- Upstream: staging.b204_1_typed.
with typed as (
    select * from staging.b204_1_typed
),

final as (
    select
        *,
        count(*) over (partition by enterprise_id, period) as revisions
    from typed
    qualify row_number() over (
        partition by enterprise_id, period order by _load_id desc, _source_row desc) = 1
)

select * from final
