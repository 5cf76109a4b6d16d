-- Purpose: the zone register (名录库) typed and normalised; latest revision per unit and year.
-- Grain: one row per enterprise_id x year. Upstream: staging.register_typed.
with typed as (
    select * from staging.register_typed
),

final as (
    select *
    from typed
    qualify row_number() over (
        partition by enterprise_id, year order by _load_id desc, _source_row desc) = 1
)

select * from final
