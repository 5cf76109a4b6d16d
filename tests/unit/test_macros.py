"""The typing macros (warehouse/sql/init/macros.sql) on the spellings filings use; their fast
paths (plain casts, 是/否 compared as they are, no copy for untrimmed text) change no answer."""
from __future__ import annotations

import datetime as dt
import math

import duckdb
import pytest

from warehouse.db import read_sql


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute(read_sql("init/macros.sql"))
    yield con
    con.close()


def one(con, sql: str, value):
    return con.execute(f"select {sql}", [value]).fetchone()[0]


@pytest.mark.parametrize("text, expected", [
    ("永康市飞锋工贸有限公司", "永康市飞锋工贸有限公司"), ("  门业 ", "门业"), (" ", None), ("", None),
    (None, None), ("\t杯壶\t", "\t杯壶\t"),          # like trim(): spaces only
    ("a  b", "a  b"), (" 0579-8123 4567", "0579-8123 4567"),
])
def test_zs_text_trims_spaces_and_blanks_to_null(con, text, expected):
    assert one(con, "zs_text(?::varchar)", text) == expected
    assert one(con, "zs_text(?::varchar)", text) == one(con, "nullif(trim(?::varchar), '')", text)


@pytest.mark.parametrize("text, expected", [
    ("是", True), ("否", False), (" 是 ", True), ("Y", True), ("yes", True), ("TRUE", True), ("1", True),
    ("√", True), ("有", True), ("N", False), ("no", False), ("0", False), ("×", False), ("无", False),
    ("", False), ("也许", None), (None, None),
])
def test_zs_bool_reads_yes_and_no(con, text, expected):
    assert one(con, "zs_bool(?::varchar)", text) is expected


@pytest.mark.parametrize("text, expected", [
    ("1234.5", 1234.5), ("1,234.5", 1234.5), ("1，234", 1234.0), ("－12", -12.0), (" 7 ", 7.0),
    ("abc", None), ("", None), (None, None), ("1,234,567.25", 1234567.25), ("1.5e3", 1500.0), (".5", 0.5),
    ("１，２３４．５", 1234.5),
    # a comma in a decimal-point file only separates groups of three
    ("12,34", None), ("22607,8", None), ("1,2345", None), ("1234,567", None), ("1_000", None), ("1.234,5", None),
])
def test_zs_num_reads_numbers_as_people_write_them(con, text, expected):
    assert one(con, "zs_num(?::varchar, '.')", text) == expected


@pytest.mark.parametrize("text, expected", [
    ("22607,8", 22607.8), ("12,34", 12.34), ("1.234,5", 1234.5), ("1.234.567", 1234567.0), ("1.234", 1234.0),
    ("7", 7.0), ("-3,5", -3.5), (",5", 0.5),
    ("22607.8", None), ("1,234.5", None), ("12.34", None), ("1.2345,6", None),
])
def test_zs_num_reads_a_decimal_comma_file(con, text, expected):
    assert one(con, "zs_num(?::varchar, ',')", text) == expected


@pytest.mark.parametrize("text, expected", [("1.234", None), ("1,234", None), ("1234", 1234.0), ("-7", -7.0)])
def test_zs_num_undecided_mark_rejects_what_could_be_either(con, text, expected):
    assert one(con, "zs_num(?::varchar, '?')", text) == expected
    if expected is None:
        assert one(con, "zs_num_problem(?::varchar, '?')", text).startswith("ambiguous number")


@pytest.mark.parametrize("text", ["inf", "-Infinity", "NaN", "1e400", "-1e999"])
def test_zs_num_leaves_non_finite_values_for_the_checks(con, text):
    value = one(con, "zs_num(?::varchar, '.')", text)
    assert value is not None and not math.isfinite(value)      # the row check rejects it


@pytest.mark.parametrize("text, expected", [
    ("2024-06", dt.date(2024, 6, 1)), ("202406", dt.date(2024, 6, 1)), ("2024年6月", dt.date(2024, 6, 1)),
    ("2024年1-2月", dt.date(2024, 2, 1)), ("2024/6", dt.date(2024, 6, 1)), ("2024-06-30", dt.date(2024, 6, 1)),
    ("20240630", dt.date(2024, 6, 1)), ("2024-13", None), ("六月", None),
    ("2024.10", dt.date(2024, 10, 1)), ("2024.01", dt.date(2024, 1, 1)), ("2024.6", dt.date(2024, 6, 1)),
    ("2024.1", None),         # a spreadsheet's 2024.10 in General format: January or October?
    ("2024年1-6月", dt.date(2024, 6, 1)), ("2024年1－12月", dt.date(2024, 12, 1)), ("２０２４年６月", dt.date(2024, 6, 1)),
    ("2024年1-1月", None), ("2024年1-13月", None),
    ("2024年06月30日", dt.date(2024, 6, 1)), ("2024年6月1日", dt.date(2024, 6, 1)), ("2024年6月31日", None),
    # the range as offices type it: an em or en dash, a wave, 至
    ("2024年1—6月", dt.date(2024, 6, 1)), ("2024年1–6月", dt.date(2024, 6, 1)), ("2024年1～6月", dt.date(2024, 6, 1)),
    ("2024年1〜6月", dt.date(2024, 6, 1)), ("2024年1至6月", dt.date(2024, 6, 1)), ("2024—06", dt.date(2024, 6, 1)),
    ("2024年2—6月", None),
])
def test_zs_period_reads_the_accepted_spellings(con, text, expected):
    assert one(con, "zs_period(?::varchar)", text) == expected


def test_zs_period_says_why_2024_1_is_refused(con):
    assert one(con, "zs_period_problem(?::varchar)", "2024.1").startswith("ambiguous period")
    assert one(con, "zs_period_problem(?::varchar)", "六月").startswith("not a reporting period")


@pytest.mark.parametrize("title, expected", [
    ("永康经济开发区2024年1-6月工业产值表", dt.date(2024, 6, 1)), ("2024年1—6月", dt.date(2024, 6, 1)),
    ("2024年1～6月", dt.date(2024, 6, 1)), ("2024年1〜6月", dt.date(2024, 6, 1)), ("2024 年 6 月", dt.date(2024, 6, 1)),
    ("报出日期: 2024年7月5日", None),
])
def test_a_title_names_its_month_with_the_same_range_signs_as_a_period_cell(con, title, expected):
    from warehouse.implied import title_periods

    assert title_periods([title]) == ({expected} if expected else set())
    if expected and title.startswith("2024年"):
        assert one(con, "zs_period(?::varchar)", title) == expected      # the same text in a period cell
