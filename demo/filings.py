"""True filing tables: one row per filing unit and period, money in integer 100-yuan units."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from demo import contract
from demo.population import filing_mask, known_mask
from demo.seasons import FILE_YEARS, year_index
from demo.zone import Zone

# field -> (series, what): "month" = this month (February: Jan-Feb), "ytd", "prior" = last year's YTD
B204_MAP = {
    "gross_output_value": ("gross_output", "month"), "gross_output_value_ytd": ("gross_output", "ytd"),
    "gross_output_value_ytd_prior": ("gross_output", "prior"),
    "sales_output_value": ("sales_output", "month"), "sales_output_value_ytd": ("sales_output", "ytd"),
    "export_delivery_value": ("export_delivery", "month"),
    "export_delivery_value_ytd": ("export_delivery", "ytd"),
}
B203_MAP = {
    "operating_revenue_ytd": ("operating_revenue", "ytd"),
    "operating_revenue_ytd_prior": ("operating_revenue", "prior"),
    "operating_cost_ytd": ("operating_cost", "ytd"), "rd_expense_ytd": ("rd_expense", "ytd"),
    "rd_expense_ytd_prior": ("rd_expense", "prior"), "total_profit_ytd": ("total_profit", "ytd"),
    "taxes_ytd": ("taxes", "ytd"),
}
E204_MAP = {
    "goods_sales": ("goods_sales", "month"), "goods_sales_ytd": ("goods_sales", "ytd"),
    "goods_sales_ytd_prior": ("goods_sales", "prior"), "retail_sales": ("retail_sales", "month"),
    "retail_sales_ytd": ("retail_sales", "ytd"), "retail_sales_ytd_prior": ("retail_sales", "prior"),
}
E204_ORDER = ["goods_sales", "goods_sales_ytd", "goods_sales_ytd_prior", "retail_sales",
              "retail_sales_ytd", "retail_sales_ytd_prior", "enterprise_id", "period"]


@dataclass
class Table:
    """Rows of one form (and period); values in contract field order unless `fields` says otherwise."""

    form: str
    period: tuple[int, int] | None
    fields: list[str]
    rows: list[list] = field(default_factory=list)

    def column(self, name: str) -> int:
        """Position of a field in the rows."""
        return self.fields.index(name)


def pick(series: dict[str, np.ndarray], cum: dict[str, np.ndarray], name: str, what: str,
         rows: np.ndarray, year: int, month: int) -> np.ndarray:
    """Values of one series for the rows at a period, as a filing reports them."""
    yi, mi = year_index(year), month - 1
    if what == "ytd":
        return cum[name][rows, yi, mi]
    if what == "prior":
        return cum[name][rows, yi - 1, mi]
    return cum[name][rows, yi, mi] if month == 2 else series[name][rows, yi, mi]


class Filings:
    """Builds the true tables of every form from a Zone."""

    def __init__(self, zone: Zone):
        self.zone = zone
        self.cum_industry = {k: v.cumsum(axis=2) for k, v in zone.industry.items()}
        self.cum_trade = {k: v.cumsum(axis=2) for k, v in zone.trade.items()}
        self.cum_invest = zone.invest.cumsum(axis=2)

    def b204(self, year: int, month: int) -> Table:
        """B204-1 output filings of the month (February carries Jan-Feb)."""
        return self._flows("b204_1", B204_MAP, year, month, contract.field_names("b204_1"))

    def b203(self, year: int, month: int) -> Table:
        """B203 finance filings of the month, with the year's average employees."""
        table = self._flows("b203", B203_MAP, year, month, contract.field_names("b203"))
        rows = np.flatnonzero(filing_mask(self.zone.firms, year))
        staff = self.zone.employees[rows, year_index(year)]
        at = table.column("avg_employees")
        for row, value in zip(table.rows, staff):
            row[at] = int(value)
        return table

    def e204(self, year: int, month: int) -> Table:
        """E204-1 trade filings of the month, English field order of the brief."""
        return self._flows("e204_1", E204_MAP, year, month, E204_ORDER, trade=True)

    def f206(self, year: int, month: int) -> Table:
        """Projects filing that month with their year-to-date completed investment."""
        zone, yi = self.zone, year_index(year)
        fields = contract.field_names("f206_1")
        table = Table("f206_1", (year, month), fields)
        records = zone.projects.to_dict("records")
        for p in np.flatnonzero(zone.project_files[:, yi, month - 1]):
            info = records[p]
            values = {"project_id": info["project_id"], "period": (year, month),
                      "project_name": info["project_name"], "enterprise_id": info["enterprise_id"],
                      "industry_code": info["industry_code"],
                      "planned_total_investment": int(round(info["planned"] * 10)),
                      "completed_investment_ytd": int(self.cum_invest[p, yi, month - 1]),
                      "start_date": info["start_date"], "is_manufacturing": bool(info["is_manufacturing"])}
            table.rows.append([values[f] for f in fields])
        return table

    def register(self, year: int) -> Table:
        """One row per industrial enterprise and trade unit known in the year."""
        fields = contract.field_names("register")
        table = Table("register", None, fields)
        for frame in (self.zone.firms, self.zone.trades):
            above, records = filing_mask(frame, year), frame.to_dict("records")
            for i in np.flatnonzero(known_mask(frame, year)):
                info = records[i]
                values = {name: info.get(name) for name in fields}
                values.update(year=year, above_scale=bool(above[i]), sei_flag=bool(info["sei_flag"]))
                table.rows.append([values[f] for f in fields])
        return table

    def _flows(self, form: str, mapping: dict, year: int, month: int, fields: list[str],
               trade: bool = False) -> Table:
        frame = self.zone.trades if trade else self.zone.firms
        series = self.zone.trade if trade else self.zone.industry
        cum = self.cum_trade if trade else self.cum_industry
        rows = np.flatnonzero(filing_mask(frame, year))
        columns = {"enterprise_id": frame["enterprise_id"].to_numpy()[rows]}
        for name, (source, what) in mapping.items():
            columns[name] = pick(series, cum, source, what, rows, year, month)
        table = Table(form, (year, month), fields)
        for i in range(len(rows)):
            table.rows.append([(year, month) if f == "period" else _plain(columns[f][i]) if f in columns
                               else None for f in fields])
        return table


def periods() -> list[tuple[int, int]]:
    """Reporting periods that are filed: February (covering Jan-Feb) to December, 2019-2024."""
    return [(y, m) for y in FILE_YEARS for m in range(2, 13)]


def _plain(value):
    return int(value) if isinstance(value, np.integer) else value
