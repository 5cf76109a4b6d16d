-- Purpose: the follow-up list (审核反馈清单) the statistics centre sends back to enterprises: every
-- figure that failed a check in the latest completed validation run of the period, with the unit's
-- name and contacts from the register and the check in Chinese. Critical first.
-- Grain: one row per failing row x check x field (or per missing filing).
-- Upstream: audit.validation_runs, audit.validation_failures, audit.validation_results,
-- staging.register, staging.f206_1. Parameters: $period; $forms, $form_codes, $form_labels and
-- $fields, $field_labels (parallel lists of labels from the input contract).
with run as (
    select max(run_id) as run_id
    from audit.validation_runs
    where period = $period and status in ('passed', 'failed')
),

failures as (
    select f.*
    from audit.validation_failures as f
    join run using (run_id)
),

reasons as (
    select suite, check_name, any_value(reason_zh) as reason_zh
    from audit.validation_results
    join run using (run_id)
    group by suite, check_name
),

register as (
    select enterprise_id, enterprise_name, contact_person, contact_phone
    from staging.register
    where year <= year(cast($period as date))
    qualify row_number() over (partition by enterprise_id order by year desc) = 1
),

projects as (
    select project_id, any_value(project_name) as project_name, any_value(enterprise_id) as enterprise_id
    from staging.f206_1
    group by project_id
),

forms as (
    select unnest($forms) as suite, unnest($form_codes) as form_code, unnest($form_labels) as form_label
),

labels as (
    select unnest($fields) as field, unnest($field_labels) as field_label
),

final as (
    select
        f.unit_id,
        coalesce(p.project_name, r.enterprise_name) as unit_name,
        r.contact_person,
        r.contact_phone,
        fm.form_code,
        fm.form_label,
        zs_period_label(f.period) as period_label,
        coalesce(l.field_label, f.field) as field_label,
        f.value,
        f.expected,
        rs.reason_zh as check_reason,
        case when f.severity = 'critical' then '强制性审核(须更正)' else '核实性审核(须核实说明)' end as severity_label,
        f.detail,
        case when f.severity = 'critical' then '数据暂缓入库, 请更正后重新报送'
             when f.load_id is null then '请尽快报送'
             else '请核实; 如数据无误, 请说明原因' end as action,
        f.severity,
        f.suite,
        f.check_name,
        f.load_id,
        f.source_row
    from failures as f
    left join forms as fm on fm.suite = f.suite
    left join labels as l on l.field = f.field
    left join reasons as rs on rs.suite = f.suite and rs.check_name = f.check_name
    left join projects as p on f.suite = 'f206_1' and p.project_id = f.unit_id
    left join register as r on r.enterprise_id = coalesce(p.enterprise_id, f.unit_id)
    order by f.severity, f.suite, f.unit_id, f.check_name, f.field
)

select * from final
