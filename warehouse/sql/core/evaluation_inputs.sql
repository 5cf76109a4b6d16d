-- Purpose: the office's annual evaluation supplement (亩均效益评价补充表) by enterprise and year,
-- in 万元 (the form unit): assessed tax, main pollutant emissions (tonnes; null = no emissions
-- data), fixed assets and depreciation, intermediate inputs, VAT payable, labour compensation,
-- R&D expenditure and the status that decides whether the firm is graded.
-- A unit missing from every register stays out, as with the other forms.
-- Grain: one row per enterprise_id x year. Upstream: staging.evaluation_supplement,
-- staging.register_typed.
with supplement as (
    select *
    from staging.evaluation_supplement
    semi join staging.register_typed as e using (enterprise_id)
),

final as (
    select
        enterprise_id,
        year,
        assessed_tax,
        pollutant_emissions,
        gross_fixed_assets,
        accumulated_depreciation,
        depreciation,
        intermediate_inputs,
        vat_payable,
        labour_compensation,
        rd_expenditure,
        evaluation_status,
        revisions,
        _load_id
    from supplement
)

select * from final
