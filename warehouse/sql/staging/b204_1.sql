-- Purpose: B204-1 industrial output filings typed, in 千元, latest revision per enterprise x month.
-- Grain: one row per enterprise_id x period (first day of the month; Feb = Jan-Feb).
-- Upstream: raw.b204_1, audit.rejected_rows.
with received as (
    select r.*
    from raw.b204_1 as r
    anti join audit.rejected_rows as x
        on x.load_id = r._load_id and x.source_row = r._source_row
),

typed as (
    select
        upper(trim(enterprise_id)) as enterprise_id,
        zs_period(period) as period,
        zs_num(gross_output_value) * _units['gross_output_value'] as gross_output_value,
        zs_num(gross_output_value_ytd) * _units['gross_output_value_ytd'] as gross_output_value_ytd,
        zs_num(gross_output_value_ytd_prior) * _units['gross_output_value_ytd_prior'] as gross_output_value_ytd_prior,
        zs_num(sales_output_value) * _units['sales_output_value'] as sales_output_value,
        zs_num(sales_output_value_ytd) * _units['sales_output_value_ytd'] as sales_output_value_ytd,
        zs_num(export_delivery_value) * _units['export_delivery_value'] as export_delivery_value,
        zs_num(export_delivery_value_ytd) * _units['export_delivery_value_ytd'] as export_delivery_value_ytd,
        _load_id,
        _source_file,
        _source_row
    from received
),

final as (
    select
        *,
        count(*) over (partition by enterprise_id, period) as revisions
    from typed
    qualify row_number() over (
        partition by enterprise_id, period order by _load_id desc, _source_row desc) = 1
)

select * from final
