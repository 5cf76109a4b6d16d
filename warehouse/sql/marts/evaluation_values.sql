-- Purpose: the six 亩均 indicators of each firm and year in long form, as numerator and
-- denominator (so a zone benchmark is Σ numerator / Σ denominator), value = their ratio.
-- Units: 万元/亩, 万元/亩, 万元/吨标准煤, 万元/吨, 万元/人, ratio. A zero or missing denominator
-- gives no value (nullif): no emissions data is the documented case (the firm gets the average
-- points on that indicator, evaluation_scores.sql).
-- Grain: one row per year x enterprise_id x indicator. Key: year, enterprise_id, indicator.
-- Upstream: _eval_firms (evaluation_firms.sql, materialised by warehouse/evaluation.py).
with firms as (
    select * from _eval_firms
),

long as (
    select year, enterprise_id, 'tax_per_mu' as indicator, assessed_tax as numerator, land_area_mu as denominator
    from firms
    union all
    select year, enterprise_id, 'va_per_mu', value_added, land_area_mu from firms
    union all
    select year, enterprise_id, 'va_per_energy', value_added, energy_tce from firms
    union all
    select year, enterprise_id, 'va_per_emission', value_added, pollutant_emissions from firms
    union all
    select year, enterprise_id, 'labour_productivity', value_added, avg_employees from firms
    union all
    select year, enterprise_id, 'rd_intensity', coalesce(rd_expenditure, rd_expense), revenue from firms
),

final as (
    select
        year,
        enterprise_id,
        indicator,
        numerator,
        nullif(denominator, 0) as denominator,
        numerator / nullif(denominator, 0) as value
    from long
)

select * from final
