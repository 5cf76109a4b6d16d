"""Which encoding a CSV file is in, and a UTF-8 copy of it when it is not UTF-8.

Detected, never assumed: a BOM first; else the declared encoding; else UTF-8 when the first MiB is
UTF-8, GB18030 (a superset of GBK) when it is not. The whole file is still checked while it is
read: DuckDB validates UTF-8, the transcoder GB18030, and a bad byte is an error naming its row.
"""
from __future__ import annotations

import codecs
import subprocess
import sys
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


# The copy is made by a child interpreter running this file (the `__main__` block below: the same
# transcode_here, outside this process). A decode in this process holds the GIL for each chunk
# (about 30 ms a 4 MiB chunk), so the two GB18030 files of a month, loading side by side, took
# turns at it and the other load's DuckDB calls waited to return. In the child they decode on both
# cores: a month of the 200k-enterprise zone loads in a median 3.47 s against 3.55 s (8 alternating
# runs each); the decode itself is 0.14 s a file. The child imports only the standard library
# (-I -S: no site packages, and this folder is not put on its path).
def transcode(path: Path, encoding: str, workdir: Path) -> Path:
    """A UTF-8 copy DuckDB can read (it reads no GB18030), decoded strictly in one pass: a bad byte
    raises FileError naming its row. The pass runs in a child interpreter (see above) so that loads
    side by side keep both cores; when the child cannot run or refuses the bytes, the pass runs
    here, which names the row."""
    if sys.executable:                # else an embedded interpreter: no child to start
        try:
            done = subprocess.run([sys.executable, "-I", "-S", __file__, str(path), encoding, str(workdir),
                                   str(_CHUNK)],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if done.returncode == 0:
                return _copy_path(path, workdir)
        except OSError:
            pass
    return transcode_here(path, encoding, workdir)


def _copy_path(path: Path, workdir: Path) -> Path:
    return workdir / (path.stem + ".utf8.csv")


def transcode_here(path: Path, encoding: str, workdir: Path, chunk_size: int | None = None) -> Path:
    """transcode in this process (`chunk_size`: bytes decoded at a time, default _CHUNK)."""
    out = _copy_path(path, workdir)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 0
    with path.open("rb") as src, out.open("wb") as dst:
        while chunk := src.read(chunk_size or _CHUNK):
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


if __name__ == "__main__":      # the child of transcode: source, encoding, folder, chunk size
    transcode_here(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
