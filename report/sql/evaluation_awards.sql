-- Purpose: the award list (全要素生产率先进企业): within each local industry with at least
-- $min_firms graded firms, the $top graded firms of the award classes whose value added was
-- measured by one of $va_methods, with the best TFP by the configured ranking (growth accounting
-- or ACF), best first.
-- Grain: one row per awarded enterprise. Key: enterprise_id.
-- Upstream: marts.enterprise_evaluation, core.enterprises, meta.local_industries.
-- Parameters: $year, $top, $classes, $min_firms, $ranking ('growth_accounting' | 'acf'), $va_methods.
with eligible as (
    select
        e.*,
        case when $ranking = 'acf' then e.tfp_acf else e.tfp_ga end as tfp
    from marts.enterprise_evaluation as e
    where e.year = $year and e.graded and list_contains($classes, e.class) and list_contains($va_methods, e.va_method)
        and e.graded_industry >= $min_firms
),

ranked as (
    select *, row_number() over (partition by local_industry order by tfp desc, enterprise_id) as award_rank
    from eligible
    where tfp is not null
),

final as (
    select
        r.local_industry,
        coalesce(li.label_zh, r.local_industry) as industry_label,
        r.award_rank,
        r.enterprise_id,
        n.enterprise_name,
        exp(r.tfp) as tfp_index,
        r.tfp_ga_rank_industry,
        r.tfp_acf_rank_industry,
        r.tfp_firms_industry,
        r.class,
        r.score,
        r.rank_industry,
        r.graded_industry,
        r.va_method,
        case r.va_method when 'production' then '生产法' when 'income' then '收入法' end as va_method_label
    from ranked as r
    left join core.enterprises as n using (enterprise_id)
    left join meta.local_industries as li on li.id = r.local_industry
    where r.award_rank <= $top
    order by coalesce(li.sort_order, 999), r.award_rank
)

select * from final
