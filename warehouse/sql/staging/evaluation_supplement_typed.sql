-- Purpose: the rows of raw.evaluation_supplement (the office's annual 亩均 evaluation supplement)
-- that passed the row checks, typed and in the form unit (万元); every revision. The status is
-- normalised to normal | start_up | construction | utility (other text is kept, lower-cased,
-- and the evaluation leaves such a firm ungraded, naming the text).
-- Filled when a file is loaded (temp table _checked; warehouse/typing.py); re-derived from raw
-- when this SQL changes (warehouse/staging.py).
-- Grain: one row per accepted raw row. Key: _load_id, _source_row.
-- Upstream: _checked (rows of raw.evaluation_supplement), audit.rejected_rows, audit.load_factors.
-- Parameters: $first_load, $last_load.
with received as (
    select r.*, f.*
    from _checked as r
    anti join audit.rejected_rows as x
        on x.load_id = r._load_id and x.source_row = r._source_row
    left join (
        select load_id,
            units['assessed_tax'] as f_assessed_tax,
            units['gross_fixed_assets'] as f_gross_fixed_assets,
            units['accumulated_depreciation'] as f_accumulated_depreciation,
            units['depreciation'] as f_depreciation,
            units['intermediate_inputs'] as f_intermediate_inputs,
            units['vat_payable'] as f_vat_payable,
            units['labour_compensation'] as f_labour_compensation,
            units['rd_expenditure'] as f_rd_expenditure
        from audit.load_factors
    ) as f
        on f.load_id = r._load_id
    where r._load_id between $first_load and $last_load
),

typed as (
    select
        t_enterprise_id as enterprise_id,
        t_year as year,
        t_assessed_tax * f_assessed_tax as assessed_tax,
        t_pollutant_emissions as pollutant_emissions,
        t_gross_fixed_assets * f_gross_fixed_assets as gross_fixed_assets,
        t_accumulated_depreciation * f_accumulated_depreciation as accumulated_depreciation,
        t_depreciation * f_depreciation as depreciation,
        t_intermediate_inputs * f_intermediate_inputs as intermediate_inputs,
        t_vat_payable * f_vat_payable as vat_payable,
        t_labour_compensation * f_labour_compensation as labour_compensation,
        t_rd_expenditure * f_rd_expenditure as rd_expenditure,
        case
            when t_evaluation_status is null
                or lower(t_evaluation_status) in ('正常', '正常生产', '参评', 'normal') then 'normal'
            when lower(t_evaluation_status) in ('新办', '新办企业', '新投产', '投产未满一年', 'start_up', 'startup')
                then 'start_up'
            when lower(t_evaluation_status) in ('在建', '基建期', '建设期', 'construction') then 'construction'
            when lower(t_evaluation_status) in ('公用事业', '公共事业', 'utility', 'public_utility') then 'utility'
            else lower(t_evaluation_status)
        end as evaluation_status,
        _load_id,
        _source_file,
        _source_row
    from received
)

select * from typed
