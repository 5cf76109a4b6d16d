"""Fixed-asset investment projects: attributes, monthly completed investment (千元) and filing months."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from demo.identity import Registry
from demo.population import filing_mask
from demo.seasons import YEARS, build_weights

START_COUNTS = {2018: 8, 2019: 18, 2020: 17, 2021: 22, 2022: 24, 2023: 28, 2024: 33}
MANUFACTURING_SHARE = {2018: 0.45, 2019: 0.45, 2020: 0.5, 2021: 0.5, 2022: 0.5, 2023: 0.5, 2024: 0.7}
# code: kind, median planned total (千元), log sd, name patterns
OTHER_KINDS = {
    "4420": (0.3, 60000, 0.8, ("110千伏{x}输变电工程", "{x}分布式光伏发电项目")),
    "7010": (0.3, 300000, 0.5, ("{x}商住小区项目", "{x}人才公寓项目", "{x}保障性租赁住房项目")),
    "4813": (0.4, 80000, 0.8, ("{x}道路改造工程", "{x}提升改造工程")),
}
PLACES = ("金山东路", "九鼎路", "五金大道", "长城路", "名园南大道", "古山", "石柱", "溪心路",
          "西园山背", "老长城区块", "城西", "总部中心")
# local industry: (capacity unit and product, planned 万元 per unit of capacity)
PRODUCTS = {"门业": ("万樘智能门", 1000), "杯壶": ("万只保温杯", 20), "电动工具": ("万台锂电工具", 100),
            "车业": ("万辆电动车", 500), "休闲运动器具": ("万辆滑板车", 300), "厨具": ("万只不粘锅", 50),
            "金属材料": ("万吨铝合金型材", 2000), "五金工具": ("万件园林工具", 100),
            "储能": ("GWh储能电池", 20000), "其他": ("万件精密零部件", 50)}
_PHRASES = ("年产{n}{p}智能化技改项目", "年产{n}{p}生产线扩建项目", "年产{n}{p}数字化工厂建设项目")


def build_projects(firms: pd.DataFrame, registry: Registry, rng: np.random.Generator) -> pd.DataFrame:
    """About 150 projects started 2018-2024, each living one to three calendar years."""
    developers = [registry.credit_code() for _ in range(6)]
    rows = []
    for year, count in START_COUNTS.items():
        for _ in range(count):
            manufacturing = rng.random() < MANUFACTURING_SHARE[year]
            row = _manufacturing(firms, year, rng) if manufacturing else _other(developers, rng)
            row.update(_timing(year, rng, min_life=_min_life(row["planned"])))
            rows.append(row)
    frame = pd.DataFrame(rows)
    serials = rng.choice(900000, len(frame), replace=False) + 100000
    frame["project_id"] = [f"{y}-330784-{c[:2]}-{'03' if m else '01'}-{s}" for y, c, m, s in
                           zip(frame["start_year"], frame["industry_code"], frame["is_manufacturing"], serials)]
    frame["project_name"] = _unique(frame["project_name"].tolist())
    return frame.sort_values("project_id", ignore_index=True)


def investment(projects: pd.DataFrame, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(project, year, month) completed investment (千元) and the months a project files."""
    flows = np.zeros((len(projects), len(YEARS), 12))
    files = np.zeros(flows.shape, dtype=bool)
    weights = build_weights()
    for p, row in enumerate(projects.itertuples()):
        months = [(y, m) for y in range(row.start_year, row.end_year + 1) for m in range(1, 13)
                  if (y, m) >= (row.start_year, row.start_month) and (y, m) <= (row.end_year, row.end_month)]
        w = np.array([weights[min(y, YEARS[-1]) - YEARS[0], m - 1] for y, m in months])
        w *= rng.uniform(0.6, 1.4, len(w)) * np.minimum(1.0, 0.4 + 0.3 * np.arange(len(w)))
        spent = row.planned * rng.uniform(0.85, 1.0) * w / w.sum()
        for (y, m), value in zip(months, spent):
            if y <= YEARS[-1]:
                flows[p, y - YEARS[0], m - 1] = value
        for y in range(row.start_year, min(row.end_year, YEARS[-1]) + 1):
            first = max(2, row.start_month) if y == row.start_year else 2
            files[p, y - YEARS[0], first - 1:] = True
    limit_concentration(projects, flows, files)
    return flows, files


def limit_concentration(projects: pd.DataFrame, flows: np.ndarray, files: np.ndarray,
                        cap: float = 0.08) -> None:
    """Shrink any project holding more than `cap` of a year's June YTD total (2023, 2024), planned too."""
    for _ in range(4):
        for year in (2023, 2024):
            yi = year - YEARS[0]
            june = np.where(files[:, yi, 5], flows[:, yi, :6].sum(axis=1), 0.0)
            for p in np.flatnonzero(june > cap * june.sum()):
                factor = 0.98 * cap * june.sum() / june[p]
                flows[p] *= factor
                projects.loc[p, "planned"] = _round_planned(projects.loc[p, "planned"] * factor)


def settle_planned(projects: pd.DataFrame, flows: np.ndarray) -> None:
    """Raise a planned total that calibration pushed below the investment already completed."""
    done = flows.sum(axis=(1, 2))
    needed = np.ceil(done * 1.02 / 1000.0) * 1000.0
    projects["planned"] = np.maximum(projects["planned"].to_numpy(), needed)


def _min_life(planned: float) -> int:
    """Big projects take longer: two calendar years from 2亿, three from 8亿 (planned in 千元)."""
    return 3 if planned >= 800000 else 2 if planned >= 200000 else 1


def _timing(year: int, rng, min_life: int) -> dict:
    """Start month and date, and the last calendar year and month of construction."""
    start_month = int(rng.choice(np.arange(1, 11), p=_MONTH_P))
    life = int(rng.choice([1, 2, 3], p=[0.3, 0.45, 0.25]))
    life = max(life, min_life, 2 if year == 2018 else 1)
    end_year = year + life - 1
    end_month = int(rng.integers(min(start_month + 2, 12), 13)) if life == 1 else int(rng.integers(3, 13))
    day = int(rng.integers(1, 29))
    return {"start_year": year, "start_month": start_month, "end_year": end_year,
            "end_month": end_month, "start_date": date(year, start_month, day)}


_MONTH_P = np.array([0.06, 0.06, 0.14, 0.13, 0.12, 0.11, 0.1, 0.1, 0.1, 0.08])
_MONTH_P = _MONTH_P / _MONTH_P.sum()


def _manufacturing(firms: pd.DataFrame, year: int, rng) -> dict:
    """A manufacturing project of a firm filing that year; bigger firms invest more often."""
    pool = np.flatnonzero(filing_mask(firms, max(year, 2019)))
    size = firms["size"].to_numpy()[pool]
    firm = firms.iloc[int(rng.choice(pool, p=np.sqrt(size) / np.sqrt(size).sum()))]
    planned = float(np.clip(rng.lognormal(np.log(110000), 0.75), 5000, 3000000))
    short = firm["enterprise_name"].replace("股份有限公司", "").replace("有限公司", "")
    for place in ("永康市", "浙江", "金华市"):
        short = short.removeprefix(place)
    product, per_unit = PRODUCTS[firm["group"]]
    capacity = max(1, round(planned / 10.0 / per_unit * rng.uniform(0.7, 1.3)))
    phrase = str(rng.choice(_PHRASES)).format(n=capacity, p=product)
    return {"industry_code": firm["industry_code"], "enterprise_id": firm["enterprise_id"],
            "is_manufacturing": True, "planned": _round_planned(planned), "project_name": short + phrase}


def _other(developers: list[str], rng) -> dict:
    """Power, real-estate or road project of one of the zone's developers."""
    codes = list(OTHER_KINDS)
    code = str(rng.choice(codes, p=[OTHER_KINDS[c][0] for c in codes]))
    _, median, sd, patterns = OTHER_KINDS[code]
    planned = float(np.clip(rng.lognormal(np.log(median), sd), 5000, 3000000))
    name = str(rng.choice(patterns)).format(x=str(rng.choice(PLACES)))
    return {"industry_code": code, "enterprise_id": str(rng.choice(developers)),
            "is_manufacturing": False, "planned": _round_planned(planned), "project_name": name}


def _round_planned(value: float) -> float:
    step = 1000.0 if value >= 10000 else 100.0  # 100万 or 10万 (in 千元)
    return max(5000.0, round(value / step) * step)


def _unique(names: list[str]) -> list[str]:
    """Repeated names become phases: X, X(二期), X(三期)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}({'一二三四五六七八九'[seen[name] - 1]}期)")
    return out
