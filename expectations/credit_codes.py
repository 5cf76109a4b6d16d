"""Unified social credit codes (GB 32100-2015) checked a column at a time, for the GX suites.

The rule is warehouse.codes.valid_code_array (strict: 18 bytes, upper case), which loads apply to
trimmed, upper-cased text (warehouse.load_steps._check_codes), as does the SQL macro zs_credit_code_ok.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from warehouse.codes import valid_code_array


def valid_credit_codes(values: pd.Series) -> np.ndarray:
    """True where the value is an 18-character code whose check character is right (nulls: False)."""
    return valid_code_array(pa.array(values, from_pandas=True))
