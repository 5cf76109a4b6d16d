-- Purpose: 206-1 investment project filings typed, in 万元, latest revision per project x month.
-- Grain: one row per project_id x period. Upstream: staging.f206_1_typed.
with typed as (
    select * from staging.f206_1_typed
),

final as (
    select
        *,
        count(*) over (partition by project_id, period) as revisions
    from typed
    qualify row_number() over (
        partition by project_id, period order by _load_id desc, _source_row desc) = 1
)

select * from final
