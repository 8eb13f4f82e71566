"""Rewrite the HTML snapshots in tests/snapshots from their pinned contexts.

    python scripts/update_snapshots.py

The snapshot test (tests/test_snapshots.py) only compares; run this when a change
to the report is intended, look at ``git diff tests/snapshots``, and commit it.
The contexts live in tests/snapshot_context.py, shared with the test.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path.insert(0, str(TESTS))
from snapshot_context import RENDERERS, SNAPSHOTS  # noqa: E402


def main() -> int:
    SNAPSHOTS.mkdir(exist_ok=True)
    for name, render in sorted(RENDERERS.items()):
        path = SNAPSHOTS / name
        text = render()
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == text:
            print(f"unchanged  {path.relative_to(TESTS.parent)}")
            continue
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        print(f"{'created' if old is None else 'updated'}    {path.relative_to(TESTS.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
