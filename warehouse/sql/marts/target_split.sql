-- Purpose: the zone's annual target split across local industries, with the H2 growth each
-- industry needs and the probability of meeting its share. Rule (targets file, split_rule): base =
-- shares in proportion to last year's full-year base, forecast = in proportion to the projected full
-- year; an industry with its own target in the file keeps it and the others share the rest (when
-- every industry has one, they are scaled to the zone's target). The shares add up to the zone's
-- target. Probabilities come from the forecast's simulated paths, each industry's rest of year
-- scaled path by path so that the industries add up to the zone's path: on every path the zone
-- meets its target exactly when the industries' full years add up to at least their shares.
-- Grain: as_of x indicator_id x breakdown x member (the zone row is member 全区).
-- Upstream: _fc_paths, _fc_series (split_rule), marts.forecast_monthly, marts.forecast_full_year.
-- Parameter: $as_of.
with factors as (
    select indicator_id, breakdown, member, period, reconcile_factor
    from marts.forecast_monthly
    where as_of = $as_of::date
),

zone as (
    select series_id, indicator_id, ytd_actual, base_ytd, base_full_year, split_rule,
        base_full_year * (1 + target_growth_pct / 100) as target_full_year
    from _fc_series
    where breakdown = 'zone' and target_growth_pct is not null and base_full_year > 0
),

industry as (
    select s.series_id, s.indicator_id, s.breakdown, s.member, s.ytd_actual, s.base_ytd, s.base_full_year,
        f.full_year_mean,
        s.target_growth_pct as override_growth_pct,
        s.base_full_year * (1 + s.target_growth_pct / 100) as override_full_year,
        greatest(case z.split_rule when 'forecast' then f.full_year_mean else s.base_full_year end, 0) as weight
    from _fc_series as s
    join zone as z using (indicator_id)
    left join marts.forecast_full_year as f
        on f.as_of = $as_of::date and f.indicator_id = s.indicator_id and f.breakdown = s.breakdown
        and f.member = s.member
    where s.breakdown = 'local_industry'
),

pools as (
    select indicator_id,
        -- in a fixed order, as the sums over paths below (the same split stored twice is the same bits)
        coalesce(list_sum(list(override_full_year order by member) filter (where override_growth_pct is not null)), 0)
            as overridden,
        list_sum(list(weight order by member) filter (where override_growth_pct is null)) as free_weight,
        count(*) filter (where override_growth_pct is null) as n_free
    from industry
    group by indicator_id
),

shares as (
    select i.*, z.split_rule, z.target_full_year as zone_target,
        case
            when p.n_free = 0 then z.target_full_year * i.override_full_year / nullif(p.overridden, 0)
            when i.override_growth_pct is not null then i.override_full_year
            else (z.target_full_year - p.overridden) * i.weight / nullif(p.free_weight, 0)
        end as target_full_year
    from industry as i
    join zone as z using (indicator_id)
    join pools as p using (indicator_id)
),

rests as (
    -- each series' rest of year per path, reconciled as in forecast_full_year.sql
    select p.series_id, p.path, list_sum(list(p.value * f.reconcile_factor order by p.period)) as rest
    from _fc_paths as p
    join _fc_series as s using (series_id)
    join factors as f using (indicator_id, breakdown, member, period)
    group by all
),

zone_paths as (
    select z.indicator_id, r.path, r.rest as zone_rest
    from zone as z
    join rests as r using (series_id)
),

scaled as (
    -- every industry on every zone path (its mean rest when it has no paths), scaled to the zone's
    select sh.indicator_id, sh.member,
        coalesce(r.rest, sh.full_year_mean - sh.ytd_actual) * zp.zone_rest
            / nullif(sum(coalesce(r.rest, sh.full_year_mean - sh.ytd_actual))
                     over (partition by sh.indicator_id, zp.path order by sh.member
                           rows between unbounded preceding and unbounded following), 0) as rest
    from shares as sh
    join zone_paths as zp using (indicator_id)
    left join rests as r on r.series_id = sh.series_id and r.path = zp.path
),

industry_probs as (
    select s.indicator_id, s.member,
        avg(case when sh.ytd_actual + s.rest >= sh.target_full_year then 1.0 else 0.0 end) as prob_meet_target,
        count(*) as n_paths
    from scaled as s
    join shares as sh using (indicator_id, member)
    group by all
),

zone_probs as (
    select z.indicator_id,
        avg(case when z.ytd_actual + zp.zone_rest >= z.target_full_year then 1.0 else 0.0 end) as prob_meet_target,
        count(*) as n_paths
    from zone as z
    join zone_paths as zp using (indicator_id)
    group by all
),

final as (
    select
        $as_of::date as as_of,
        indicator_id, breakdown, member, split_rule,
        ytd_actual, base_ytd, base_full_year, full_year_mean, override_growth_pct,
        target_full_year,
        target_full_year / nullif(zone_target, 0) * 100 as target_share_pct,
        (target_full_year / nullif(base_full_year, 0) - 1) * 100 as target_growth_pct,
        (target_full_year - ytd_actual) / nullif(base_full_year - base_ytd, 0) * 100 - 100
            as required_rest_growth_pct,
        prob_meet_target,
        n_paths
    from (
        select z.indicator_id, 'zone' as breakdown, '全区' as member, z.split_rule, z.ytd_actual, z.base_ytd,
            z.base_full_year, f.full_year_mean, null::double as override_growth_pct, z.target_full_year,
            z.target_full_year as zone_target, p.prob_meet_target, p.n_paths
        from zone as z
        left join zone_probs as p using (indicator_id)
        left join marts.forecast_full_year as f
            on f.as_of = $as_of::date and f.indicator_id = z.indicator_id and f.breakdown = 'zone'
        union all
        select sh.indicator_id, sh.breakdown, sh.member, sh.split_rule, sh.ytd_actual, sh.base_ytd,
            sh.base_full_year, sh.full_year_mean, sh.override_growth_pct, sh.target_full_year,
            sh.zone_target, p.prob_meet_target, p.n_paths
        from shares as sh
        left join industry_probs as p using (indicator_id, member)
    )
)

select * from final
