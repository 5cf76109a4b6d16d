-- Purpose: plausibility check "no unit slip": the average monthly level of a year-to-date figure
-- (YTD / months covered) about a factor (10, 1000, ...) above or below the unit's usual level,
-- the median over its recent filings, suggests 元/千元/万元 were mixed up.
-- Grain: one row per flagged form x unit x field of the period.
-- Upstream: _zs_measures (temp view from checks/measures.sql.j2).
-- Parameters: $period, $since_history, $fields (varchar[]), $factors (double[]),
-- $min_history. ($slip_tolerance: config.yaml unit_slip.tolerance)
with levels as not materialized (
    select *, ytd / nullif(month(period), 0) as level
    from _zs_measures
    where period between $since_history and $period and list_contains($fields, field) and ytd is not null
),

ranked as (
    -- the median by sorting (a window spills to disk; a median aggregate holds every group's values
    -- in memory, more than the gate's 1 GB at 200,000 enterprises x 12 months)
    select form, unit_id, field, level,
           row_number() over (partition by form, unit_id, field order by level) as rank,
           count(*) over (partition by form, unit_id, field) as history
    from levels
    where period >= $since_history and period < $period
),

usual as (
    -- the middle value, or the mean of the two middle values: median()
    select form, unit_id, field, avg(level) as usual_level, any_value(history) as history
    from ranked
    where rank in ((history + 1) // 2, (history + 2) // 2)
    group by form, unit_id, field
),

compared as (
    select c.*, u.usual_level, c.level / nullif(u.usual_level, 0) as ratio
    from levels as c
    join usual as u using (form, unit_id, field)
    where c.period = $period and u.history >= $min_history and u.usual_level > 0 and c.level > 0
),

final as (
    select
        form,
        load_id,
        source_row,
        unit_id,
        period,
        field || '_ytd' as field,
        ytd as value,
        usual_level * month(period) as expected,
        printf('月均 %.2f, 平常 %.2f, 约 %.4g 倍 (monthly level %.2f vs usual %.2f: x%.4g)',
               level, usual_level, ratio, level, usual_level, ratio) as detail
    from compared
    where len(list_filter($factors, lambda f: abs(abs(ln(ratio)) - ln(f)) <= ln($slip_tolerance))) > 0
)

select * from final
