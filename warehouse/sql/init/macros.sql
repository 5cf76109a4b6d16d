-- Purpose: typing helpers shared by ingestion checks and staging. Each returns NULL when the
-- text cannot be read, so a caller can tell "absent" (input NULL) from "unreadable".

-- a number as written by people, read under its file's decimal mark `dec` (docs/input-format.md):
-- '.' a decimal point (commas may only separate thousands), ',' a decimal comma (points may only
-- separate thousands), '?' the file shows neither (a single separator before exactly three digits
-- is then ambiguous and reads as NULL). Thousands groups must be groups of three; full-width
-- digits, point, comma, plus and minus are folded. inf, NaN and overflows (1e400) come out non-finite, for the
-- row checks to reject; '1_000' is not a number. The plain cast comes first: it reads almost
-- every value of a '.' file, the patterns only the rest.
create or replace macro zs_num_plain(x) as
    translate(trim(x), '０１２３４５６７８９．，－＋', '0123456789.,-+');

create or replace macro zs_num_grouped(s, dec) as case
    when dec = '.' and regexp_full_match(s, '[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)')
        then try_cast(replace(s, ',', '') as double)
    when dec = ',' and regexp_full_match(s, '[+-]?((\d{1,3}(\.\d{3})+|\d+)(,\d*)?|,\d+)')
        then try_cast(replace(replace(s, '.', ''), ',', '.') as double)
    when dec = '?' and regexp_full_match(s, '[+-]?\d+([eE][+-]?\d+)?')
        then try_cast(s as double)
end;

create or replace macro zs_num(x, dec) as case
    when dec = '.' and not contains(x, '_') then coalesce(try_cast(x as double), zs_num_grouped(zs_num_plain(x), '.'))
    else zs_num_grouped(zs_num_plain(x), dec)
end;

-- zs_num for a file known to hold no '_' at all (the CSV reader checks its bytes): the cast's
-- acceptance of 1_000 cannot arise, so the per-value test is spared (a sixth of number typing)
create or replace macro zs_num_no_underscore(x, dec) as case
    when dec = '.' then coalesce(try_cast(x as double), zs_num_grouped(zs_num_plain(x), '.'))
    else zs_num_grouped(zs_num_plain(x), dec)
end;

-- why a non-blank value is not a number under decimal mark `dec` (for the row's message)
create or replace macro zs_num_problem(x, dec) as case
    when dec = '?' and regexp_full_match(zs_num_plain(x), '[+-]?\d{1,3}[.,]\d{3}')
        then 'ambiguous number: thousands separator or decimal mark? the file shows neither (千分位还是小数点?)'
    when dec = '.' and contains(zs_num_plain(x), ',') and regexp_full_match(zs_num_plain(x), '[+-]?[\d.,]+')
        then 'not a number: in a file with a decimal point a comma may only separate groups of three digits (千分位须三位一组)'
    when dec = ',' and contains(zs_num_plain(x), '.') and regexp_full_match(zs_num_plain(x), '[+-]?[\d.,]+')
        then 'not a number: in a file with a decimal comma a point may only separate groups of three digits (千分位须三位一组)'
    else 'not a number'
end;

-- a reporting period -> first day of the month.
-- 2024-06 | 2024/6 | 2024.06 | 202406 | 2024年6月 | 2024年1-6月 (the year to June: June; 2024年1-2月 is
-- the Jan-Feb period, keyed on Feb; the range may be written 1—6月, 1～6月 or 1至6月) | a date or
-- timestamp; full-width digits and dashes are folded
create or replace macro zs_period(x) as (
    with t as (select translate(regexp_replace(trim(x), '\s+', '', 'g'), '０１２３４５６７８９－／．—–‐−～〜',
                                '0123456789-/.----~~') as s)
    select case
        when regexp_matches(s, '^\d{4}年0?1[-~至]\d{1,2}月$')
            and cast(regexp_extract(s, '[-~至](\d{1,2})月', 1) as integer) between 2 and 12
            then make_date(cast(left(s, 4) as integer), cast(regexp_extract(s, '[-~至](\d{1,2})月', 1) as integer), 1)
        when regexp_matches(s, '^\d{4}年\d{1,2}月(份)?$')
            and cast(regexp_extract(s, '年(\d{1,2})月', 1) as integer) between 1 and 12
            then make_date(cast(left(s, 4) as integer),
                 cast(regexp_extract(s, '年(\d{1,2})月', 1) as integer), 1)
        when regexp_matches(s, '^\d{4}年\d{1,2}月\d{1,2}日$')      -- the report date: 2024年06月30日
            then date_trunc('month', try_strptime(s, '%Y年%m月%d日'))::date
        when regexp_matches(s, '^\d{6}$') and cast(right(s, 2) as integer) between 1 and 12
            then make_date(cast(left(s, 4) as integer), cast(right(s, 2) as integer), 1)
        when regexp_matches(s, '^\d{4}[-/.]\d{1,2}$') and not regexp_full_match(s, '\d{4}\.1')
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

-- why a non-blank period is unreadable: 2024.1 is what a spreadsheet shows for the number 2024.10
-- (October) in General format, so it is ambiguous, not January
create or replace macro zs_period_problem(x) as case
    when regexp_full_match(regexp_replace(trim(x), '\s+', '', 'g'), '\d{4}\.1')
        then 'ambiguous period: 2024.1 may be January, or 2024.10 (October) with its trailing zero dropped '
             || 'by a spreadsheet; write 2024-01 or 2024-10 (报告期不明确)'
    else 'not a reporting period (expected 2024-06, 202406, 2024年6月 or a date)'
end;

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

-- an identifier or code trimmed of the blanks exports put around it: spaces, tabs (a leading tab
-- keeps Excel from turning a long digit string into 9.13E+17), no-break and ideographic spaces
create or replace macro zs_trim(x) as trim(x, chr(32) || chr(9) || chr(160) || chr(12288));

-- a credit code as typed: upper case, trimmed as above; 18 bytes are taken as they are (a code with
-- a blank in it is invalid either way), which spares the trim of almost every value (4x cheaper)
create or replace macro zs_code_text(x) as case
    when strlen(x) = 18 then upper(x) else nullif(upper(zs_trim(x)), '') end;

-- an Excel error value (a formula that failed: #DIV/0!, a VLOOKUP's #N/A) as a spreadsheet shows it
-- and a CSV export writes it; never a value of any field (warehouse/typing.py)
create or replace macro zs_excel_error(x) as upper(trim(x)) in (
    '#N/A', '#DIV/0!', '#VALUE!', '#REF!', '#NAME?', '#NUM!', '#NULL!', '#SPILL!', '#CALC!', '#FIELD!',
    '#GETTING_DATA', '#BLOCKED!', '#CONNECT!', '#BUSY!', '#UNKNOWN!');

-- free text: trimmed of spaces (as trim does), blank as NULL; the prefix and suffix tests spare
-- the copy trim makes of every string (half the cost)
create or replace macro zs_text(x) as case
    when x like ' %' or x like '% ' then nullif(trim(x), '')
    else nullif(x, '')
end;

-- the GB/T 4754-2017 section (门类 A..T) of a division (大类 01..97)
create or replace macro zs_section_4754(division) as case
    when division between 1 and 5 then 'A' when division between 6 and 12 then 'B'
    when division between 13 and 43 then 'C' when division between 44 and 46 then 'D'
    when division between 47 and 50 then 'E' when division between 51 and 52 then 'F'
    when division between 53 and 60 then 'G' when division between 61 and 62 then 'H'
    when division between 63 and 65 then 'I' when division between 66 and 69 then 'J'
    when division = 70 then 'K' when division between 71 and 72 then 'L'
    when division between 73 and 75 then 'M' when division between 76 and 79 then 'N'
    when division between 80 and 82 then 'O' when division = 83 then 'P'
    when division between 84 and 85 then 'Q' when division between 86 and 90 then 'R'
    when division between 91 and 96 then 'S' when division = 97 then 'T'
end;

-- a numeric code of `width` digits (a GB/T 4754 industry code, forms.yaml `pad`) from its text,
-- trimmed (zs_trim): digits only, left-padded with zeros when fewer (a spreadsheet drops the zero of
-- 0131); a leading section letter is dropped when it is the code's own (C3311, c3311); anything else
-- (more digits, '3311 or ="3311", a letter of another section) is NULL, never cut to width.
-- The common case (exactly `width` digits) is taken first, without the trim.
create or replace macro zs_padded_code_trimmed(s, width) as case
    when length(s) = width and regexp_full_match(s, '\d+') then s
    when length(s) < width and regexp_full_match(s, '\d+') then lpad(s, width, '0')
    when length(s) = width + 1 and regexp_full_match(s, '[A-Za-z]\d+')
        and upper(s[1]) = zs_section_4754(cast(s[2:3] as integer)) then s[2:]
end;

create or replace macro zs_padded_code(x, width) as case
    when strlen(x) = width and regexp_full_match(x, '\d+') then x
    else zs_padded_code_trimmed(zs_trim(x), width)
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

create or replace macro zs_int(x, dec) as case
    when isfinite(zs_num(x, dec)) and zs_num(x, dec) = floor(zs_num(x, dec)) and abs(zs_num(x, dec)) < 9e18
    then cast(zs_num(x, dec) as bigint) end;

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
