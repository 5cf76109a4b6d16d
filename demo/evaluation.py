"""The demo's evaluation inputs: each year's December 205-1 energy filing and the office's annual
亩均 evaluation supplement, drawn from the true flows on a stream of their own (the monthly
filings' streams are untouched, so the H1 table stays as it was).

Some firms are plainly low-efficiency (low value-added rate, little tax, heavy energy use), about
a quarter have no emissions data, some are start-ups, in their construction phase or public
utilities (not graded), and the supplement carries production-method inputs for most firms,
income-method inputs for some and neither for the rest (the industry ratio then applies).
Value added follows a Cobb-Douglas VA = A K^0.35 L^0.65 with a persistent firm productivity A
(AR(1) around a firm effect): net fixed assets are derived from it, so the TFP estimators have a
structure to find (docs/evaluation.md reports what they find).
"""
from __future__ import annotations

import zlib

import numpy as np

from demo import contract
from demo.filings import Filings, Table
from demo.population import filing_mask
from demo.seasons import year_index

EVALUATION_YEARS = tuple(range(2019, 2024))     # full years before the demo's as-of year
BETA_K, BETA_L = 0.35, 0.65
VA_RATE = {"门业": 0.21, "杯壶": 0.22, "电动工具": 0.25, "车业": 0.23, "休闲运动器具": 0.22, "厨具": 0.21,
           "金属材料": 0.17, "五金工具": 0.22, "储能": 0.27, "其他": 0.22}


class EvaluationInputs:
    """Firm traits drawn once (seeded), then one 205-1 and one supplement table per year."""

    def __init__(self, filings: Filings, seed: int):
        self.filings = filings
        firms = filings.zone.firms
        rng = np.random.default_rng([seed, zlib.crc32(b"evaluation")])
        n = len(firms)
        self.rng = rng
        self.va_rate = np.array([VA_RATE[g] for g in firms["group"]]) * rng.lognormal(0.0, 0.18, n)
        self.tfp = self._productivity(rng, n)                     # ln A by (firm, evaluation year)
        self.energy = rng.lognormal(0.0, 0.4, n)                  # tce per unit of value added (relative)
        self.emission = rng.lognormal(0.0, 0.5, n)
        self.low = rng.random(n) < 0.08                           # plainly low-efficiency firms
        self.va_rate[self.low] *= 0.55
        self.energy[self.low] *= 2.5
        self.has_emissions = rng.random(n) < 0.75
        self.method = rng.choice(["production", "income", "none"], n, p=[0.6, 0.25, 0.15])
        self.utility = rng.random(n) < 0.012
        self.construction_year = np.where(rng.random(n) < 0.02, rng.choice(EVALUATION_YEARS, n), 0)
        self.startup = rng.random(n) < 0.3                        # a new entrant reports as start-up
        self.missing_energy = rng.random(n) < 0.015

    @staticmethod
    def _productivity(rng: np.random.Generator, n: int) -> np.ndarray:
        effect = rng.normal(0.0, 0.25, n)
        out = np.empty((n, len(EVALUATION_YEARS)))
        out[:, 0] = effect + rng.normal(0.0, 0.1, n)
        for t in range(1, len(EVALUATION_YEARS)):
            out[:, t] = effect + 0.7 * (out[:, t - 1] - effect) + rng.normal(0.0, 0.07, n)
        return out

    def _rows(self, year: int) -> np.ndarray:
        return np.flatnonzero(filing_mask(self.filings.zone.firms, year))

    def _december(self, name: str, rows: np.ndarray, year: int) -> np.ndarray:
        """The firm's December year to date of a true series (100-yuan units)."""
        return self.filings.cum_industry[name][rows, year_index(year), 11].astype(float)

    def energy_table(self, year: int) -> Table:
        """Form 205-1 for December of the year: energy (tce) and electricity (10^4 kWh) to date."""
        rows = self._rows(year)
        rows = rows[~self.missing_energy[rows]]
        output = self._december("gross_output", rows, year)
        value_added = output * self.va_rate[rows] / 100.0                # 万元
        tce = value_added / 2.7 * self.energy[rows] * self.rng.lognormal(0.0, 0.05, len(rows))
        table = Table("f205_1", (year, 12), contract.field_names("f205_1"))
        ids = self.filings.zone.firms["enterprise_id"].to_numpy()
        for i, energy in zip(rows, tce):
            values = {"enterprise_id": ids[i], "period": (year, 12), "energy_tce_ytd": round(float(energy), 1),
                      "electricity_ytd": round(float(energy) * 0.35, 1)}
            table.rows.append([values[f] for f in table.fields])
        return table

    def supplement_table(self, year: int) -> Table:
        """The office's annual supplement: money in 100-yuan units (written in 万元)."""
        zone, rng = self.filings.zone, self.rng
        rows = self._rows(year)
        output = self._december("gross_output", rows, year)
        revenue = self._december("operating_revenue", rows, year)
        value_added = output * self.va_rate[rows] * rng.lognormal(0.0, 0.06, len(rows))
        labour = zone.employees[rows, year_index(year)].astype(float)
        ln_a = self.tfp[rows, EVALUATION_YEARS.index(year)]
        # K from VA = A K^bk L^bl, scaled so that capital is about 0.9 of a year's output (万元 vs 100 yuan)
        fixed = np.exp((np.log(value_added / 100.0) - ln_a - BETA_L * np.log(labour)) / BETA_K) * 100.0
        fixed *= 0.9 * np.median(output) / np.median(fixed)
        gross = fixed * rng.uniform(1.3, 1.8, len(rows))
        tax_rate = np.where(self.low[rows], 0.012, 0.045) * rng.lognormal(0.0, 0.3, len(rows))
        vat = output * 0.03 * rng.uniform(0.7, 1.3, len(rows))
        wages = value_added * rng.uniform(0.55, 0.75, len(rows))
        status = self._status(rows, year)
        table = Table("evaluation", None, contract.field_names("evaluation"))
        ids = zone.firms["enterprise_id"].to_numpy()
        for k, i in enumerate(rows):
            method = self.method[i]
            emissions = value_added[k] / 100.0 / 4900.0 * self.emission[i]
            values = {
                "enterprise_id": ids[i], "year": year, "assessed_tax": int(revenue[k] * tax_rate[k]),
                "pollutant_emissions": f"{emissions:.4f}" if self.has_emissions[i] else None,
                "gross_fixed_assets": int(gross[k]), "accumulated_depreciation": int(gross[k] - fixed[k]),
                "depreciation": int(gross[k] * 0.06),
                "intermediate_inputs": int(output[k] - value_added[k] + vat[k]) if method == "production" else None,
                "vat_payable": int(vat[k]) if method == "production" else None,
                "labour_compensation": int(wages[k]) if method != "none" else None,
                "rd_expenditure": None if k % 2 else int(self._december("rd_expense", rows[k:k + 1], year)[0] * 1.1),
                "evaluation_status": status[k],
            }
            table.rows.append([values[f] for f in table.fields])
        return table

    def _status(self, rows: np.ndarray, year: int) -> list[str]:
        firms = self.filings.zone.firms
        entry = firms["entry_year"].to_numpy()[rows]
        out = []
        for i, entered in zip(rows, entry):
            if self.utility[i]:
                out.append("公用事业")
            elif self.construction_year[i] == year:
                out.append("在建")
            elif entered == year and self.startup[i]:
                out.append("新办")
            else:
                out.append("正常")
        return out
