-- Purpose: what changed in a period's figures from one publication (vintage) to the next: every
-- indicator x window x breakdown x member whose value or status differs, by how much, and the
-- loads that caused it (loads the new vintage rests on that the old one did not, and the ones it
-- no longer rests on: superseded versions).
-- Grain: indicator_id x window x breakdown x member. Upstream: marts.indicator_vintages,
-- meta.indicators, audit.loads. Parameters: $new, $old (vintage ids; $old may be null: the
-- first publication, every row is new).
with new as (
    select * from marts.indicator_vintages where vintage_id = $new
),

old as (
    select * from marts.indicator_vintages where vintage_id = $old
),

paired as (
    select
        coalesce(n.indicator_id, o.indicator_id) as indicator_id,
        coalesce(n."window", o."window") as "window",
        coalesce(n.breakdown, o.breakdown) as breakdown,
        coalesce(n.member, o.member) as member,
        o.value as old_value,
        n.value as new_value,
        o.status as old_status,
        n.status as new_status,
        list_filter(coalesce(n.loads, []), lambda x: not list_contains(coalesce(o.loads, []), x)) as added,
        list_filter(coalesce(o.loads, []), lambda x: not list_contains(coalesce(n.loads, []), x)) as dropped
    from new as n
    full join old as o using (indicator_id, "window", breakdown, member)
    where not zs_same_figure(n.value, o.value) or n.status is distinct from o.status
        or n.indicator_id is null or o.indicator_id is null
),

named as (
    -- the files behind the loads, for people
    select
        p.*,
        (select string_agg(l.file_name || ' (' || l.load_id || ')', ', ' order by l.load_id)
         from audit.loads as l where list_contains(p.added, l.load_id)) as added_files,
        (select string_agg(l.file_name || ' (' || l.load_id || ')', ', ' order by l.load_id)
         from audit.loads as l where list_contains(p.dropped, l.load_id)) as dropped_files
    from paired as p
),

final as (
    select
        n.indicator_id,
        i.label_zh,
        i.label_en,
        n."window",
        n.breakdown,
        n.member,
        n.old_value,
        n.new_value,
        n.new_value - n.old_value as change,
        i.unit,
        i.decimals,
        n.old_status,
        n.new_status,
        n.added,
        n.dropped,
        n.added_files,
        n.dropped_files
    from named as n
    join meta.indicators as i using (indicator_id)
)

select * from final
order by coalesce(abs(change), 0) desc, indicator_id, breakdown, member, "window"
