"""`zonestat ingest` and `zonestat loads`: put files into the warehouse, show the audit trail."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from zonestat.cli.common import EXIT_DATA, console, fail, print_table, require_db, settings, to_json

LOAD_COLUMNS = {"form": "表式 form", "files": "文件 files", "files_failed": "失败 failed",
                "rows_read": "读入 read", "rows_loaded": "入库 loaded", "rows_rejected": "拒收 rejected",
                "rows_warned": "提示 warned"}
REASON_COLUMNS = {"outcome": "结果 outcome", "form": "表式 form", "field": "字段 field",
                  "check_name": "问题 problem", "rows": "行数 rows"}
OUTCOME_ZH = {"rejected": "拒收 rejected", "warning": "提示 warning"}
COVERAGE_COLUMNS = {"form": "表式 form", "units": "单位数 units", "rows": "行 rows",
                    "first_period": "起 from", "last_period": "止 to",
                    "rows_unknown_unit": "名录外 not in register"}


def run_ingest(paths: list[Path], encoding: str | None = None, quiet: bool = False):
    """Ingest with a progress bar; returns the BatchResult."""
    from rich.progress import Progress

    from warehouse.batch import expand, ingest_paths, not_read

    s = settings()
    s.ensure_dirs()
    files = expand(paths)
    with Progress(console=console, transient=True, disable=quiet) as progress:
        task = progress.add_task("入库 loading", total=len(files))
        batch = ingest_paths(s.db_path, files, encoding=encoding,
                             on_file=lambda r: progress.advance(task), exports_dir=s.exports, today=s.today)
    batch.not_read = not_read(paths)     # of the folders as given: lock, cache and hidden files named
    for result in batch.results:
        if result.status == "failed":
            console.print(f"[red]✗ 失败 failed[/] {result.message}", soft_wrap=True)
    for path, why in batch.not_read:
        console.print(f"[yellow]- 未读取 not read[/] {path}: {why}", soft_wrap=True)
    return batch


def print_summary(batch) -> None:
    """What was loaded and what was rejected and why, then what core now holds."""
    from warehouse import audit
    from warehouse.db import session

    ids = [r.load_id for r in batch.results if r.status in ("loaded", "failed") and r.load_id]
    skipped = batch.count("skipped")
    with session(settings().db_path, read_only=True) as con:
        print_table(audit.load_summary(con, ids), LOAD_COLUMNS, title="入库汇总 Load summary")
        reasons = audit.rejection_reasons(con, ids)
        if reasons:
            for r in reasons:
                r["outcome"] = OUTCOME_ZH.get(r["outcome"], r["outcome"])
            print_table(reasons, REASON_COLUMNS, title="拒收与提示原因 Rejected rows and warnings, by reason")
            console.print("示例 examples (file, row, field):")
            for r in reasons:
                console.print(f"  - {r['example']}", soft_wrap=True)
        print_table(audit.core_coverage(con), COVERAGE_COLUMNS, title="核心层数据 What core now holds")
    if skipped:
        console.print(f"{skipped} 个文件此前已入库, 未作改动 ({skipped} files were already loaded; nothing changed)")
    for done in batch.republished:
        what = (f"新版本 vintage {done.vintage_id}, {done.rows_changed} 项变动 figures changed" if done.new
                else "数字未变 figures unchanged")
        console.print(f"已发布期已更新 published period refreshed: {done.period:%Y-%m} ({what}; "
                      f"`zonestat revisions --period {done.period:%Y-%m}`)", soft_wrap=True)


def ingest(paths: list[Path] = typer.Argument(..., help="Files or folders (walked recursively)."),
           encoding: Optional[str] = typer.Option(None, help="Declare the CSV encoding instead of detecting it."),
           json_out: bool = typer.Option(False, "--json", help="Print the per-file results as JSON.")) -> None:
    """入库: load filing files (CSV/XLSX/Parquet) into the warehouse and rebuild core."""
    from warehouse.batch import expand

    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(missing)}")
    if encoding is not None:
        check_encoding(encoding)
    if not expand(paths):
        raise fail(f"没有可读取的文件 no files to load in {', '.join(map(str, paths))} (the folder is empty, "
                   "or holds only lock, cache or hidden files)", EXIT_DATA)
    batch = run_ingest(paths, encoding, quiet=json_out)
    if json_out:
        console.print_json(to_json({"file": str(r.path), "status": r.status, "form": r.form, "load_id": r.load_id,
                                    "rows_read": r.rows_read, "rows_loaded": r.rows_loaded,
                                    "rows_rejected": r.rows_rejected, "rows_warned": r.rows_warned,
                                    "message": r.message} for r in batch.results))
    else:
        print_summary(batch)
    if not batch.ok:
        raise typer.Exit(EXIT_DATA)


def check_encoding(name: str) -> None:
    """--encoding must name a text encoding Python knows (gb18030, utf-8, ...): else exit 2."""
    try:
        "".encode(name)
    except LookupError:
        raise fail(f"--encoding {name}: unknown text encoding (未知编码); e.g. utf-8, gb18030, utf-16") from None


def loads(limit: int = typer.Option(50, min=0, help="How many of the latest loads to show."),
          status: Optional[str] = typer.Option(None, help="Only loads with this status (loaded, failed)."),
          json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """入库记录: the audit trail of loaded files, newest first."""
    from warehouse import audit
    from warehouse.db import session

    with session(require_db(settings()), read_only=True) as con:
        rows = audit.recent_loads(con, limit, status)
    if json_out:
        print(to_json(rows))
        return
    print_table(rows, {"load_id": "批次 load", "file_name": "文件 file", "form": "表式 form",
                       "encoding": "编码 encoding", "status": "状态 status", "rows_read": "读入 read",
                       "rows_loaded": "入库 loaded", "rows_rejected": "拒收 rejected",
                       "rows_warned": "提示 warned", "finished_at": "完成 finished", "message": "说明 message"},
                title="入库记录 Loads")
