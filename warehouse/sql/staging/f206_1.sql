-- Purpose: 206-1 investment project filings typed, in 万元, latest revision per project x month.
-- Grain: one row per project_id x period. Upstream: raw.f206_1, audit.rejected_rows.
with received as (
    select r.*
    from raw.f206_1 as r
    anti join audit.rejected_rows as x
        on x.load_id = r._load_id and x.source_row = r._source_row
),

typed as (
    select
        trim(project_id) as project_id,
        zs_period(period) as period,
        trim(project_name) as project_name,
        upper(trim(enterprise_id)) as enterprise_id,
        lpad(trim(industry_code), 4, '0') as industry_code,
        zs_num(planned_total_investment) * _units['planned_total_investment'] as planned_total_investment,
        zs_num(completed_investment_ytd) * _units['completed_investment_ytd'] as completed_investment_ytd,
        zs_date(start_date) as start_date,
        zs_bool(is_manufacturing) as is_manufacturing_given,
        _load_id,
        _source_file,
        _source_row
    from received
),

final as (
    select
        *,
        count(*) over (partition by project_id, period) as revisions
    from typed
    qualify row_number() over (
        partition by project_id, period order by _load_id desc, _source_row desc) = 1
)

select * from final
