-- Purpose: the enterprises (and projects) to follow up with, one row per unit: every open
-- problem of the year to date (rows rejected at load with no accepted filing since, rows failing
-- the latest validation run or held in quarantine, filings missing for the period), with the
-- contact person and phone from the register. Load warnings are informational and left out.
-- Grain: one row per unit_id. Key: unit_id. Upstream: _report_problems, marts.measure_facts,
-- core.enterprises, core.investment, meta.local_industries.
with problems as (
    select *
    from _report_problems
    where not (source = 'load' and outcome = 'warning')
),

accepted as (
    select distinct form, unit_id, period from marts.measure_facts
),

open_problems as (
    select p.*
    from problems as p
    where not (p.outcome = 'rejected' and exists (
        select 1 from accepted as a
        where a.form = p.form and a.unit_id = p.unit_id and a.period = p.period))
),

projects as (
    select project_id, any_value(project_name) as project_name, any_value(enterprise_id) as enterprise_id
    from core.investment
    group by project_id
),

per_unit as (
    select
        coalesce(unit_id, '(无代码 no id)') as unit_id,
        min(severity) as severity,   -- 'critical' sorts before 'warning'
        count(*) as issues,
        string_agg(coalesce(strftime(period, '%Y-%m'), '?') || ' ' || form || ': ' || detail, '; '
                   order by period, form, detail) as problems
    from open_problems
    group by all
),

final as (
    select
        u.unit_id,
        coalesce(e.enterprise_name, p.project_name, pe.enterprise_name, '(名录中无此代码 not in register)')
            as unit_name,
        coalesce(li.label_zh, e.local_industry, '') as local_industry,
        coalesce(e.contact_person, pe.contact_person) as contact_person,
        coalesce(e.contact_phone, pe.contact_phone) as contact_phone,
        u.severity,
        case u.severity when 'critical' then '严重 critical' else '提示 warning' end as severity_label,
        u.issues,
        u.problems
    from per_unit as u
    left join core.enterprises as e on e.enterprise_id = u.unit_id
    left join projects as p on p.project_id = u.unit_id
    left join core.enterprises as pe on pe.enterprise_id = p.enterprise_id
    left join meta.local_industries as li on li.id = e.local_industry
)

select * from final order by severity, unit_name, unit_id
