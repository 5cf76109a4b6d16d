-- Purpose: the office's list of evaluated firms of the year with names (the workbook's sheet per
-- class, the leaders list and the renewal candidates), best score first; ungraded firms last
-- with their reason.
-- Grain: one row per enterprise_id. Key: enterprise_id.
-- Upstream: marts.enterprise_evaluation, core.enterprises, meta.local_industries. Parameters: $year.
with final as (
    select
        e.*,
        n.enterprise_name,
        coalesce(li.label_zh, e.local_industry) as industry_label,
        exp(e.tfp_ga) as tfp_ga_index,
        exp(e.tfp_acf) as tfp_acf_index,
        case e.va_method when 'production' then '生产法' when 'income' then '收入法' when 'ratio' then '行业增加值率'
        end as va_method_label,
        case e.migration when 'up' then '升档' when 'down' then '降档' when 'same' then '持平' when 'new' then '首次参评'
        end as migration_label
    from marts.enterprise_evaluation as e
    left join core.enterprises as n using (enterprise_id)
    left join meta.local_industries as li on li.id = e.local_industry
    where e.year = $year
)

select * from final
order by graded desc, score desc nulls last, enterprise_id
