"""Which encoding a CSV file is in, and a UTF-8 copy of it when it is not UTF-8.

Detected, never assumed: a BOM first; else the declared encoding; else UTF-8 when the first MiB is
UTF-8, GB18030 (a superset of GBK) when it is not. The whole file is still checked while it is
read: DuckDB validates UTF-8, the transcoder GB18030, and a bad byte is an error naming its row.
"""
from __future__ import annotations

import codecs
from pathlib import Path

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CHUNK = 1 << 22
UTF8 = ("utf-8", "utf-8-sig")


class FileError(ValueError):
    """A file that cannot be read at all; the message names the file and, where known, the row."""


def _decode_error(path: Path, encoding: str, chunk: bytes, err: UnicodeDecodeError, lines_before: int) -> FileError:
    row = lines_before + chunk[:err.start].count(b"\n") + 1
    bad = chunk[err.start:err.start + 2]
    return FileError(f"{path.name}: row {row}: bytes {bad!r} are not valid {encoding}; "
                     "the file is in another encoding")


def detect_encoding(path: Path, declared: str | None = None) -> str:
    """BOM first; else the declared encoding; else UTF-8 when the first MiB is UTF-8, else GB18030."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    for bom, name in _BOMS:
        if head.startswith(bom):
            if declared and codecs.lookup(declared).name not in ("utf-8", "utf-16", "utf-8-sig") \
                    and not codecs.lookup(declared).name.startswith("utf-16"):
                raise FileError(f"{path.name}: declared encoding {declared} but the file starts with a {name} BOM")
            return name
    if declared:
        return codecs.lookup(declared).name
    try:
        codecs.getincrementaldecoder("utf-8")(errors="strict").decode(head)   # a cut character at the end is fine
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def check_decodes(path: Path, encoding: str) -> None:
    """Raise FileError naming the first row that is not valid `encoding`."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                raise _decode_error(path, encoding, chunk, err, lines) from None
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as err:
            raise FileError(f"{path.name}: ends inside a multi-byte {encoding} character (truncated?)") from err


def transcode(path: Path, encoding: str, workdir: Path) -> Path:
    """A UTF-8 copy DuckDB can read (it reads no GB18030), decoded strictly in one pass: a bad byte
    raises FileError naming its row."""
    out = workdir / (path.stem + ".utf8.csv")
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 0
    with path.open("rb") as src, out.open("wb") as dst:
        while chunk := src.read(_CHUNK):
            try:
                dst.write(decoder.decode(chunk).encode("utf-8"))
            except UnicodeDecodeError as err:
                raise _decode_error(path, encoding, chunk, err, lines) from None
            lines += chunk.count(b"\n")
        try:
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError as err:
            raise FileError(f"{path.name}: ends inside a multi-byte {encoding} character (truncated?)") from err
    return out


def mismatch(path: Path, declared: str | None, err: FileError) -> FileError:
    if declared:
        return FileError(f"{err} (declared encoding {declared!r} does not match the file)")
    return FileError(f"{path.name}: not UTF-8 and not GB18030/GBK; cannot tell its encoding ({err})")
