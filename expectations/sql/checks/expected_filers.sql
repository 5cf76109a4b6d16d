-- Purpose: who must file which form for the period: units above scale in the register of the
-- period's year (or the latest earlier year loaded) whose unit type files the form, and whether
-- they filed. Materialised once per gate run as the temp table _zs_expected.
-- Grain: one row per form x unit_id. Upstream: staging.register, _zs_measures.
-- Parameters: $period, $forms, $unit_types (parallel lists: form i is filed by unit type i),
-- $exempt_forms (forms whose January is exempt: nobody is expected to file them in January).
with reference_year as (
    select max(year) as year
    from staging.register
    where year <= year(cast($period as date))
),

obligations as (
    select unnest($forms) as form, unnest($unit_types) as unit_type
),

expected as (
    select o.form, r.enterprise_id as unit_id
    from staging.register as r
    join reference_year as y on r.year = y.year
    join obligations as o on o.unit_type = r.unit_type
    where r.above_scale
        and not (month(cast($period as date)) = 1 and list_contains($exempt_forms, o.form))
),

filed as (
    select distinct form, unit_id
    from _zs_measures
    where period = $period
),

final as (
    select e.form, e.unit_id, f.unit_id is not null as filed
    from expected as e
    left join filed as f using (form, unit_id)
)

select * from final
