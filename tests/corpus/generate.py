"""Write the corpus of tests/corpus to a folder, with cases.json saying what each file must do.

    .venv/bin/python -m tests.corpus.generate OUT_DIR
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.corpus import all_cases


def generate(out: Path) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    index = []
    for case in all_cases():
        path = case.write(out)
        index.append({"name": case.name, "path": str(path.relative_to(out)), "section": case.section,
                      "what": case.what, "exit_code": case.exit_code,
                      "loads": [list(load) for load in case.loads],
                      "rejected": [list(r) for r in case.rejected], "warnings": [list(w) for w in case.warnings],
                      "today": case.today})
    (out / "cases.json").write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
    return index


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for item in generate(Path(sys.argv[1])):
        print(f"§{item['section']}  {item['path']:<34} exit {item['exit_code']}  {item['what']}")
