"""Demo data: six years of monthly filings of a development zone, calibrated on its H1-2024 report."""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

from demo import check
from demo.defects import Document, filing_path, inject
from demo.evaluation import EVALUATION_YEARS, EvaluationInputs
from demo.filings import Filings, periods
from demo.identity import credit_code_check_char, is_valid_credit_code
from demo.population import filing_mask
from demo.seasons import FILE_YEARS, year_index
from demo.writers import write_csv, write_xlsx
from demo.zone import build_zone

__all__ = ["generate", "credit_code_check_char", "is_valid_credit_code"]


def generate(out_dir: Path, seed: int = 20240630) -> dict:
    """Write registers and filings 2019-01..2024-12 under out_dir; return a manifest.

    Same seed, same bytes. The manifest lists counts, files, injected defects, resubmissions and
    the H1-2024 indicators recomputed from the true tables.
    """
    out_dir = Path(out_dir)
    zone = build_zone(seed)
    filings = Filings(zone)
    docs = _true_documents(filings)
    values = check.indicators(filings)
    check.assert_targets(values)
    defects, resubmissions = inject(docs, filings, np.random.default_rng([seed, zlib.crc32(b"defects")]))
    files = []
    for path in sorted(docs):
        _write(out_dir, docs[path])
        files.append(path)
    files += _write_evaluation(out_dir, filings, seed)
    return {"seed": seed, "first_period": "2019-01", "last_period": "2024-12", "counts": _counts(zone),
            "files": files, "defects": defects, "resubmissions": resubmissions,
            "indicators_h1_2024": values["indicators"], "checks": values["extra"]}


def _true_documents(filings: Filings) -> dict[str, Document]:
    """Every register and monthly filing of the true data, keyed by relative path."""
    docs = {}
    for year in FILE_YEARS:
        path = f"register/register_{year}.csv"
        docs[path] = Document(path, filings.register(year))
    builders = {"b204_1": filings.b204, "b203": filings.b203, "f206_1": filings.f206, "e204_1": filings.e204}
    for year, month in periods():
        for form, build in builders.items():
            path = filing_path(form, (year, month))
            docs[path] = Document(path, build(year, month))
    return docs


def _write(out_dir: Path, doc: Document) -> None:
    """Write one document in its form's file convention."""
    table, path = doc.table, out_dir / doc.path
    if table.form == "register":
        write_csv(path, table, encoding="utf-8-sig", unit=None, period_style="iso")
        return
    year = table.period[0]
    style = "zh" if year % 2 == 0 else "compact"
    if table.form == "b204_1":
        write_csv(path, table, encoding="gb18030", unit="万元" if year <= 2021 else "千元", period_style=style)
    elif table.form == "b203":
        write_csv(path, table, encoding="gb18030", unit="千元", period_style=style)
    elif table.form == "e204_1":
        write_csv(path, table, encoding="utf-8", unit=None, period_style="iso", english=True, newline="\n")
    else:
        write_xlsx(path, table, unit="万元")


def _write_evaluation(out_dir: Path, filings: Filings, seed: int) -> list[str]:
    """The evaluation inputs (their own seeded stream): 205-1 for December, the annual supplement."""
    inputs, written = EvaluationInputs(filings, seed), []
    for year in EVALUATION_YEARS:
        energy = f"evaluation/205-1_{year}12.csv"
        write_csv(out_dir / energy, inputs.energy_table(year), encoding="utf-8-sig", unit=None, period_style="iso")
        supplement = f"evaluation/亩均评价补充_{year}.csv"
        write_csv(out_dir / supplement, inputs.supplement_table(year), encoding="gb18030", unit="万元",
                  period_style="iso")
        written += [energy, supplement]
    return written


def _counts(zone) -> dict:
    firms, trades = zone.firms, zone.trades
    return {
        "enterprises_total": len(firms),
        "enterprises_above_scale": {str(y): int(filing_mask(firms, y).sum()) for y in FILE_YEARS},
        "trade_units_total": len(trades),
        "trade_units_above_quota": {str(y): int(filing_mask(trades, y).sum()) for y in FILE_YEARS},
        "projects_total": len(zone.projects),
        "projects_filing_june": {str(y): int(zone.project_files[:, year_index(y), 5].sum()) for y in FILE_YEARS},
    }
