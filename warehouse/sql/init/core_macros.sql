-- Purpose: helpers of the core layer's month derivation (docs/warehouse.md, "Months from year to
-- date"), shared by every form whose 本月 is derived from 1-本月 (year to date).

-- 本月 from year to date: YTD minus the YTD of the unit's latest earlier filing of the year, 0 when
-- there is none (the first filing of the year carries the whole YTD); NULL only when that earlier
-- filing left the field empty (unknown, never guessed). The difference is rounded to 6 decimals of
-- the form unit (0.001 元 of a 千元 form): filed figures carry fewer, so this only removes the
-- binary noise of subtracting them (1234.5 - 1000.2 = 234.29999999999995), which keeps months
-- exact and lets DuckDB store them as decimals (ALP) at about half the size
create or replace macro zs_month_of(ytd, prev_ytd, prev_period) as
    case when prev_period is null then ytd else round(ytd - prev_ytd, 6) end;

-- how the month was derived: consecutive (from the previous month, or Jan-Feb as the year's first
-- period), first_of_year (no earlier filing this year: the whole YTD), after_gap (carries skipped months)
create or replace macro zs_month_basis(month, prev_period) as case
    when prev_period is null and month = 2 then 'consecutive'
    when prev_period is null then 'first_of_year'
    when month(prev_period) = month - 1 then 'consecutive'
    else 'after_gap'
end;

-- two evaluations of one figure are the same when equal up to the rounding noise of summing in
-- another order (a relative 1e-9): a new publication (vintage) only when a figure really moved
create or replace macro zs_same_figure(a, b) as
    (a is null and b is null) or coalesce(abs(a - b) <= 1e-9 * greatest(1.0, abs(a), abs(b)), false);

-- a manufacturing project (制造业投资): as its form says, else by its industry (GB/T 4754 divisions
-- 13-43, manufacturing), else not
create or replace macro zs_is_manufacturing(given, industry_code) as
    coalesce(given, try_cast(left(industry_code, 2) as integer) between 13 and 43, false);

-- the reporting period's labels (warehouse/period.py): the month, 2024年6月 (February: 2024年1-2月,
-- January is reported with it), and the year to date, 2024年1-6月
create or replace macro zs_period_label(period) as
    year(period) || '年' || case when month(period) = 2 then '1-2月' else month(period) || '月' end;

create or replace macro zs_ytd_label(period) as
    year(period) || '年1-' || month(period) || '月';
