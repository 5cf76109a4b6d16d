-- Purpose: B203 finance filings typed, in 千元, latest revision per enterprise x month.
-- Grain: one row per enterprise_id x period. Upstream: staging.b203_typed.
with typed as not materialized (
    select * from staging.b203_typed
),

revisions as (
    -- the latest revision of each key: the highest load id, then the file's last row
    select
        enterprise_id,
        period,
        max(_load_id * 4294967296 + _source_row) as revision_key,
        count(*) as revisions
    from typed
    group by enterprise_id, period
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
