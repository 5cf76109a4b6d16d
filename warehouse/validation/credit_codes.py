"""Unified social credit codes (GB 32100-2015) checked a column at a time, for the GX suites.

Same rule as warehouse.codes.is_valid, vectorised: 1,000,000 codes in a few hundred milliseconds.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.codes import CHARSET, WEIGHTS

_VALUE = np.full(256, -1, dtype=np.int16)  # byte -> position in the charset, -1 outside it
for _i, _ch in enumerate(CHARSET):
    _VALUE[ord(_ch)] = _i


def _digits(codes: pa.Array) -> np.ndarray:
    """An (n, 18) matrix of charset positions of 18-byte strings."""
    offset_type = np.int64 if pa.types.is_large_string(codes.type) else np.int32
    offsets = np.frombuffer(codes.buffers()[1], dtype=offset_type)[codes.offset: codes.offset + len(codes) + 1]
    data = np.frombuffer(codes.buffers()[2], dtype=np.uint8)[offsets[0]: offsets[-1]]
    return _VALUE[data.reshape(-1, 18)]


def valid_credit_codes(values: pd.Series) -> np.ndarray:
    """True where the value is an 18-character code whose check character is right (nulls: False)."""
    codes = pa.array(values, from_pandas=True)
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    if not pa.types.is_string(codes.type) and not pa.types.is_large_string(codes.type):
        codes = codes.cast(pa.string(), safe=False)
    shaped = pc.fill_null(pc.equal(pc.binary_length(codes), 18), False)
    out = np.zeros(len(codes), dtype=bool)
    picked = codes.filter(shaped)
    if len(picked):
        digits = _digits(picked)
        total = np.zeros(len(picked), dtype=np.int64)
        for position, weight in enumerate(WEIGHTS):
            total += digits[:, position].astype(np.int64) * weight
        check = (31 - total % 31) % 31
        out[shaped.to_numpy(zero_copy_only=False)] = (digits >= 0).all(axis=1) & (check == digits[:, 17])
    return out
