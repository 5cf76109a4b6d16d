"""Which encoding a CSV file is in, and a UTF-8 copy of it when it is not UTF-8.

Detected, never assumed: a BOM first; else the declared encoding; else UTF-8 when the first MiB is
UTF-8, GB18030 (a superset of GBK) when it is not. The whole file is still checked while it is
read: DuckDB validates UTF-8, the transcoder GB18030, and a bad byte is an error naming its row.
"""
from __future__ import annotations

import codecs
import functools
import shutil
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
    raises FileError naming its row. GB18030 goes through the system's iconv when it decodes as
    Python's codec does (_iconv_copy); otherwise the pass runs in a child interpreter (see above)
    so that loads side by side keep both cores; when the child cannot run or refuses the bytes,
    the pass runs here, which names the row."""
    if codecs.lookup(encoding).name == "gb18030" and (copy := _iconv_copy(path, workdir)):
        return copy
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


# iconv (glibc: 0.03 CPU-s for a 15 MiB GB18030 file, against 0.2 s for the child interpreter's
# start and decode) is used only where it reads every byte as Python's gb18030 codec does, so a
# file decodes to the same text on every machine. glibc >= 2.35 follows GB18030-2022, which mapped
# these characters anew (Python keeps GB18030-2005: private-use code points for some of them); a
# copy holding any of them, on either side of the change, is made by Python's codec instead.
# Compared over every 1-, 2- and 4-byte sequence (1,611,920) on glibc 2.36, 44 differ (26 read as
# another character, 18 refused by iconv) and iconv accepts none that Python refuses; below are
# the 50 characters either side reads those 44 as.
_REMAPPED = "".join(map(chr, [
    *range(0xE78D, 0xE797), 0xE7C7, 0xE816, 0xE817, 0xE818, 0xE81E, 0xE826, 0xE82B, 0xE82C, 0xE831, 0xE832,
    0xE83B, 0xE843, 0xE854, 0xE855, 0xE864, 0x1E3F, *range(0x9FB4, 0x9FBC), *range(0xFE10, 0xFE1A), 0x20087,
    0x20089, 0x200CC, 0x215D7, 0x2298F, 0x241FE]))
# what a copy is searched for: each such character's UTF-8 but its last byte, with the last bytes
# that complete one. Its first byte is looked for first, a memchr scan (1 ms for 15 MiB); only
# when it is there is the prefix searched, a slower scan (16 ms when the first byte is common: 0xE9
# leads most CJK characters, and 0xE9 0xBE also begins 龙).
_NEEDLES: dict[bytes, frozenset[int]] = {}
for _char in _REMAPPED:
    _utf8 = _char.encode("utf-8")
    _NEEDLES[_utf8[:-1]] = _NEEDLES.get(_utf8[:-1], frozenset()) | {_utf8[-1]}


@functools.lru_cache(maxsize=1)
def _iconv_agrees() -> bool:
    """Whether this machine's iconv decodes GB18030 as Python does: every BMP character and a
    sample of the rest, outside _REMAPPED, encoded by Python and decoded by iconv (about 30 ms,
    once a process)."""
    if not shutil.which("iconv"):
        return False
    text = "".join(chr(cp) for cp in [*range(0x80, 0xD800), *range(0xE000, 0x10000), *range(0x10000, 0x110000, 97)]
                   if chr(cp) not in _REMAPPED)
    try:
        done = subprocess.run(["iconv", "-f", "GB18030", "-t", "UTF-8"], input=text.encode("gb18030"),
                              capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout == text.encode("utf-8")


def _iconv_copy(path: Path, workdir: Path) -> Path | None:
    """The UTF-8 copy of a GB18030 file made by iconv, or None: iconv missing or decoding otherwise
    than Python (_iconv_agrees), the bytes refused (the slower pass names the row), or a
    character of _REMAPPED in the copy."""
    if not _iconv_agrees():
        return None
    out = _copy_path(path, workdir)
    try:     # the file on stdin: a name is never read as an option
        with path.open("rb") as src, out.open("wb") as dst:
            done = subprocess.run(["iconv", "-f", "GB18030", "-t", "UTF-8"], stdin=src, stdout=dst,
                                  stderr=subprocess.DEVNULL)
    except OSError:
        return None
    if done.returncode != 0:
        return None
    return None if _remapped_in(out.read_bytes()) else out


def _remapped_in(data: bytes) -> bool:
    """Whether UTF-8 `data` holds a character of _REMAPPED."""
    for prefix, lasts in _NEEDLES.items():
        if data.find(prefix[:1]) < 0:
            continue
        at = data.find(prefix)
        while at >= 0:
            if data[at + len(prefix):at + len(prefix) + 1] and data[at + len(prefix)] in lasts:
                return True
            at = data.find(prefix, at + 1)
    return False


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
