-- Purpose: every flow measure of every unit and period in one long shape, in 万元, with the
-- unit's scope and attributes for that year: the single input of the indicator model.
-- Grain: unit_id x period x measure. Upstream: core facts, core.register_year,
-- meta.local_industries, meta.industry_codes. Built as a view: callers filter on period.
with register as (
    select r.*, coalesce(li.hardware, false) as hardware
    from core.register_year as r
    left join meta.local_industries as li on li.id = r.local_industry
),

filed as (
    select 'B204-1' as form, enterprise_id as unit_id, period, year, month, unnest([
        {'measure': 'gross_output_value', 'ytd': gross_output_value_ytd, 'ytd_py': gross_output_value_ytd_py,
         'mon': gross_output_value_month, 'mon_py': gross_output_value_month_py},
        {'measure': 'sales_output_value', 'ytd': sales_output_value_ytd, 'ytd_py': sales_output_value_ytd_py,
         'mon': sales_output_value_month, 'mon_py': sales_output_value_month_py},
        {'measure': 'export_delivery_value', 'ytd': export_delivery_value_ytd,
         'ytd_py': export_delivery_value_ytd_py, 'mon': export_delivery_value_month,
         'mon_py': export_delivery_value_month_py}]) as m
    from core.industrial_output
    union all
    select 'B203', enterprise_id, period, year, month, unnest([
        {'measure': 'operating_revenue', 'ytd': operating_revenue_ytd, 'ytd_py': operating_revenue_ytd_py,
         'mon': operating_revenue_month, 'mon_py': operating_revenue_month_py},
        {'measure': 'rd_expense', 'ytd': rd_expense_ytd, 'ytd_py': rd_expense_ytd_py,
         'mon': rd_expense_month, 'mon_py': rd_expense_month_py},
        {'measure': 'total_profit', 'ytd': total_profit_ytd, 'ytd_py': total_profit_ytd_py,
         'mon': null::double, 'mon_py': null::double}])
    from core.finance
    union all
    select 'E204-1', enterprise_id, period, year, month, unnest([
        {'measure': 'retail_sales', 'ytd': retail_sales_ytd, 'ytd_py': retail_sales_ytd_py,
         'mon': retail_sales_month, 'mon_py': retail_sales_month_py},
        {'measure': 'goods_sales', 'ytd': goods_sales_ytd, 'ytd_py': goods_sales_ytd_py,
         'mon': goods_sales_month, 'mon_py': goods_sales_month_py}])
    from core.trade
),

enterprise_facts as (
    select
        f.form,
        f.unit_id,
        f.period,
        f.year,
        f.month,
        f.m.measure as measure,
        case when r.above_scale and r.unit_type = 'industry' and f.form in ('B204-1', 'B203')
                 then 'industry_above_scale'
             when r.above_scale and r.unit_type = 'trade' and f.form = 'E204-1' then 'trade_above_quota'
        end as scope,
        r.is_manufacturing,
        r.sei_flag,
        r.hardware,
        r.local_industry,
        r.sub_area,
        case when r.sei_flag then coalesce(r.sei_area, '战新(未分领域)') else '非战新' end as sei_area,
        f.m.ytd / 10 as ytd,          -- 千元 -> 万元
        f.m.ytd_py / 10 as ytd_py,
        f.m.mon / 10 as mon,
        f.m.mon_py / 10 as mon_py
    from filed as f
    join register as r on r.enterprise_id = f.unit_id and r.year = f.year
),

project_facts as (
    select
        '206-1' as form,
        i.project_id as unit_id,
        i.period,
        i.year,
        i.month,
        'completed_investment' as measure,
        case when i.planned_total_investment >= 500 then 'fai_projects' end as scope,
        i.is_manufacturing,
        false as sei_flag,
        coalesce(li.hardware, false) as hardware,
        coalesce(c.local_industry, 'other') as local_industry,
        '未分片区' as sub_area,
        '非战新' as sei_area,
        i.completed_investment_ytd as ytd,   -- already 万元
        i.completed_investment_ytd_py as ytd_py,
        i.completed_investment_month as mon,
        i.completed_investment_month_py as mon_py
    from core.investment as i
    left join meta.industry_codes as c on c.code = i.industry_code
    left join meta.local_industries as li on li.id = c.local_industry
),

final as (
    select * from enterprise_facts where scope is not null
    union all
    select * from project_facts where scope is not null
)

select * from final
