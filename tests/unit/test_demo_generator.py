"""The demo generator: determinism, file conventions, defects, and the H1-2024 figures read back.

The reading-back code here is deliberately independent of demo: it parses the written
files with pandas/openpyxl, normalises units from the headers and applies the defect rules itself.
"""
from __future__ import annotations

import functools
import hashlib
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from demo import generate
from demo.generator import credit_code_check_char

CONFIG = Path(__file__).resolve().parents[2] / "warehouse" / "config"
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
TO_QIANYUAN = {"千元": 1.0, "万元": 10.0}
PUBLISHED = {  # percent, from the half-year meeting report
    "industrial_output_growth": 11.0, "fai_growth": 31.4, "manufacturing_investment_growth": 51.7,
    "retail_sales_growth": 37.35, "rd_expense_ratio": 3.3, "rd_expense_growth": 12.9,
    "sei_output_share": 15.0,
}
TOLERANCE = 0.004  # percentage points
HARDWARE = ["门业", "杯壶", "电动工具", "车业", "休闲运动器具", "厨具", "金属材料", "五金工具"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, generate(out)


@pytest.fixture(scope="module")
def data(demo):
    out, _ = demo
    registers = pd.concat([read_file(p, "register") for p in sorted(out.glob("register/*.csv"))])
    known = set(registers["enterprise_id"])
    return {
        "register": registers,
        "b204": clean(read_form(out, "B204-1", "b204_1"), known),
        "b203": clean(read_form(out, "B203", "b203"), known),
        "e204": clean(read_form(out, "E204-1", "e204_1"), known),
        "f206": read_form(out, "206-1", "f206_1").drop_duplicates(["project_id", "period"], keep="last"),
    }


# ---------------------------------------------------------------- independent reading helpers

def valid_code(code: str) -> bool:
    code = str(code)
    if len(code) != 18 or any(ch not in CHARSET for ch in code):
        return False
    total = sum(CHARSET.index(ch) * w for ch, w in zip(code[:17], WEIGHTS))
    return CHARSET[(31 - total % 31) % 31] == code[17]


@functools.lru_cache(maxsize=None)
def header_map(form: str) -> dict[str, tuple[str, float, bool]]:
    """Accepted header -> (field, factor to 千元, numeric); no unit in the header means the form's unit."""
    spec = yaml.safe_load((CONFIG / "forms.yaml").read_text(encoding="utf-8"))["forms"][form]
    default = TO_QIANYUAN.get(spec.get("unit"), 1.0)
    out = {}
    for name, field in spec["fields"].items():
        money = field["type"] == "money"
        numeric = field["type"] in ("money", "number", "int")
        for alias in [*field["aliases"], name]:
            out[alias] = (name, default if money else 1.0, numeric)
            if money:
                out.update({f"{alias}({u})": (name, f, True) for u, f in TO_QIANYUAN.items()})
    return out


def parse_period(values: pd.Series) -> pd.Series:
    """'2024年6月', '202406', '2024-06' or a date cell -> '2024-06'."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m")
    parts = values.astype(str).str.strip().str.extract(r"^(\d{4})(?:年|-)?(\d{1,2})月?$")
    assert parts.notna().all().all(), f"unreadable periods: {values[parts.isna().any(axis=1)].tolist()[:3]}"
    return parts[0] + "-" + parts[1].str.zfill(2)


def read_file(path: Path, form: str) -> pd.DataFrame:
    """One written file as field-named columns, money normalised to 千元 from its headers."""
    if path.suffix == ".xlsx":
        raw = pd.read_excel(path, dtype=object)
        raw = raw.apply(lambda col: pd.to_datetime(col) if col.map(type).eq(datetime).all() else col)
    else:
        encoding = {"register": "utf-8-sig", "e204_1": "utf-8"}.get(form, "gb18030")
        raw = pd.read_csv(path, encoding=encoding, dtype=str, keep_default_na=False)
    mapping = header_map(form)
    frame = raw.rename(columns={c: mapping[c][0] for c in raw.columns})
    for column in raw.columns:
        name, factor, numeric = mapping[column]
        if numeric:
            frame[name] = pd.to_numeric(frame[name]) * factor
    if "period" in frame:
        frame["period"] = parse_period(frame["period"])
    frame["_file"] = path.as_posix()
    return frame


def read_form(out: Path, code: str, form: str) -> pd.DataFrame:
    """All files of a form in arrival order (folder, then name: originals before 更正)."""
    paths = sorted(out.glob(f"filings/*/{code}_*.*"), key=lambda p: p.relative_to(out).as_posix())
    return pd.concat([read_file(p, form) for p in paths], ignore_index=True)


def clean(frame: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """Drop January filings, invalid codes and unknown units; the later row wins per unit x period."""
    frame = frame[~frame["period"].str.endswith("-01")]
    frame = frame[frame["enterprise_id"].map(valid_code) & frame["enterprise_id"].isin(known)]
    return frame.drop_duplicates(["enterprise_id", "period"], keep="last")


def scope(register: pd.DataFrame, year: int, unit_type: str) -> pd.Index:
    rows = register[(register["year"] == str(year)) & (register["unit_type"] == unit_type)
                    & (register["above_scale"] == "是")]
    return pd.Index(rows["enterprise_id"])


def comparable(frame: pd.DataFrame, ids: pd.Index, value: str, period: str, prior_period: str):
    now = frame[frame["period"] == period].set_index("enterprise_id").reindex(ids)
    before = frame[frame["period"] == prior_period].set_index("enterprise_id")[value].reindex(ids)
    assert now[value].notna().all(), "a unit of the register did not file"
    both = before.notna()
    np.testing.assert_allclose(before[both], now.loc[both, f"{value}_prior"], rtol=0, atol=1e-6)
    return now[value].sum(), before.fillna(now[f"{value}_prior"]).sum()


def pct(ratio: float) -> float:
    return float(ratio) * 100.0


def indicators(data: dict) -> dict:
    reg, b204, b203 = data["register"], data["b204"], data["b203"]
    s = scope(reg, 2024, "工业")
    cur, prior = comparable(b204, s, "gross_output_value_ytd", "2024-06", "2023-06")
    rd_cur, rd_prior = comparable(b203, s, "rd_expense_ytd", "2024-06", "2023-06")
    revenue = b203[b203["period"] == "2024-06"].set_index("enterprise_id").reindex(s)["operating_revenue_ytd"]
    t = scope(reg, 2024, "批零")
    retail_cur, retail_prior = comparable(data["e204"], t, "retail_sales_ytd", "2024-06", "2023-06")
    f206 = data["f206"]
    fai = {p: f206[f206["period"] == p] for p in ("2024-06", "2023-06")}
    manuf = {p: v[v["is_manufacturing"] == "是"]["completed_investment_ytd"].sum() for p, v in fai.items()}
    info = reg[reg["year"] == "2024"].set_index("enterprise_id").reindex(s)
    out = b204[b204["period"] == "2024-06"].set_index("enterprise_id").reindex(s)["gross_output_value_ytd"]
    growing = 0
    for label in HARDWARE:
        members = s[(info["local_industry"] == label).to_numpy()]
        c, p = comparable(b204, members, "gross_output_value_ytd", "2024-06", "2023-06")
        growing += int(c > p)
    return {
        "industrial_output_growth": pct(cur / prior - 1),
        "fai_growth": pct(fai["2024-06"]["completed_investment_ytd"].sum()
                          / fai["2023-06"]["completed_investment_ytd"].sum() - 1),
        "manufacturing_investment_growth": pct(manuf["2024-06"] / manuf["2023-06"] - 1),
        "retail_sales_growth": pct(retail_cur / retail_prior - 1),
        "rd_expense_ratio": pct(rd_cur / revenue.sum()),
        "rd_expense_growth": pct(rd_cur / rd_prior - 1),
        "sei_output_share": pct(out[(info["sei_flag"] == "是").to_numpy()].sum() / out.sum()),
        "hardware_industries_growing": growing,
        "_current": cur,
    }


# ---------------------------------------------------------------- tests

def test_same_seed_gives_identical_bytes(demo, tmp_path):
    out, manifest = demo
    again = generate(tmp_path / "again")

    def digests(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    assert again == manifest
    assert digests(tmp_path / "again") == digests(out)
    assert sorted(digests(out)) == sorted(manifest["files"])


def test_check_character_matches_published_codes():
    assert credit_code_check_char("9144030071526726X") == "G"
    assert credit_code_check_char("91110108551385082") == "Q"


def test_register_codes_valid_and_defect_code_invalid(demo, data):
    _, manifest = demo
    codes = data["register"]["enterprise_id"]
    assert codes.map(valid_code).all()
    assert all(len(c) == 18 and c.startswith("91330784") for c in codes)
    bad = next(d for d in manifest["defects"] if d["defect"] == 3)
    assert not valid_code(bad["enterprise_id"])
    raw = read_file(demo[0] / bad["file"], "b204_1")
    assert bad["enterprise_id"] in set(raw["enterprise_id"])


def test_h1_2024_indicators_match_the_report(data):
    values = indicators(data)
    for name, target in PUBLISHED.items():
        assert abs(values[name] - target) < TOLERANCE, (name, values[name])
    assert values["hardware_industries_growing"] == 7


def test_naive_growth_differs_from_comparable(data):
    reg, b204 = data["register"], data["b204"]
    values = indicators(data)
    june23 = b204[b204["period"] == "2023-06"].set_index("enterprise_id")["gross_output_value_ytd"]
    naive = pct(values["_current"] / june23.reindex(scope(reg, 2023, "工业")).sum() - 1)
    assert abs(naive - values["industrial_output_growth"]) >= 1.5


def test_defects_are_in_the_raw_files(demo):
    out, manifest = demo
    kinds = {d["defect"]: d for d in manifest["defects"]}
    assert sorted(kinds) == [1, 2, 3, 4, 5, 6]
    slip = read_file(out / kinds[1]["file"], "b204_1").set_index("enterprise_id").loc[kinds[1]["enterprise_id"]]
    fix = read_file(out / kinds[1]["corrected_by"], "b204_1").set_index("enterprise_id").loc[kinds[1]["enterprise_id"]]
    assert slip["period"] == fix["period"] == "2024-03"
    assert slip["gross_output_value_ytd"] == pytest.approx(fix["gross_output_value_ytd"] / 10, abs=0.1)
    march = read_file(out / "filings/2024-03/B204-1_202403.csv", "b204_1").set_index("enterprise_id")
    april = read_file(out / kinds[2]["file"], "b204_1").set_index("enterprise_id")
    firm = kinds[2]["enterprise_id"]
    assert april.loc[firm, "gross_output_value_ytd"] < march.loc[firm, "gross_output_value_ytd"]
    duplicated = read_file(out / kinds[4]["file"], "b203").drop(columns="_file")
    assert duplicated.duplicated().sum() == 1
    unknown = kinds[5]["enterprise_id"]
    assert valid_code(unknown)
    assert unknown in set(read_file(out / kinds[5]["file"], "e204_1")["enterprise_id"])
    assert len(read_file(out / "filings/2024-01/B203_202401.csv", "b203")) == 3
    assert not list(out.glob("filings/*-01/B204-1_*")) and not list(out.glob("filings/*-01/206-1_*"))


def test_layout_one_file_per_form_and_month(demo, data):
    out, _ = demo
    for year in range(2019, 2025):
        assert (out / f"register/register_{year}.csv").exists()
        names = data["register"][data["register"]["year"] == str(year)]["enterprise_name"]
        assert names.is_unique
        for month in range(2, 13):
            folder = out / f"filings/{year}-{month:02d}"
            for stem in ("B204-1", "B203", "E204-1"):
                assert (folder / f"{stem}_{year}{month:02d}.csv").exists()
            assert (folder / f"206-1_{year}{month:02d}.xlsx").exists()
    assert sorted(p.name for p in out.glob("filings/*-01/*")) == ["B203_202401.csv"]


def test_encodings_and_units(demo):
    out, _ = demo
    for path in out.glob("filings/*/B20*.csv"):
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")
    for path in out.glob("filings/*/E204-1_*.csv"):
        text = path.read_bytes().decode("utf-8")
        assert text.startswith("goods_sales,")
    for path in out.glob("register/*.csv"):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    head_2021 = (out / "filings/2021-06/B204-1_202106.csv").read_bytes().decode("gb18030").splitlines()[0]
    head_2022 = (out / "filings/2022-06/B204-1_202206.csv").read_bytes().decode("gb18030").splitlines()[0]
    assert "工业总产值(当年价格)本年累计(万元)" in head_2021
    assert "工业总产值(当年价格)本年累计(千元)" in head_2022


def test_jan_feb_lower_than_two_marches(data):
    b204 = data["b204"]
    for year in range(2019, 2025):
        jan_feb = b204[b204["period"] == f"{year}-02"]["gross_output_value_ytd"].sum()
        march = b204[b204["period"] == f"{year}-03"]["gross_output_value"].sum()
        assert jan_feb < 2 * march, year


def test_month_values_are_ytd_differences(data):
    b204 = data["b204"][data["b204"]["period"].str.startswith("2024")]
    wide = b204.pivot(index="enterprise_id", columns="period", values="gross_output_value_ytd")
    month = b204.pivot(index="enterprise_id", columns="period", values="gross_output_value")
    np.testing.assert_allclose(month["2024-02"], wide["2024-02"], atol=1e-6)
    diffs = wide.diff(axis=1).iloc[:, 1:]
    np.testing.assert_allclose(diffs.to_numpy(), month.iloc[:, 1:].to_numpy(), atol=0.15)
    assert (diffs.to_numpy() > 0).all()


def test_investment_ytd_resets_in_january_and_grows(data):
    f206 = data["f206"]
    wide = f206.pivot(index="project_id", columns="period", values="completed_investment_ytd")
    for year in range(2019, 2025):
        months = [c for c in wide.columns if c.startswith(str(year))]
        steps = wide[months].diff(axis=1).to_numpy()
        assert (steps[~np.isnan(steps)] >= -1e-6).all(), year
