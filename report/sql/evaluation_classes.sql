-- Purpose: the class distribution of the year's graded firms (the report section and the
-- workbook): firms, share, land, mean score and the migration from last year per class.
-- Grain: one row per class. Key: class.
-- Upstream: marts.enterprise_evaluation. Parameters: $year, $classes, $labels (the configured
-- classes and their Chinese names, in order).
with graded as (
    select * from marts.enterprise_evaluation where year = $year and graded
),

levels as (
    select unnest($classes) as class, unnest($labels) as label_zh, generate_subscripts($classes, 1) as sort_order
),

final as (
    select
        l.class,
        l.label_zh,
        count(g.enterprise_id) as firms,
        count(g.enterprise_id) * 100.0 / nullif((select count(*) from graded), 0) as share_pct,
        sum(g.land_area_mu) as land_mu,
        sum(g.land_area_mu) * 100.0 / nullif((select sum(land_area_mu) from graded), 0) as land_share_pct,
        avg(g.score) as mean_score,
        min(g.score) as min_score,
        count(*) filter (where g.migration = 'up') as moved_up,
        count(*) filter (where g.migration = 'down') as moved_down,
        count(*) filter (where g.migration = 'new') as newly_graded
    from levels as l
    left join graded as g using (class)
    group by l.class, l.label_zh, l.sort_order
    order by l.sort_order
)

select * from final
