"""The input contract (config/forms.yaml) as objects: forms, fields, header aliases, units."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

CONFIG_DIR = Path(__file__).resolve().parent / "config"
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
_UNIT_SUFFIX = re.compile(r"^(?P<base>.*?)[(\[](?P<unit>[^()\[\]]+)[)\]]$", re.S)   # a header cell may wrap
FIELD_TYPES = {"id", "period", "text", "money", "number", "int", "bool", "date", "year"}


class SpecError(ValueError):
    """The contract file itself is wrong (a configuration error, exit code 2)."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    required: bool
    non_negative: bool
    aliases: tuple[str, ...]
    column: str = ""            # its staging column (default: the field's name)
    pad: int = 0                # a code left-padded with zeros to this width in staging
    codes: tuple[tuple[str, tuple[str, ...]], ...] = ()   # staging value <- spellings (lower case)
    default: object = None      # the staging value of an empty cell
    varied: bool = False        # free text that differs on most rows (names, phones): stored with zstd

    @property
    def header_zh(self) -> str:
        return self.aliases[0]

    @property
    def staging_column(self) -> str:
        return self.column or self.name

    @property
    def ytd_flow(self) -> bool:
        """A year-to-date money flow that cannot be negative (产值, 收入, 投资...): it never falls
        within a year, and 本月 is its difference (the cross-month checks read these)."""
        return self.type == "money" and self.non_negative and self.name.endswith("_ytd")


@dataclass(frozen=True)
class MeasureSpec:
    """A year-to-date figure of a fact table: staging `<name>_ytd`; core derives `<name>_ytd_py`
    (上年同期: the form's own `<name>_ytd_prior` when it has one, else last year's filing) and, with
    `month`, `<name>_month` and `<name>_month_py` (本月 from YTD); with `reported`, keeps the
    filed 本月 `<name>` as `<name>_reported`."""

    name: str
    prior: bool
    month: bool = True
    reported: bool = False


@dataclass(frozen=True)
class FactsSpec:
    """The core fact table of a form (sql/core/facts.sql.j2): one row per unit and period."""

    table: str
    unit_key: str
    in_register: bool
    keep: tuple[tuple[str, str], ...]      # (SQL expression over staging, column), in order; then
                                           # each measure's <m>_ytd not listed
    measures: tuple[MeasureSpec, ...]

    @property
    def month_measures(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.measures if m.month)


@dataclass(frozen=True)
class FormSpec:
    name: str
    code: str
    label_zh: str
    table: str
    unit: str | None
    key: tuple[str, ...]
    january_exempt: bool
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    facts: FactsSpec | None = None

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields.values() if f.required]

    @property
    def money_fields(self) -> list[str]:
        return [f.name for f in self.fields.values() if f.type == "money"]

    @cached_property
    def alias_index(self) -> dict[str, str]:
        """Canonical header -> field name (built once: headers are matched for every candidate row).
        Two fields whose aliases mean the same header are a contract error, named."""
        seen: dict[str, tuple[str, str]] = {}
        for f in self.fields.values():
            for alias in f.aliases:
                field_, first = seen.setdefault(header_canon(alias), (f.name, alias))
                if field_ != f.name:
                    raise SpecError(f"forms.yaml: form {self.name!r}: alias {alias!r} of {f.name} reads as the "
                                    f"same header as {first!r} of {field_}")
        return {key: name for key, (name, _) in seen.items()}


@dataclass(frozen=True)
class Contract:
    units: dict[str, float]
    forms: dict[str, FormSpec]
    first_year: int = 1990      # the earliest reporting period accepted is January of this year

    @property
    def fact_forms(self) -> list[FormSpec]:
        """The forms with a core fact table, in contract order."""
        return [f for f in self.forms.values() if f.facts]

    @property
    def identifiers(self) -> set[str]:
        """Columns holding a different string on almost every row, which staging and core store
        with zstd (warehouse.db.create_table_as): those naming a unit (credit codes, project ids)
        and the fields marked `varied` (names, contacts), under their staging column."""
        return {name for f in self.forms.values() for name in f.key if name not in ("period", "year")} | {
            field.name for f in self.forms.values() for field in f.fields.values() if field.type == "id"} | {
            field.staging_column for f in self.forms.values() for field in f.fields.values() if field.varied}


def normalize_header(text: str) -> str:
    """Canonical comparison form: NFKC (full-width brackets to ASCII), no spaces, lower case."""
    text = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "")
    return re.sub(r"[\s_]+", "", text).replace("－", "-").lower()


# Spellings of one header that mean the same, applied to aliases and headers alike: the price basis
# (工业总产值(当年价格)本年累计 = 工业总产值本年累计) and the names of a year-to-date column (本年累计,
# 1-本月累计, 1-6月累计, 1-6月, 1至6月, 累计) and of a prior-year one (上年同期累计, 上年同期, 上年1-6月).
_PRICE_BASIS = re.compile(r"\((?:当年价格|现行价格|当年价|现价)\)")
_PRIOR_YEAR = re.compile(r"(?:上年同期|去年同期|上年1[-~至](?:\d{1,2}|本)月)(?:累计)?")
_YEAR_TO_DATE = re.compile(r"本年累计|(?:本年)?1[-~至](?:\d{1,2}|本)月(?:累计)?|累计")


def header_canon(text: str) -> str:
    """The form in which headers are compared with aliases: normalised, price basis dropped, the
    year-to-date and prior-year names made one ("〈本年累计〉", "〈上年同期〉")."""
    text = _PRICE_BASIS.sub("", normalize_header(text))
    return _YEAR_TO_DATE.sub("〈本年累计〉", _PRIOR_YEAR.sub("〈上年同期〉", text))


_UNIT_INSIDE = re.compile(r"[(\[](?:单位[:：])?(?P<unit>[^()\[\]]+)[)\]]")
_UNIT_AFTER = re.compile(r"^(?P<base>.+?)\s*(?:[/／]|单位[:：])\s*(?P<unit>[^/／]+)$")


def split_unit(header: str, units: dict[str, float]) -> tuple[str, str | None]:
    """Split a unit off a header: in brackets at the end or inside the name ("工业总产值本年累计(千元)",
    "工业总产值(千元)本年累计", "(单位:千元)"), after a slash ("营业收入/万元"), or a Chinese unit
    ending the name ("营业收入千元"). Bracket text that is no unit stays in the name."""
    text = unicodedata.normalize("NFKC", str(header)).strip()
    lookup = {normalize_header(u): u for u in units}
    if normalize_header(text.strip("()[]")) in lookup:          # a unit alone ("千元", "(万元)")
        return "", lookup[normalize_header(text.strip("()[]"))]
    match = _UNIT_SUFFIX.match(text)
    if match and normalize_header(match.group("unit")) in lookup:
        return match.group("base").strip(), lookup[normalize_header(match.group("unit"))]
    for match in _UNIT_INSIDE.finditer(text):
        if normalize_header(match.group("unit")) in lookup:
            return (text[:match.start()] + text[match.end():]).strip(), lookup[normalize_header(match.group("unit"))]
    match = _UNIT_AFTER.match(text)
    if match and normalize_header(match.group("unit")) in lookup:
        return match.group("base").strip(), lookup[normalize_header(match.group("unit"))]
    for unit in sorted((u for u in units if re.fullmatch(r"[\u4e00-\u9fff]+", u)), key=len, reverse=True):
        if text.endswith(unit):
            return text[:-len(unit)].strip(), unit
    return text, None


def _field(name: str, raw: dict) -> FieldSpec:
    ftype = raw.get("type")
    if not _IDENT.match(name) or ftype not in FIELD_TYPES:
        raise SpecError(f"forms.yaml: field {name!r} has a bad name or type {ftype!r}")
    aliases = tuple(raw.get("aliases") or ()) + (name,)
    column = str(raw.get("column") or "")
    codes = tuple((str(value), tuple(str(s).lower() for s in spellings))
                  for value, spellings in (raw.get("codes") or {}).items())
    pad = raw.get("pad", 0)
    if (column and not _IDENT.match(column)) or not isinstance(pad, int) or pad < 0 \
            or ((pad or codes) and ftype != "text"):
        raise SpecError(f"forms.yaml: field {name!r}: column must be a SQL name, pad a width and codes or "
                        "pad only on text fields")
    if raw.get("varied") and (ftype != "text" or codes or pad):
        raise SpecError(f"forms.yaml: field {name!r}: varied is for free text (no codes, no pad)")
    return FieldSpec(name, ftype, bool(raw.get("required")), bool(raw.get("non_negative")), aliases,
                     column=column, pad=pad, codes=codes, default=raw.get("default"), varied=bool(raw.get("varied")))


def _facts(form: str, fields: dict[str, FieldSpec], key: tuple[str, ...], raw: dict | None) -> FactsSpec | None:
    """A form's `facts:` block, checked against its fields: every name it uses must be one."""
    if not raw:
        return None
    where = f"forms.yaml: form {form!r}, facts"
    unit_key = [k for k in key if k != "period"]
    if "period" not in key or len(unit_key) != 1 or not _IDENT.match(str(raw.get("table", ""))):
        raise SpecError(f"{where}: needs a table name and a key of one unit and the period")
    measures = []
    for name, opts in (raw.get("measures") or {}).items():
        opts = opts or {}
        if f"{name}_ytd" not in fields or (opts.get("reported") and name not in fields):
            raise SpecError(f"{where}: measure {name!r} needs the field {name}_ytd"
                            + (f" and {name}" if opts.get("reported") else ""))
        measures.append(MeasureSpec(name, prior=f"{name}_ytd_prior" in fields, month=bool(opts.get("month", True)),
                                    reported=bool(opts.get("reported"))))
    keep = []
    for item in raw.get("keep") or ():
        column, expr = next(iter(item.items())) if isinstance(item, dict) else (item, item)
        if not _IDENT.match(str(column)) or (not isinstance(item, dict) and item not in fields):
            raise SpecError(f"{where}: keep {item!r} is not a field of the form")
        keep.append((str(expr), str(column)))
    kept = {column for _, column in keep}
    keep += [(f"{m.name}_ytd",) * 2 for m in measures if f"{m.name}_ytd" not in kept]   # a measure's YTD is kept
    return FactsSpec(table=str(raw["table"]), unit_key=unit_key[0], in_register=bool(raw.get("in_register")),
                     keep=tuple(keep), measures=tuple(measures))


def _form(name: str, raw: dict) -> FormSpec:
    fields = {fname: _field(fname, fraw) for fname, fraw in raw["fields"].items()}
    table = raw.get("table", name)
    key = tuple(raw.get("key", ()))
    if not _IDENT.match(table) or not set(key) <= set(fields):
        raise SpecError(f"forms.yaml: form {name!r} has a bad table name or key")
    if optional := [k for k in key if not fields[k].required]:
        # a blank key would never join the view that picks each key's version, and the build's
        # shortcut past that view (warehouse.build.one_version) relies on keys being whole
        raise SpecError(f"forms.yaml: form {name!r}: key field(s) {', '.join(optional)} must be required")
    return FormSpec(name=name, code=str(raw.get("code", name)), label_zh=raw.get("label_zh", name),
                    table=table, unit=raw.get("unit"), key=key,
                    january_exempt=bool(raw.get("january_exempt")), fields=fields,
                    facts=_facts(name, fields, key, raw.get("facts")))


# libyaml's loader where PyYAML has it: the same documents, a tenth of the time (forms.yaml: 19 ms
# against 2 ms, paid by every command that opens the warehouse)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path | str) -> object:
    """A configuration file's YAML (safe loading: plain data, no tags)."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)


@lru_cache(maxsize=4)
def load_contract(path: Path = CONFIG_DIR / "forms.yaml") -> Contract:
    """Parse and check the contract file once per process."""
    raw = read_yaml(path)
    units = {str(k): float(v) for k, v in raw["units"].items()}
    forms = {name: _form(name, body) for name, body in raw["forms"].items()}
    for form in forms.values():
        if form.money_fields and form.unit not in units:
            raise SpecError(f"forms.yaml: form {form.name!r} needs a target unit from 'units'")
        form.alias_index        # checked now: two fields' aliases that read alike are an error
    first_year = (raw.get("periods") or {}).get("first_year", 1990)
    if not isinstance(first_year, int) or not 1900 < first_year < 2100:
        raise SpecError(f"forms.yaml: periods.first_year must be a year, not {first_year!r}")
    return Contract(units=units, forms=forms, first_year=first_year)


@dataclass(frozen=True)
class HeaderMatch:
    """How one form reads a file's header row."""

    form: FormSpec
    columns: dict[int, str]  # column position -> field name
    units: dict[str, str]  # money field -> unit declared in the header
    unmatched: list[str]
    missing: list[str]
    conflicts: list[tuple[str, int, int]] = field(default_factory=list)  # (field, first column, second column)


def match_headers(form: FormSpec, headers: list[str], contract: Contract) -> HeaderMatch:
    """Map a file's headers onto a form's fields through the alias list. A second column naming a
    field already taken is a conflict (the file is refused naming both), never a silent choice."""
    alias_index = form.alias_index
    columns: dict[int, str] = {}
    units: dict[str, str] = {}
    unmatched: list[str] = []
    conflicts: list[tuple[str, int, int]] = []
    for pos, header in enumerate(headers):
        name = alias_index.get(header_canon(header))
        unit = None
        if name is None:
            base, unit = split_unit(header, contract.units)
            name = alias_index.get(header_canon(base))
        if name is None:
            unmatched.append(str(header))
            continue
        if name in columns.values():
            conflicts.append((name, next(p for p, f in columns.items() if f == name), pos))
            continue
        columns[pos] = name
        if unit is not None:
            units[name] = unit
    missing = [f for f in form.required if f not in columns.values()]
    return HeaderMatch(form, columns, units, unmatched, missing, conflicts)


def detect_form(headers: list[str], contract: Contract) -> HeaderMatch | None:
    """The form whose required fields are all present and which explains most headers."""
    candidates = [match_headers(form, headers, contract) for form in contract.forms.values()]
    complete = [c for c in candidates if not c.missing]
    pool = complete or candidates
    best = max(pool, key=lambda c: (len(c.columns) - len(c.missing) * 2, -len(c.unmatched)))
    return best if best.columns else None
