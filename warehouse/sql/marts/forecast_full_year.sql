-- Purpose: where the full year lands, per forecast indicator and breakdown member: year-to-date
-- actual, the rest-of-year forecast, full-year value and growth with 80/95% bounds from the
-- model's simulated paths, the annual target, the growth the remaining months need, and the
-- probability of meeting the target (share of simulated paths whose full-year growth reaches it).
-- Grain: as_of x indicator_id x breakdown x member.
-- Upstream: _fc_paths (series_id, path, period, value), _fc_series (series_id, indicator_id,
-- breakdown, member, ytd_actual, base_ytd, base_full_year, target_growth_pct, model, status),
-- marts.forecast_monthly (reconcile factors). Parameter: $as_of.
with factors as (
    select indicator_id, breakdown, member, period, reconcile_factor
    from marts.forecast_monthly
    where as_of = $as_of::date
),

-- Sums and means of floats in a fixed order (list_sum / list_avg over an ordered list): as parallel
-- aggregates their last bits followed the threads, and the same forecast stored twice differed.
path_totals as (
    select p.series_id, p.path, list_sum(list(p.value * f.reconcile_factor order by p.period)) as rest
    from _fc_paths as p
    join _fc_series as s using (series_id)
    join factors as f using (indicator_id, breakdown, member, period)
    group by all
),

outcomes as (
    select
        s.series_id,
        t.path,
        t.rest,
        s.ytd_actual + t.rest as full_year,
        ((s.ytd_actual + t.rest) / nullif(s.base_full_year, 0) - 1) * 100 as growth
    from path_totals as t
    join _fc_series as s using (series_id)
),

summary as (
    select
        series_id,
        list_avg(list(rest order by path)) as rest_mean,
        list_avg(list(full_year order by path)) as full_year_mean,
        quantile_cont(full_year, 0.10) as full_year_lo_80,
        quantile_cont(full_year, 0.90) as full_year_hi_80,
        quantile_cont(full_year, 0.025) as full_year_lo_95,
        quantile_cont(full_year, 0.975) as full_year_hi_95,
        quantile_cont(growth, 0.10) as growth_lo_80_pct,
        quantile_cont(growth, 0.90) as growth_hi_80_pct,
        quantile_cont(growth, 0.025) as growth_lo_95_pct,
        quantile_cont(growth, 0.975) as growth_hi_95_pct,
        count(*) as n_paths
    from outcomes
    group by series_id
),

final as (
    select
        $as_of::date as as_of,
        s.indicator_id,
        s.breakdown,
        s.member,
        s.measure,
        s.ytd_actual,
        m.rest_mean,
        m.full_year_mean,
        m.full_year_lo_80,
        m.full_year_hi_80,
        m.full_year_lo_95,
        m.full_year_hi_95,
        s.base_ytd,
        s.base_full_year,
        (m.full_year_mean / nullif(s.base_full_year, 0) - 1) * 100 as growth_mean_pct,
        m.growth_lo_80_pct,
        m.growth_hi_80_pct,
        m.growth_lo_95_pct,
        m.growth_hi_95_pct,
        s.target_growth_pct,
        ((1 + s.target_growth_pct / 100) * s.base_full_year - s.ytd_actual)
            / nullif(s.base_full_year - s.base_ytd, 0) * 100 - 100 as required_rest_growth_pct,
        case when s.target_growth_pct is not null then
            (select avg(case when o.growth >= s.target_growth_pct then 1.0 else 0.0 end)
             from outcomes as o where o.series_id = s.series_id) end as prob_meet_target,
        m.n_paths,
        s.model,
        s.status
    from _fc_series as s
    join summary as m using (series_id)
)

select * from final
