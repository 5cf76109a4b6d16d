"""Typing a received file once, and its row-level checks, generated from the input contract.

`checked_sql` types every field of the received rows once (typed value in `t_<field>`) and marks
the rows a check could fail (`_suspect`, cheap conditions on the text and the typed value); the
load keeps that as the temp table `_checked`, from which the checks read and staging takes its
values. Each check yields NULL (fine) or a message naming the field and quoting the text as
received; a row with any message is rejected. Identifiers come only from the contract, values are
never spliced in.

Numbers are read under their load's decimal mark (`_decimal` in the received rows: '.', ',' or
'?'; warehouse.decimals); the period bounds (the first year, months that have ended) are bound
parameters of the checks: `$first_period` and `$this_month`.
"""
from __future__ import annotations

from warehouse.spec import FieldSpec, FormSpec

_TYPED = {
    # credit codes are checked in numpy before typing (warehouse.load_steps._check_codes): the ones
    # that failed are listed in BAD_CODES
    "id": "case when _source_row not in (select _source_row from {bad} where field = {name}) "
          "then zs_code_text({c}) end",
    "period": "zs_period({c})",
    "text": "zs_text({c})",
    "money": "zs_num({c}, _decimal)",
    "number": "zs_num({c}, _decimal)",
    "int": "zs_int({c}, _decimal)",
    "bool": "zs_bool({c})",
    "date": "zs_date({c})",
    "year": "zs_year({c})",
}

_WHAT = {
    "id": "not a valid unified social credit code (18 characters, GB 32100-2015 check character)",
    "period": "not a reporting period (expected 2024-06, 202406, 2024年6月 or a date)",
    "money": "not a number",
    "number": "not a number",
    "int": "not a whole number",
    "bool": "not yes/no (是/否)",
    "date": "not a date",
    "year": "not a year",
}

# where the message of an unreadable value depends on the value: SQL over its text {c}
_WHY = {
    "period": "zs_period_problem({c})",
    "money": "zs_num_problem({c}, $decimal)",
    "number": "zs_num_problem({c}, $decimal)",
}
_NUMERIC = ("money", "number", "int")
_EXCEL_ERROR = "an Excel error value, not a value: the formula that made it failed (公式错误值)"

CHECKED = "_checked"     # temp table of one load's rows, typed (staging/typed.sql.j2 reads it)
BAD_CODES = "_bad_codes"  # temp table (field, _source_row): credit codes of one load that failed


def typed_expr(field: FieldSpec, underscores: bool = True) -> str:
    """SQL turning the field's raw text column into its type (NULL when blank or unreadable; a
    padded code, padded); `underscores=False` when the values are known to hold no '_' (spares
    zs_num a test)."""
    if field.pad:
        return f"zs_padded_code({field.name}, {int(field.pad)})"
    sql = _TYPED[field.type].format(c=field.name, bad=BAD_CODES, name=_quote(field.name))
    return sql if underscores else sql.replace("zs_num(", "zs_num_no_underscore(")


def checked_sql(form: FormSpec, received: str, underscores: bool = True) -> str:
    """Every field of `received` (lineage columns, `_decimal` and the raw text named by field)
    typed once, and `_suspect`: true where a row check could fail (a field missing from the file
    reads as NULL text, which no check minds). The text is not kept: checks quote it from the
    received rows, for the few suspect rows only.

    Credit codes are not checked here: a load checks them first, in numpy (a third of the cost of
    SQL), and lists failures in BAD_CODES. Re-typing raw passes an empty BAD_CODES: a code that
    failed at its load has its row in audit.rejected_rows, which staging leaves out.
    `underscores=False`: the received text holds no '_' (see typed_expr)."""
    fields = list(form.fields.values())
    typed = ", ".join(f"{typed_expr(f, underscores)} as t_{f.name}" for f in fields)
    texts = ", ".join(f.name for f in fields if _suspect_reads_text(f))
    suspect = " or ".join(cond for f in fields for cond in _suspect(f)) or "false"
    return (f"select _load_id, _source_file, _source_row, {', '.join(f't_{f.name}' for f in fields)}, "
            f"coalesce({suspect}, false) as _suspect "
            f"from (select _load_id, _source_file, _source_row, {texts + ', ' if texts else ''}{typed} "
            f"from ({received}))")


def create_bad_codes(con) -> None:
    """An empty BAD_CODES temp table on the connection."""
    con.execute(f"create or replace temp table {BAD_CODES} (field varchar, _source_row integer)")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _period_checks(c: str, name: str) -> list[tuple[str, str]]:
    """Before the first year, in the future, or the month that is still running."""
    month = f"strftime(t_{c}, '%Y-%m')"
    return [
        (f"t_{c} < $first_period",
         f"{name} || 'period ' || {month} || ' is before ' || strftime($first_period, '%Y-%m') "
         "|| ', the first period accepted (forms.yaml periods.first_year; 早于起始年份)'"),
        (f"t_{c} > $this_month", f"{name} || 'period ' || {month} || ' is in the future'"),
        (f"t_{c} = $this_month",
         f"{name} || 'period ' || {month} || ' has not ended yet (本月尚未结束): a month is filed once it is over'"),
    ]


def _checks(field: FieldSpec) -> list[tuple[str, str]]:
    """(condition, message) checks of one field: raw text in `<name>` (not kept for free text),
    typed value in `t_<name>`."""
    c, typed = field.name, f"t_{field.name}"
    name = _quote(f"{c}: ")
    out = []
    if _what(field):
        why = _WHY[field.type].format(c=c) if field.type in _WHY else _quote(_what(field))
        why = f"case when zs_excel_error({c}) then {_quote(_EXCEL_ERROR)} else {why} end"
        out.append((f"({typed} is null and trim({c}) <> '')", f"{name} || {why} || ' (got ''' || {c} || ''')'"))
    elif field.type == "text":
        out.append((f"zs_excel_error({c})", f"{name} || {_quote(_EXCEL_ERROR)} || ' (got ''' || {c} || ''')'"))
    if field.required:   # free text is typed by trimming: NULL exactly when blank
        blank = f"{typed} is null" if field.type == "text" and not field.pad else f"coalesce(trim({c}) = '', true)"
        out.append((blank, f"{name} || 'missing value'"))
    if field.type in _NUMERIC:
        out.append((f"not isfinite({typed})",
                    f"{name} || 'not a finite number (inf, NaN or out of range; 非有限数值) (got ''' || {c} || ''')'"))
    if field.non_negative:
        out.append((f"{typed} < 0", f"{name} || 'negative value ' || {c} || ' (a flow cannot be negative)'"))
    if field.type == "period":
        out += _period_checks(c, name)
    return out


def _what(field: FieldSpec) -> str | None:
    """What a value of the field must be, for the message when it is not (None: free text)."""
    if field.pad:
        return (f"not a code of {field.pad} digits (GB/T 4754 industry code such as 3311, 0131 or C3311; "
                "行业代码格式不正确)")
    return _WHAT.get(field.type)


def _suspect_reads_text(field: FieldSpec) -> bool:
    """Whether _suspect needs the field's text: an optional field that can be unreadable."""
    return not field.required and _what(field) is not None


def _suspect(field: FieldSpec) -> list[str]:
    """Cheap conditions true whenever a check of the field could fire (no string work per row);
    NULL counts as false. The period bounds are parameters of a load: `problems_sql` adds them."""
    c, typed = field.name, f"t_{field.name}"
    out = []
    if field.required:
        out.append(f"{typed} is null")
    elif _suspect_reads_text(field):
        out.append(f"({typed} is null and {c} is not null)")
    if field.type == "text" and not field.pad:  # an Excel error value (#N/A) starts with '#': a prefix test
        out.append(f"starts_with({typed}, '#')")
    if field.type in _NUMERIC:
        out.append(f"not isfinite({typed})")
    if field.non_negative:
        out.append(f"{typed} < 0")
    return out


def problems_sql(form: FormSpec, present: set[str], received: str) -> str:
    """A select over the typed rows of one load (`_checked`) giving (_source_row, problems[]) for
    each bad row. The rows marked `_suspect`, those whose period is out of bounds, and later rows
    repeating a key of this file (duplicates) get their list of messages (kept when not empty),
    quoting the text as received: `received` selects `_source_row` and each field's text, named
    by field. Parameters: $decimal, $first_period, $this_month."""
    fields = [f for f in form.fields.values() if f.name in present or f.required]
    key_cols = [k for k in form.key if k in present]
    key_known = " and ".join(f"t_{k} is not null" for k in key_cols) or "true"
    key_join = " and ".join(f"d.key_{k} = t.t_{k}" for k in key_cols) or "true"
    bounds = "".join(f" or t.t_{f.name} < $first_period or t.t_{f.name} >= $this_month"
                     for f in fields if f.type == "period" and f.name in present)
    checks = [chk for f in fields for chk in _checks(f)] + [(
        "_source_row > first_row",
        f"'duplicate: same {'/'.join(key_cols)} as row ' || first_row || ' of this file'")]
    items = ", ".join(f"case when {cond} then {msg} end" for cond, msg in checks)
    return (f"with typed as (select * from {CHECKED}), "
            f"dups as (select {', '.join(f't_{k} as key_{k}' for k in key_cols)}, min(_source_row) as first_row "
            f"from typed where {key_known} group by all having count(*) > 1), "
            f"flagged as (select t._source_row, d.first_row from typed as t left join dups as d on {key_join} "
            f"where t._suspect or t._source_row > d.first_row{bounds}), "
            f"suspect as (select * from flagged join typed using (_source_row) "
            f"join ({received}) as r using (_source_row)), "
            f"listed as (select _source_row, list_filter([{items}], lambda x: x is not null) as problems "
            f"from suspect) "
            f"select _source_row, problems from listed where len(problems) > 0")


def january_sql() -> str:
    """Rows of a January-exempt form filed for January: kept, warned, and left out of core."""
    return f"select _source_row from {CHECKED} where month(t_period) = 1"
