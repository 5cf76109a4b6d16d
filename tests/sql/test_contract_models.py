"""The SQL generated from the contract (config/forms.yaml): staging typing, the core fact tables,
the validated batches and the long flows of the checks. One template per layer serves every form,
so a measure declared in the YAML gets its columns without new SQL; these tests hold the
templates to exact rows and the contract's checks to clear errors."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from expectations.checks import measures_sql
from expectations.suites import FORMS
from tests.conftest import credit_code, write_csv
from warehouse.build import FACT_FORMS, _fact_context, model_sql
from warehouse.db import render_sql
from warehouse.spec import CONFIG_DIR, SpecError, load_contract
from warehouse.staging import typed_sql

A, B = credit_code(21), credit_code(22)
NEW_FIELD = ("      new_product_value_ytd: {type: money, non_negative: true, "
             "aliases: [新产品产值本年累计, new_product_ytd]}\n")


def _contract_with(tmp_path: Path, old: str, new: str):
    text = (CONFIG_DIR / "forms.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "forms.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_contract(path)


def _with_new_measure(tmp_path: Path):
    """The real contract plus one field of B204-1 and one measure of its facts: YAML only."""
    text = (CONFIG_DIR / "forms.yaml").read_text(encoding="utf-8")
    anchor = "    facts:\n      table: industrial_output\n"
    text = text.replace(anchor, NEW_FIELD + anchor)
    text = text.replace("        export_delivery_value: {}\n",
                        "        export_delivery_value: {}\n        new_product_value: {}\n")
    path = tmp_path / "forms.yaml"
    path.write_text(text, encoding="utf-8")
    return load_contract(path)


def test_a_measure_declared_in_yaml_gets_its_month_and_prior_year_base(con, tmp_path):
    form = _with_new_measure(tmp_path).forms["b204_1"]
    context = _fact_context(form, incremental=False) | {"form": "t_b204_1", "table": "t_output",
                                                        "source": "staging.t_b204_1"}   # a full build
    columns = ", ".join(f"{f.staging_column} {'date' if f.type == 'period' else 'double' if f.type == 'money' else 'varchar'}"
                        for f in form.fields.values())
    con.execute(f"create table staging.t_b204_1 ({columns}, revisions integer, _load_id bigint, _source_row integer)")
    rows = [  # enterprise, period, gross ytd, new product ytd
        (A, "2023-02-01", 100.0, 10.0), (A, "2023-03-01", 150.0, 16.0),
        (A, "2024-01-01", 60.0, 5.0),      # January: exempt, stays out
        (A, "2024-02-01", 120.0, 12.0), (A, "2024-03-01", 190.0, 20.0),
        (B, "2024-02-01", 50.0, None), (B, "2024-04-01", 80.0, 9.0),   # B skips March; its Feb figure unknown
    ]
    for n, (unit, period, gross, new) in enumerate(rows):
        con.execute("insert into staging.t_b204_1 (enterprise_id, period, gross_output_value_ytd, "
                    "new_product_value_ytd, revisions, _load_id, _source_row) values (?, ?, ?, ?, 1, 1, ?)",
                    [unit, period, gross, new, n + 2])
    con.execute("insert into staging.register_typed by name select unnest(?) as enterprise_id, 2024 as year, "
                "1 as _load_id, 'r.csv' as _source_file, 2 as _source_row", [[A, B]])

    sql = render_sql("core/facts.sql.j2", **context)
    got = con.execute(f"select enterprise_id, strftime(period, '%Y-%m'), month_basis, new_product_value_ytd, "
                      f"new_product_value_month, new_product_value_ytd_py, new_product_value_month_py "
                      f"from ({sql}) order by 1, 2",
                      {"lo": dt.date(1900, 1, 1), "hi": dt.date(2999, 12, 1)}).fetchall()
    assert got == [
        (A, "2023-02", "consecutive", 10.0, 10.0, None, None),
        (A, "2023-03", "consecutive", 16.0, 6.0, None, None),
        (A, "2024-02", "consecutive", 12.0, 12.0, 10.0, 10.0),    # Jan-Feb; base from the 2023 filing
        (A, "2024-03", "consecutive", 20.0, 8.0, 16.0, 6.0),
        (B, "2024-02", "consecutive", None, None, None, None),    # an empty figure stays unknown
        (B, "2024-04", "after_gap", 9.0, None, None, None),       # ... and so does the month after it
    ]


def test_the_new_field_reaches_staging_and_the_checks_flows(tmp_path):
    form = _with_new_measure(tmp_path).forms["b204_1"]
    sql = typed_sql(form)
    assert "t_new_product_value_ytd * f_new_product_value_ytd as new_product_value_ytd" in sql
    assert "units['new_product_value_ytd'] as f_new_product_value_ytd" in sql
    assert form.fields["new_product_value_ytd"].ytd_flow


def test_every_fact_table_of_the_contract_is_built_with_its_declared_columns(con):
    from warehouse.build import build

    build(con)
    for name, form in FACT_FORMS.items():
        schema, table = name.split(".")
        columns = [r[0] for r in con.execute("select column_name from information_schema.columns where "
                                             "table_schema = ? and table_name = ? order by ordinal_position",
                                             [schema, table]).fetchall()]
        facts = form.facts
        expected = {facts.unit_key, "period", "month_basis", "revisions", "_load_id"} | {c for _, c in facts.keep}
        for m in facts.measures:
            expected |= {f"{m.name}_ytd_py"} | ({f"{m.name}_month", f"{m.name}_month_py"} if m.month else set())
            expected |= {f"{m.name}_reported"} if m.reported else set()
        assert expected <= set(columns), (name, expected - set(columns))
        assert columns[:2] == [facts.unit_key, "period"]


def test_the_long_views_carry_every_declared_measure():
    contract = load_contract()
    facts_sql = model_sql("marts.measure_facts")
    for form in contract.fact_forms:
        if form.facts.unit_key == "enterprise_id":
            assert f"from core.{form.facts.table}" in facts_sql
            for m in form.facts.measures:
                assert f"'measure': '{m.name}'" in facts_sql
    flows = measures_sql()
    for name in FORMS:
        for f in contract.forms[name].fields.values():
            assert (f"field: '{f.name[:-4]}'" in flows) == f.ytd_flow, f.name


@pytest.mark.parametrize("old, new, message", [
    ("        export_delivery_value: {}\n", "        export_value: {}\n", "measure 'export_value' needs the field export_value_ytd"),
    ("        goods_sales: {reported: true}\n", "        goods_sales_ytd_prior: {reported: true}\n", "needs the field"),
    ("      table: trade\n", "      table: trade\n      keep: [retail_sales]\n", None),
    ("      table: trade\n", "      table: trade\n      keep: [retail_sale_ytd]\n", "not a field"),
    ("      table: trade\n", "      table: 2trade\n", "needs a table name"),
    ("pad: 4, aliases: [行业代码, 国民经济行业代码, gbt4754_code]}\n      local_industry",
     "pad: four, aliases: [行业代码, 国民经济行业代码, gbt4754_code]}\n      local_industry", "pad a width"),
    ("      sei_flag: {type: bool, default: false,", "      sei_flag: {type: bool, codes: {y: [是]},", "only on text"),
    ("      project_id: {type: text, required: true,", "      project_id: {type: text,",
     "key field.s. project_id must be required"),
])
def test_a_contract_whose_facts_or_typing_name_what_it_lacks_is_refused(tmp_path, old, new, message):
    if message is None:       # a field the form has, though not a year-to-date one: accepted
        assert _contract_with(tmp_path, old, new).forms["e204_1"].facts.keep == (
            ("retail_sales", "retail_sales"), ("goods_sales_ytd", "goods_sales_ytd"), ("retail_sales_ytd", "retail_sales_ytd"))
        return
    with pytest.raises(SpecError, match=message):
        _contract_with(tmp_path, old, new)


def test_codes_defaults_and_padding_type_the_register(con, tmp_path):
    from warehouse.ingest import load_file

    header = ["统一社会信用代码", "单位详细名称", "年份", "单位类型", "是否规上限上", "行业代码", "是否战略性新兴产业"]
    path = write_csv(tmp_path / "reg.csv", header, [[A, "甲", 2024, "规上工业", "是", "131", ""],
                                                    [B, "乙", 2024, "限上批零", "是", "5131", "是"]])
    assert load_file(con, path).status == "loaded"
    rows = con.execute("select unit_type, industry_code, sei_flag from staging.register_typed "
                       "order by enterprise_id").fetchall()
    assert rows == [("industry", "0131", False), ("trade", "5131", True)]
