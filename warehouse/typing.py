"""Row-level typing checks of a received file, generated from the input contract.

Each check yields NULL (fine) or a message naming the field; a row with any message is rejected.
Identifiers come only from the contract (checked identifiers), values are never spliced in.
"""
from __future__ import annotations

from warehouse.spec import FieldSpec, FormSpec

_TYPED = {
    "id": "case when zs_credit_code_ok({c}) then upper(trim({c})) end",
    "period": "zs_period({c})",
    "text": "nullif(trim({c}), '')",
    "money": "zs_num({c})",
    "number": "zs_num({c})",
    "int": "zs_int({c})",
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


def typed_expr(field: FieldSpec, column: str | None = None) -> str:
    """SQL turning the raw text column into the field's type (NULL when unreadable)."""
    return _TYPED[field.type].format(c=column or field.name)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _checks(field: FieldSpec) -> list[str]:
    """Checks of one field over the `typed` CTE: raw text in `<name>`, typed value in `t_<name>`."""
    c, typed = field.name, f"t_{field.name}"
    name = _quote(f"{c}: ")
    out = []
    if field.type in _WHAT:
        out.append(f"case when nullif(trim({c}), '') is not null and {typed} is null "
                   f"then {name} || {_quote(_WHAT[field.type])} || ' (got ''' || {c} || ''')' end")
    if field.required:
        out.append(f"case when nullif(trim({c}), '') is null then {name} || 'missing value' end")
    if field.non_negative:
        out.append(f"case when {typed} < 0 then {name} || 'negative value ' || {c} "
                   "|| ' (a flow cannot be negative)' end")
    if field.type == "period":
        out.append(f"case when {typed} > date_trunc('month', current_date) then {name} || "
                   f"'period ' || strftime({typed}, '%Y-%m') || ' is in the future' end")
    return out


def problems_sql(form: FormSpec, present: set[str]) -> str:
    """A select over raw rows of one load giving (_source_row, problems[]) for each bad row.

    Each field is typed once (CTE `typed`); the duplicate check uses one window over the typed key."""
    fields = [f for f in form.fields.values() if f.name in present or f.required]
    typed_cols = ", ".join(f"{f.name}, {typed_expr(f)} as t_{f.name}" for f in fields)
    checks = [chk for f in fields for chk in _checks(f)]
    key_cols = [k for k in form.key if k in present]
    key_known = " and ".join(f"t_{k} is not null" for k in key_cols) or "true"
    dup = (f"case when {key_known} and count(*) over key_w > 1 and _source_row > min(_source_row) over key_w "
           f"then 'duplicate: same {'/'.join(key_cols)} as row ' || min(_source_row) over key_w "
           "|| ' of this file' end")
    items = ", ".join(checks + [dup])
    key_typed = ", ".join(f"t_{k}" for k in key_cols)
    return (f"with typed as (select _source_row, {typed_cols} from raw.{form.table} where _load_id = $load_id), "
            f"checked as (select _source_row, list_filter([{items}], lambda x: x is not null) as problems "
            f"from typed window key_w as (partition by {key_typed})) "
            "select _source_row, problems from checked where len(problems) > 0")


def january_sql(form: FormSpec) -> str:
    """Rows of a January-exempt form filed for January: kept, warned, and left out of core."""
    period = typed_expr(form.fields["period"])
    return (f"select _source_row from raw.{form.table} where _load_id = $load_id "
            f"and month({period}) = 1")
