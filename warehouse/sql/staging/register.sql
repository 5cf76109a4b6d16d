-- Purpose: the zone register (名录库) typed and normalised; latest revision per unit and year.
-- Grain: one row per enterprise_id x year. Upstream: staging.register_typed.
with typed as not materialized (
    select * from staging.register_typed
),

revisions as (
    -- the latest revision of each key: the highest load id, then the file's last row
    select
        enterprise_id,
        year,
        max(_load_id * 4294967296 + _source_row) as revision_key,
        count(*) as revisions
    from typed
    group by enterprise_id, year
),

final as (
    select
        t.*,
        r.revisions
    from typed as t
    join revisions as r
        -- a revision key is one row's own (_load_id, _source_row): joining on it alone is enough,
        -- and a third cheaper than joining on the whole key as well
        on r.revision_key = t._load_id * 4294967296 + t._source_row
)

select * from final
