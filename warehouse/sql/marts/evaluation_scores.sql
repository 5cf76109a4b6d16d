-- Purpose: the 亩均 score and class of every graded firm and year: points per indicator =
-- weight × value / benchmark, clipped to [0, cap]; benchmark from the configuration or the
-- zone's aggregate of the year; no emissions data: the average points of the graded firms that
-- have it. Classes by configured percentiles of the ranking (rank <= round(cumulative share ×
-- graded firms)) or score thresholds, within the zone and within each local industry; the class
-- of the year before (same configuration) and the migration.
-- Grain: one row per year x enterprise_id (every evaluated firm; ungraded ones without points).
-- Upstream: _eval_firms, _eval_values, _eval_rules, _eval_classes (warehouse/evaluation.py).
with facts as (
    select v.*, f.graded, f.local_industry, r.weight, r.cap, r.benchmark as configured
    from _eval_values as v
    join _eval_firms as f using (year, enterprise_id)
    join _eval_rules as r using (indicator)
),

benchmarks as (
    select
        year,
        indicator,
        coalesce(any_value(configured),
                 sum(numerator) filter (where graded and value is not null)
                 / nullif(sum(denominator) filter (where graded and value is not null), 0)) as benchmark
    from facts
    group by year, indicator
),

pointed as (
    select
        f.*,
        b.benchmark,
        -- least/greatest skip nulls in DuckDB: a missing value must stay missing, hence the case
        case when f.graded and f.value is not null and b.benchmark > 0
            then f.weight * greatest(0, least(f.value / b.benchmark, coalesce(f.cap, 'infinity'::double)))
        end as raw_points
    from facts as f
    join benchmarks as b using (year, indicator)
),

filled as (
    select
        *,
        graded and raw_points is null and indicator = 'va_per_emission' as imputed,
        case
            when not graded then null
            when raw_points is not null then raw_points
            when indicator = 'va_per_emission' then avg(raw_points) over (partition by year, indicator)
            else 0
        end as points
    from pointed
),

wide as (
    select
        year,
        enterprise_id,
        any_value(graded) as graded,
        any_value(local_industry) as local_industry,
        max(value) filter (where indicator = 'tax_per_mu') as tax_per_mu,
        max(value) filter (where indicator = 'va_per_mu') as va_per_mu,
        max(value) filter (where indicator = 'va_per_energy') as va_per_energy,
        max(value) filter (where indicator = 'va_per_emission') as va_per_emission,
        max(value) filter (where indicator = 'labour_productivity') as labour_productivity,
        max(value) filter (where indicator = 'rd_intensity') as rd_intensity,
        max(points) filter (where indicator = 'tax_per_mu') as points_tax_per_mu,
        max(points) filter (where indicator = 'va_per_mu') as points_va_per_mu,
        max(points) filter (where indicator = 'va_per_energy') as points_va_per_energy,
        max(points) filter (where indicator = 'va_per_emission') as points_va_per_emission,
        max(points) filter (where indicator = 'labour_productivity') as points_labour_productivity,
        max(points) filter (where indicator = 'rd_intensity') as points_rd_intensity,
        bool_or(imputed) as emissions_imputed,
        case when any_value(graded) then sum(points) end as score
    from filled
    group by year, enterprise_id
),

ranked as (
    select
        *,
        row_number() over (partition by year order by score desc, enterprise_id) as rank_zone,
        count(*) over (partition by year) as graded_zone,
        row_number() over (partition by year, local_industry order by score desc, enterprise_id) as rank_industry,
        count(*) over (partition by year, local_industry) as graded_industry
    from wide
    where graded
),

classed as (
    select
        r.year,
        r.enterprise_id,
        arg_min(c.class, c.sort_order) filter (where case when c.method = 'percentile'
            then r.rank_zone <= round(c.cum_share * r.graded_zone)
            else c.min_score is null or r.score >= c.min_score end) as class,
        arg_min(c.class, c.sort_order) filter (where case when c.method = 'percentile'
            then r.rank_industry <= round(c.cum_share * r.graded_industry)
            else c.min_score is null or r.score >= c.min_score end) as class_in_industry
    from ranked as r
    cross join _eval_classes as c
    group by r.year, r.enterprise_id
),

final as (
    select
        w.*,
        r.rank_zone,
        r.graded_zone,
        r.rank_industry,
        r.graded_industry,
        c.class,
        c.class_in_industry,
        p.class as class_prior_year,
        case
            when c.class is null then null
            when p.class is null then 'new'
            when c.class = p.class then 'same'
            when co.sort_order < po.sort_order then 'up'
            else 'down'
        end as migration
    from wide as w
    left join ranked as r using (year, enterprise_id)
    left join classed as c using (year, enterprise_id)
    left join classed as p
        on p.enterprise_id = w.enterprise_id and p.year = w.year - 1
    left join _eval_classes as co on co.class = c.class
    left join _eval_classes as po on po.class = p.class
)

select * from final
