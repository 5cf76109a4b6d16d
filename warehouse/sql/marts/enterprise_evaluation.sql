-- Purpose: the enterprise evaluation (亩均效益综合评价 and TFP) of each above-scale industrial
-- firm and year: inputs and how value added was got (va_method), the six indicators and their
-- points, score, class (zone and local industry), class migration, TFP by growth accounting and
-- by ACF with their ranks within the local industry, and the method flags.
-- Grain: one row per year x enterprise_id. Key: year, enterprise_id.
-- Upstream: _eval_firms, _eval_scores, _eval_tfp (warehouse/evaluation.py).
-- Parameters: $version (of the configuration), $evaluated_at.
with tfp_ranked as (
    select
        t.*,
        case when t.tfp_ga is not null then
            rank() over (partition by t.year, f.local_industry, t.tfp_ga is null order by t.tfp_ga desc) end
            as tfp_ga_rank_industry,
        case when t.tfp_acf is not null then
            rank() over (partition by t.year, f.local_industry, t.tfp_acf is null order by t.tfp_acf desc) end
            as tfp_acf_rank_industry,
        count(t.tfp_ga) over (partition by t.year, f.local_industry) as tfp_firms_industry
    from _eval_tfp as t
    join _eval_firms as f using (year, enterprise_id)
),

final as (
    select
        f.year,
        f.enterprise_id,
        f.local_industry,
        f.industry_code,
        f.sub_area,
        f.land_area_mu,
        f.evaluation_status,
        f.graded,
        f.not_graded_reason,
        f.gross_output,
        f.revenue,
        f.value_added,
        f.va_method,
        f.rd_basis,
        f.assessed_tax,
        f.energy_tce,
        f.pollutant_emissions,
        f.avg_employees,
        f.net_fixed_assets,
        s.tax_per_mu,
        s.va_per_mu,
        s.va_per_energy,
        s.va_per_emission,
        s.labour_productivity,
        s.rd_intensity,
        s.points_tax_per_mu,
        s.points_va_per_mu,
        s.points_va_per_energy,
        s.points_va_per_emission,
        s.points_labour_productivity,
        s.points_rd_intensity,
        s.emissions_imputed,
        s.score,
        s.rank_zone,
        s.graded_zone,
        s.rank_industry,
        s.graded_industry,
        s.class,
        s.class_in_industry,
        s.class_prior_year,
        s.migration,
        t.tfp_ga,
        t.tfp_alpha,
        t.tfp_alpha_source,
        t.tfp_ga_rank_industry,
        t.tfp_acf,
        t.acf_beta_k,
        t.acf_beta_l,
        t.acf_scope,
        t.tfp_acf_rank_industry,
        t.tfp_firms_industry,
        $version as config_version,
        $evaluated_at::timestamp as evaluated_at
    from _eval_firms as f
    join _eval_scores as s using (year, enterprise_id)
    left join tfp_ranked as t using (year, enterprise_id)
)

select * from final
