"""Writing a query's result: csv, json or parquet, to the screen or to a file written whole or not at all.

CSV and JSON carry list, struct and map values as JSON text / JSON values (a map becomes an
object), so every column DuckDB can return can be exported."""
from __future__ import annotations

import json
import os
import sys
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from zonestat.cli.common import _plain, fail

FORMATS = ("table", "csv", "json", "parquet")


def plain(value: Any, type_) -> Any:
    """A value of Arrow type `type_` as JSON-ready Python (maps as dicts, dates as ISO text)."""
    import pyarrow as pa

    if value is None:
        return None
    if pa.types.is_map(type_):
        return {str(plain(k, type_.key_type)): plain(v, type_.item_type) for k, v in value}
    if pa.types.is_list(type_) or pa.types.is_large_list(type_) or pa.types.is_fixed_size_list(type_):
        return [plain(v, type_.value_type) for v in value]
    if pa.types.is_struct(type_):
        return {f.name: plain(value.get(f.name), f.type) for f in type_}
    return _plain(value)


def rows(table) -> list[dict]:
    """The table's rows with nested values made plain."""
    types = {f.name: f.type for f in table.schema}
    return [{k: plain(v, types[k]) for k, v in row.items()} for row in table.to_pylist()]


def flat(table):
    """The table with every nested column as JSON text (pyarrow's CSV writer takes no nested types)."""
    import pyarrow as pa

    for i, field in enumerate(table.schema):
        if pa.types.is_nested(field.type):
            text = [None if v is None else json.dumps(plain(v, field.type), ensure_ascii=False, default=str)
                    for v in table.column(i).to_pylist()]
            table = table.set_column(i, pa.field(field.name, pa.string()), pa.array(text, pa.string()))
    return table


def to_json_text(table) -> str:
    return json.dumps(rows(table), ensure_ascii=False, default=str) + "\n"


def write(table, fmt: str, sink: BinaryIO) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if fmt == "csv":
        pacsv.write_csv(flat(table), sink)
    elif fmt == "json":
        sink.write(to_json_text(table).encode("utf-8"))
    else:
        pq.write_table(table, sink)


def emit(table, fmt: str, out: Path | None) -> None:
    """Write the result to `out` (whole, replacing it only when complete) or to standard output."""
    if out is None:
        write(table, fmt, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    with atomic(out) as sink:
        write(table, fmt, sink)


@contextmanager
def atomic(out: Path) -> Iterator[BinaryIO]:
    """A temporary file beside `out`, renamed over it only if the block finishes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.{os.getpid()}.{secrets.token_hex(4)}.part"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)   # the user's umask applies, as for any file
    try:
        with os.fdopen(fd, "wb") as sink:
            yield sink
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_out(out: Path | None, fmt: str, protected: list[Path]) -> None:
    """Usage errors of --format/--out, before any query runs."""
    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)} (输出格式)")
    if fmt == "table" and out is not None:
        raise fail("--out needs --format csv, json or parquet")
    if fmt == "parquet" and out is None:
        raise fail("--format parquet needs --out FILE")
    if out is not None:
        check_writable(out, "--out", protected)


def check_writable(out: Path, option: str, protected: list[Path]) -> None:
    """An output file may not be a folder, lie below a file, or be the warehouse file or one of its companions."""
    target = out.expanduser().resolve()
    if target.is_dir():
        raise fail(f"{option} {out}: is a folder; give a file name (应为文件名)")
    _check_parents(target, out, option)
    for path in protected:
        if target == path or (target.parent == path.parent and target.name.startswith(path.name + ".")):
            raise fail(f"{option} {out}: would overwrite the warehouse file {path} (不能覆盖仓库文件)")


def check_out_dir(out: Path, option: str) -> None:
    """An output folder may not be an existing file or lie below one."""
    target = out.expanduser().resolve()
    if target.exists() and not target.is_dir():
        raise fail(f"{option} {out}: is a file; give a folder (应为目录)")
    _check_parents(target, out, option)


def _check_parents(target: Path, out: Path, option: str) -> None:
    parent = target.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise fail(f"{option} {out}: {parent} is a file, not a folder (路径中有文件)")
