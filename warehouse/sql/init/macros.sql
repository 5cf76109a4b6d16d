-- Purpose: typing helpers shared by ingestion checks and staging. Each returns NULL when the
-- text cannot be read, so a caller can tell "absent" (input NULL) from "unreadable".

-- a number as written by people: thousands separators, full-width minus, spaces
create or replace macro zs_num(x) as
    coalesce(try_cast(x as double),
             try_cast(replace(replace(replace(trim(x), ',', ''), '，', ''), '－', '-') as double));

-- a reporting period -> first day of the month.
-- 2024-06 | 2024/6 | 202406 | 2024年6月 | 2024年1-2月 (Jan-Feb, keyed on Feb) | a date or timestamp
create or replace macro zs_period(x) as (
    with t as (select regexp_replace(trim(x), '\s+', '', 'g') as s)
    select case
        when regexp_matches(s, '^\d{4}年0?1[-~至]0?2月$')
            then make_date(cast(left(s, 4) as integer), 2, 1)
        when regexp_matches(s, '^\d{4}年\d{1,2}月(份)?$')
            and cast(regexp_extract(s, '年(\d{1,2})月', 1) as integer) between 1 and 12
            then make_date(cast(left(s, 4) as integer),
                 cast(regexp_extract(s, '年(\d{1,2})月', 1) as integer), 1)
        when regexp_matches(s, '^\d{6}$') and cast(right(s, 2) as integer) between 1 and 12
            then make_date(cast(left(s, 4) as integer), cast(right(s, 2) as integer), 1)
        when regexp_matches(s, '^\d{4}[-/.]\d{1,2}$')
            and cast(regexp_extract(s, '^\d{4}[-/.](\d{1,2})$', 1) as integer) between 1 and 12
            then make_date(cast(left(s, 4) as integer),
                 cast(regexp_extract(s, '^\d{4}[-/.](\d{1,2})$', 1) as integer), 1)
        when regexp_matches(s, '^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}')
            then date_trunc('month', try_strptime(regexp_extract(s, '^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})', 1),
                 ['%Y-%m-%d', '%Y/%m/%d', '%Y.%m.%d']))::date
        when regexp_matches(s, '^\d{8}$')
            then date_trunc('month', try_strptime(s, '%Y%m%d'))::date
    end from t
);

-- a calendar date: ISO, slashes, dots, 2024年3月5日, 20240305, or a timestamp
create or replace macro zs_date(x) as (
    with t as (select regexp_replace(trim(x), '\s+', '', 'g') as s)
    select case
        when regexp_matches(s, '^\d{4}年\d{1,2}月\d{1,2}日$') then try_strptime(s, '%Y年%m月%d日')::date
        when regexp_matches(s, '^\d{8}$') then try_strptime(s, '%Y%m%d')::date
        else try_strptime(regexp_extract(s, '^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})', 1),
                          ['%Y-%m-%d', '%Y/%m/%d', '%Y.%m.%d'])::date
    end from t
);

-- yes/no in the ways forms write it
create or replace macro zs_bool(x) as case
    when lower(trim(x)) in ('是', 'y', 'yes', 'true', 't', '1', '√', '有') then true
    when lower(trim(x)) in ('否', 'n', 'no', 'false', 'f', '0', '×', '无', '') then false
end;

create or replace macro zs_year(x) as case
    when try_cast(trim(x) as double) between 1990 and 2100
         and try_cast(trim(x) as double) = floor(try_cast(trim(x) as double))
    then cast(try_cast(trim(x) as double) as integer) end;

create or replace macro zs_int(x) as case
    when zs_num(x) = floor(zs_num(x)) then cast(zs_num(x) as bigint) end;
