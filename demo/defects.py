"""Resubmissions (更正) and the six injected defects, applied on top of the true filing tables."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo import contract
from demo.filings import Filings, Table
from demo.identity import Registry, spoil_check_char

RESUBMISSIONS = [("b204_1", 2023, 3), ("b203", 2023, 5), ("b204_1", 2023, 6), ("b204_1", 2023, 10),
                 ("b203", 2023, 12), ("b204_1", 2024, 6), ("b203", 2024, 6), ("b204_1", 2024, 9),
                 ("b203", 2024, 11)]


@dataclass
class Document:
    """A file to write: its path under the output directory and its table."""

    path: str
    table: Table


def filing_path(form: str, period: tuple[int, int], arrived: tuple[int, int] | None = None,
                correction: bool = False) -> str:
    """filings/<arrival YYYY-MM>/<form code>_<period YYYYMM>[_更正].<csv|xlsx>."""
    (year, month), (fy, fm) = period, arrived or period
    ext = "xlsx" if form == "f206_1" else "csv"
    suffix = "_更正" if correction else ""
    return f"filings/{fy}-{fm:02d}/{contract.forms()[form]['code']}_{year}{month:02d}{suffix}.{ext}"


def inject(docs: dict[str, Document], filings: Filings, rng: np.random.Generator) -> tuple[list, list]:
    """Apply resubmissions and defects to `docs` (adding files); returns (defects, resubmissions)."""
    candidates = _mid_sized(filings, rng)
    slip, falling, duplicate = candidates[:3].tolist()
    january, spare = candidates[3:6].tolist(), candidates[6:].tolist()
    defects = [
        _unit_slip(docs, slip),
        _falling_ytd(docs, falling),
        _invalid_code(docs, filings.zone.registry, rng),
        _duplicate(docs, duplicate),
        _unknown_unit(docs, filings.zone.registry, rng),
        _january(docs, filings, january),
    ]
    resubmissions = [_resubmit(docs, form, (y, m), rng, spare) for form, y, m in RESUBMISSIONS]
    return defects, resubmissions


def _mid_sized(filings: Filings, rng: np.random.Generator) -> np.ndarray:
    """Credit codes of 2024 filers between the 40th and 85th output percentile, shuffled."""
    table = filings.b204(2024, 6)
    at = table.column("gross_output_value_ytd")
    ranked = sorted(table.rows, key=lambda row: row[at])
    pool = [row[0] for row in ranked[int(0.4 * len(ranked)):int(0.85 * len(ranked))]]
    return rng.permutation(np.array(pool, dtype=object))


def _unit_slip(docs: dict[str, Document], firm: str) -> dict:
    original = docs[filing_path("b204_1", (2024, 3))]
    true_row = _take(original.table, firm)
    money = contract.money_fields("b204_1")
    _replace(original.table, firm, [round(v / 10) if f in money else v for f, v in zip(original.table.fields, true_row)])
    fix = _correction(docs, original.table, [true_row], (2024, 4))
    return _record(1, "unit_slip", original.path, firm, (2024, 3),
                   "all money values divided by 10 (a 万元 figure typed into a 千元 column)", fix)


def _falling_ytd(docs: dict[str, Document], firm: str) -> dict:
    march = _take(docs[filing_path("b204_1", (2024, 3))].table, firm)
    original = docs[filing_path("b204_1", (2024, 4))]
    true_row = _take(original.table, firm)
    at = original.table.column("gross_output_value_ytd")
    wrong = list(true_row)
    wrong[at] = round(march[at] * 0.96)
    _replace(original.table, firm, wrong)
    fix = _correction(docs, original.table, [true_row], (2024, 5))
    return _record(2, "falling_ytd", original.path, firm, (2024, 4),
                   "gross_output_value_ytd below the enterprise's 2024-03 value", fix)


def _invalid_code(docs: dict[str, Document], registry: Registry, rng: np.random.Generator) -> dict:
    doc = docs[filing_path("b204_1", (2024, 5))]
    source = doc.table.rows[int(rng.integers(len(doc.table.rows)))]
    money = contract.money_fields("b204_1")
    bad = spoil_check_char(registry.credit_code())
    row = [bad if f == "enterprise_id" else round(v * 0.9) if f in money else v
           for f, v in zip(doc.table.fields, source)]
    doc.table.rows.insert(int(rng.integers(len(doc.table.rows))), row)
    return _record(3, "invalid_credit_code", doc.path, bad, (2024, 5),
                   "extra row whose credit code has a wrong check character", None)


def _duplicate(docs: dict[str, Document], firm: str) -> dict:
    doc = docs[filing_path("b203", (2024, 2))]
    at = [row[0] for row in doc.table.rows].index(firm)
    doc.table.rows.insert(at + 1, list(doc.table.rows[at]))
    return _record(4, "duplicate_row", doc.path, firm, (2024, 2), "the same row twice (exact copy)", None)


def _unknown_unit(docs: dict[str, Document], registry: Registry, rng: np.random.Generator) -> dict:
    doc = docs[filing_path("e204_1", (2024, 6))]
    source = doc.table.rows[int(rng.integers(len(doc.table.rows)))]
    code = registry.credit_code()
    money = contract.money_fields("e204_1")
    row = [code if f == "enterprise_id" else round(v * 1.1) if f in money else v
           for f, v in zip(doc.table.fields, source)]
    doc.table.rows.append(row)
    return _record(5, "unknown_enterprise", doc.path, code, (2024, 6),
                   "extra row with a valid credit code that is in no register", None)


def _january(docs: dict[str, Document], filings: Filings, firms: list[str]) -> dict:
    table = filings.b203(2024, 1)
    table.rows = [row for row in table.rows if row[0] in set(firms)]
    path = filing_path("b203", (2024, 1))
    docs[path] = Document(path, table)
    return _record(6, "january_filing", path, ",".join(row[0] for row in table.rows), (2024, 1),
                   "January filing of a January-exempt form (Jan-Feb is one period)", None)


def _resubmit(docs: dict[str, Document], form: str, period: tuple[int, int], rng: np.random.Generator,
              spare: list[str]) -> dict:
    """A few units' original rows are 2-8% off; a 更正 file in the same folder carries the true rows."""
    original = docs[filing_path(form, period)]
    filing_ids = {row[0] for row in original.table.rows}
    chosen = [f for f in rng.permutation(np.array(spare, dtype=object)) if f in filing_ids][:int(rng.integers(3, 6))]
    money = {f for f in contract.money_fields(form) if not f.endswith("_prior")}
    true_rows = []
    for firm in chosen:
        true_rows.append(_take(original.table, firm))
        factor = 1.0 + rng.choice([-1.0, 1.0]) * rng.uniform(0.02, 0.08)
        _replace(original.table, firm, [round(v * factor) if f in money else v
                                        for f, v in zip(original.table.fields, true_rows[-1])])
    fix = _correction(docs, original.table, true_rows, period)
    return {"file": original.path, "corrected_by": fix, "form": contract.forms()[form]["code"],
            "period": f"{period[0]}-{period[1]:02d}", "enterprise_ids": list(chosen)}


def _take(table: Table, firm: str) -> list:
    return list(next(row for row in table.rows if row[0] == firm))


def _replace(table: Table, firm: str, new_row: list) -> None:
    at = [row[0] for row in table.rows].index(firm)
    table.rows[at] = new_row


def _correction(docs: dict[str, Document], table: Table, rows: list[list], arrived: tuple[int, int]) -> str:
    path = filing_path(table.form, table.period, arrived, correction=True)
    docs[path] = Document(path, Table(table.form, table.period, list(table.fields), [list(r) for r in rows]))
    return path


def _record(number: int, kind: str, path: str, unit: str, period: tuple[int, int], what: str,
            fix: str | None) -> dict:
    return {"defect": number, "kind": kind, "file": path, "enterprise_id": unit,
            "period": f"{period[0]}-{period[1]:02d}", "description": what, "corrected_by": fix}

