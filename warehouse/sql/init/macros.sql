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

-- free text: trimmed of spaces (as trim does), blank as NULL; the prefix and suffix tests spare
-- the copy trim makes of every string (half the cost)
create or replace macro zs_text(x) as case
    when x like ' %' or x like '% ' then nullif(trim(x), '')
    else nullif(x, '')
end;

-- yes/no in the ways forms write it (是 and 否 first: compared as they are, 4x cheaper)
create or replace macro zs_bool(x) as case
    when x = '是' then true
    when x = '否' then false
    when lower(trim(x)) in ('是', 'y', 'yes', 'true', 't', '1', '√', '有') then true
    when lower(trim(x)) in ('否', 'n', 'no', 'false', 'f', '0', '×', '无', '') then false
end;

create or replace macro zs_year(x) as case
    when try_cast(trim(x) as double) between 1990 and 2100
         and try_cast(trim(x) as double) = floor(try_cast(trim(x) as double))
    then cast(try_cast(trim(x) as double) as integer) end;

create or replace macro zs_int(x) as case
    when zs_num(x) = floor(zs_num(x)) then cast(zs_num(x) as bigint) end;

-- unified social credit code (GB 32100-2015): 18 characters of the code charset, digits in
-- positions 3-8 (the region code), and the check character of the weighted sum of the first 17.
-- Unrolled over the characters (a list comprehension costs 3x as much); the pattern is matched
-- first, so only charset characters reach zs_code_value.
create or replace macro zs_code_value(c) as      -- index in 0123456789ABCDEFGHJKLMNPQRTUWXY, from '0'..'Y'
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, null, null, null, null, null, null, null,
     10, 11, 12, 13, 14, 15, 16, 17, null, 18, 19, 20, 21, 22, null, 23, 24, 25, null, 26, 27, null,
     28, 29, 30][ascii(c) - 47];

create or replace macro zs_code_ok(s) as coalesce(
    regexp_full_match(s, '[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}')
    and '0123456789ABCDEFGHJKLMNPQRTUWXY'[(31 - (
          zs_code_value(s[1]) + 3 * zs_code_value(s[2]) + 9 * zs_code_value(s[3])
        + 27 * zs_code_value(s[4]) + 19 * zs_code_value(s[5]) + 26 * zs_code_value(s[6])
        + 16 * zs_code_value(s[7]) + 17 * zs_code_value(s[8]) + 20 * zs_code_value(s[9])
        + 29 * zs_code_value(s[10]) + 25 * zs_code_value(s[11]) + 13 * zs_code_value(s[12])
        + 8 * zs_code_value(s[13]) + 24 * zs_code_value(s[14]) + 10 * zs_code_value(s[15])
        + 30 * zs_code_value(s[16]) + 28 * zs_code_value(s[17])) % 31) % 31 + 1] = s[18],
    false);

create or replace macro zs_credit_code_ok(x) as zs_code_ok(upper(trim(x)));
