-- Purpose: who was expected to file which form for the period and whether they did: the units
-- in the form's scope that year (investment projects: those active this or last month, as the
-- indicator model counts them). Materialised by the report as the temp table _report_expected.
-- Grain: one row per form x unit_id. Upstream: marts.scope_units, marts.measure_facts.
-- Parameters: $period; $forms, $form_labels, $form_scopes (parallel lists from the catalog).
with forms as (
    select unnest($forms) as form, unnest($form_labels) as form_label, unnest($form_scopes) as scope
),

expected as (
    select distinct f.form, f.form_label, u.unit_id, u.local_industry
    from marts.scope_units as u
    join forms as f using (scope)
    where u.year = year($period::date)
        and (u.first_period is null or (u.first_period <= $period::date
             and u.last_period >= ($period::date - interval 1 month)::date))
),

filed as (
    select distinct form, unit_id
    from marts.measure_facts
    where period = $period::date
),

final as (
    select e.form, e.form_label, e.unit_id, e.local_industry, f.unit_id is not null as filed
    from expected as e
    left join filed as f using (form, unit_id)
)

select * from final
