"""Unified social credit codes (统一社会信用代码, GB 32100-2015)."""
from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (raises ValueError on a character outside the charset)."""
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17.upper(), WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    code = code.strip().upper()
    if len(code) != 18 or any(ch not in CHARSET for ch in code):
        return False
    return check_char(code[:17]) == code[17]


def valid_codes(codes):
    """Vectorised is_valid for DuckDB (an Arrow UDF): trimmed, upper-cased, 18 characters of the
    charset with digits in positions 3-8 (the region code), and the right check character."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    codes = pc.utf8_upper(pc.utf8_trim_whitespace(pc.cast(codes, pa.string())))
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    out = np.zeros(len(codes), dtype=bool)
    lengths = pc.fill_null(pc.binary_length(codes), 0).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(lengths == 18)
    if len(rows):
        picked = pc.take(codes, pa.array(rows))
        offsets = np.frombuffer(picked.buffers()[1], dtype=np.int32)[picked.offset:picked.offset + len(picked)]
        chars = np.frombuffer(picked.buffers()[2], dtype=np.uint8)[offsets[:, None] + np.arange(18)]
        lookup = np.full(256, -1, dtype=np.int64)
        lookup[np.frombuffer(CHARSET.encode(), dtype=np.uint8)] = np.arange(len(CHARSET))
        values = lookup[chars]
        shaped = (values >= 0).all(axis=1) & (values[:, 2:8] < 10).all(axis=1)
        check = (31 - (values[:, :17] * np.array(WEIGHTS)).sum(axis=1) % 31) % 31
        out[rows] = shaped & (check == values[:, 17])
    return pa.array(out)
