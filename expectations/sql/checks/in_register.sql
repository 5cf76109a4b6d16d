-- Purpose: identity check "the filing unit is in the register": the enterprise of a B204-1, B203
-- or E204-1 filing must be listed in the register (名录库) of the period's year, or of the latest
-- earlier year when that year's register has not been loaded yet.
-- Grain: one row per failing filing of the period.
-- Upstream: _zs_measures (temp view from checks/measures.sql.j2), staging.register.
-- Parameters: $period, $forms (varchar[]: forms filed by registered enterprises).
with reference_year as (
    select max(year) as year
    from staging.register
    where year <= year(cast($period as date))
),

registered as (
    select r.enterprise_id
    from staging.register as r
    join reference_year as y on r.year = y.year
),

filings as (
    select distinct form, load_id, source_row, unit_id, period
    from _zs_measures
    where period = $period and list_contains($forms, form)
),

final as (
    select
        f.form,
        f.load_id,
        f.source_row,
        f.unit_id,
        f.period,
        'enterprise_id' as field,
        null::double as value,
        null::double as expected,
        coalesce('不在' || (select year from reference_year) || '年名录库 (not in the '
                 || (select year from reference_year) || ' register)',
                 '名录库为空 (no register loaded)') as detail
    from filings as f
    anti join registered as r on r.enterprise_id = f.unit_id
)

select * from final
