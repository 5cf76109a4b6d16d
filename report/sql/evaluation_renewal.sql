-- Purpose: the land held by firms of the renewal classes (C and D by configuration) per area of
-- the zone: the candidates for low-efficiency land renewal, with the area's total graded land.
-- Grain: one row per sub_area. Key: sub_area.
-- Upstream: marts.enterprise_evaluation. Parameters: $year, $renewal (classes).
with graded as (
    select * from marts.enterprise_evaluation where year = $year and graded
),

final as (
    select
        sub_area,
        count(*) filter (where list_contains($renewal, class)) as firms,
        count(*) filter (where class = $renewal[-1]) as firms_last_class,
        sum(land_area_mu) filter (where list_contains($renewal, class)) as land_mu,
        sum(land_area_mu) as graded_land_mu,
        sum(land_area_mu) filter (where list_contains($renewal, class)) * 100.0
            / nullif(sum(land_area_mu), 0) as land_share_pct,
        avg(score) filter (where list_contains($renewal, class)) as mean_score
    from graded
    group by sub_area
    order by land_mu desc nulls last, sub_area
)

select * from final
