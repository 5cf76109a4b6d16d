-- Purpose: the inputs of the 亩均 evaluation per above-scale industrial firm and year, in 万元:
-- December year to date of B204-1 and B203, energy (205-1), the annual supplement and land from
-- the register; value added by the first method the inputs allow (va_method: production |
-- income | ratio), the R&D basis (rd_basis: expenditure | expense) and whether the firm is graded
-- (else why not: a status the configuration exempts, or a missing input, named).
-- Grain: one row per enterprise_id x year. Key: year, enterprise_id.
-- Upstream: core.register_year, core.industrial_output, core.finance, core.energy_use,
-- core.evaluation_inputs, meta.local_industries, _eval_va_ratio and _eval_not_graded (warehouse/evaluation_config.py).
-- Parameters: $years (the years evaluated).
with register as (
    select enterprise_id, year, local_industry, industry_code, sub_area, land_area_mu
    from core.register_year
    where above_scale and unit_type = 'industry' and list_contains($years, year)
),

output as (
    select enterprise_id, year, gross_output_value_ytd / 10.0 as gross_output
    from core.industrial_output
    where month = 12 and list_contains($years, year)
),

finance as (
    select enterprise_id, year, operating_revenue_ytd / 10.0 as revenue, rd_expense_ytd / 10.0 as rd_expense,
        taxes_ytd / 10.0 as taxes, total_profit_ytd / 10.0 as total_profit, avg_employees
    from core.finance
    where month = 12 and list_contains($years, year)
),

joined as (
    select
        r.*, o.gross_output, f.revenue, f.rd_expense, f.taxes, f.total_profit, f.avg_employees,
        e.energy_tce, e.through_month as energy_through_month,
        s.assessed_tax, s.pollutant_emissions, s.gross_fixed_assets, s.accumulated_depreciation,
        s.depreciation, s.intermediate_inputs, s.vat_payable, s.labour_compensation, s.rd_expenditure,
        s.evaluation_status, s.enterprise_id is not null as has_supplement,
        li.label_zh as local_industry_label,
        coalesce(v.ratio, d.ratio) as va_ratio
    from register as r
    left join meta.local_industries as li on li.id = r.local_industry
    left join output as o using (enterprise_id, year)
    left join finance as f using (enterprise_id, year)
    left join core.energy_use as e using (enterprise_id, year)
    left join core.evaluation_inputs as s using (enterprise_id, year)
    left join _eval_va_ratio as v on v.local_industry in (r.local_industry, li.label_zh)   -- id or label
    cross join (select ratio from _eval_va_ratio where local_industry = 'default') as d
),

valued as (
    select
        *,
        case
            when intermediate_inputs is not null and vat_payable is not null and gross_output is not null
                then 'production'
            when labour_compensation is not null and depreciation is not null and total_profit is not null
                then 'income'
            when gross_output is not null then 'ratio'
        end as va_method
    from joined
),

final as (
    select
        year,
        enterprise_id,
        local_industry,
        local_industry_label,
        industry_code,
        sub_area,
        land_area_mu,
        gross_output,
        revenue,
        rd_expense,
        rd_expenditure,
        case when rd_expenditure is not null then 'expenditure' else 'expense' end as rd_basis,
        taxes,
        total_profit,
        avg_employees,
        assessed_tax,
        energy_tce,
        pollutant_emissions,
        gross_fixed_assets,
        gross_fixed_assets - coalesce(accumulated_depreciation, 0) as net_fixed_assets,
        depreciation,
        intermediate_inputs,
        vat_payable,
        labour_compensation,
        case va_method
            when 'production' then gross_output - intermediate_inputs + vat_payable
            when 'income' then labour_compensation + depreciation + coalesce(taxes, 0) + coalesce(vat_payable, 0)
                + total_profit
            when 'ratio' then gross_output * va_ratio
        end as value_added,
        va_method,
        coalesce(evaluation_status, 'normal') as evaluation_status,
        case
            when evaluation_status in (select status from _eval_not_graded) then '不参评: ' || case evaluation_status
                when 'start_up' then '新办企业' when 'construction' then '在建(基建期)' else '公用事业' end
            when not has_supplement then '资料不全: 无评价补充表'
            when evaluation_status not in ('normal', 'start_up', 'construction', 'utility')
                then '企业状态未识别: ' || evaluation_status
            when gross_output is null or revenue is null then '资料不全: 无12月B204-1/B203报表'
            when coalesce(land_area_mu, 0) <= 0 then '资料不全: 无用地面积'
            when energy_tce is null or energy_through_month < 12 then '资料不全: 无全年综合能耗(205-1)'
            when coalesce(avg_employees, 0) <= 0 then '资料不全: 无平均用工人数'
            when assessed_tax is null then '资料不全: 无评价税收'
        end as not_graded_reason
    from valued
)

select *, not_graded_reason is null as graded from final
