-- Purpose: E204-1 above-quota wholesale/retail filings typed, in 千元, latest revision.
-- Grain: one row per enterprise_id x period. Upstream: staging.e204_1_typed.
with typed as (
    select * from staging.e204_1_typed
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
