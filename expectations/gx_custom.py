"""Custom GX expectation used by the suites: the credit code's check character (GB 32100-2015).

Importing this module registers `expect_column_values_to_be_valid_credit_code` with GX, so suites
loaded from JSON can name it. Imported only by gx_runner (GX itself takes seconds to import).
"""
from __future__ import annotations

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from expectations.credit_codes import valid_credit_codes


class ColumnValuesValidCreditCode(ColumnMapMetricProvider):
    """Row-wise: the value is a unified social credit code with a valid check character."""

    condition_metric_name = "column_values.valid_credit_code"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs) -> pd.Series:
        return pd.Series(valid_credit_codes(column), index=column.index)


class ExpectColumnValuesToBeValidCreditCode(ColumnMapExpectation):
    """Expect unified social credit codes (统一社会信用代码) whose 18th character checks out.

    Nulls are not judged here (pair it with expect_column_values_to_not_be_null where required).
    """

    map_metric = "column_values.valid_credit_code"
    success_keys = ("mostly",)
    args_keys = ("column",)
