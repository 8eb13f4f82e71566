"""Rendered reports against their snapshots. This test only reads the snapshots;
``python scripts/update_snapshots.py`` rewrites them when a change is intended."""

from __future__ import annotations

import difflib
import itertools

import pytest
from snapshot_context import RENDERERS, SNAPSHOTS

DIFF_LINES = 40


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_rendered_report_matches_its_snapshot(name):
    path = SNAPSHOTS / name
    rendered = RENDERERS[name]()
    if not path.exists():
        pytest.fail(f"no snapshot at tests/snapshots/{name}; create it with "
                    "python scripts/update_snapshots.py", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    if rendered != expected:
        diff = difflib.unified_diff(expected.splitlines(), rendered.splitlines(),
                                    f"tests/snapshots/{name}", "rendered now", lineterm="")
        shown = list(itertools.islice(diff, DIFF_LINES + 1))
        more = "\n[diff cut at 40 lines]" if len(shown) > DIFF_LINES else ""
        pytest.fail(f"tests/snapshots/{name} differs from the report rendered now:\n"
                    + "\n".join(shown[:DIFF_LINES]) + more
                    + "\nIf the change is intended, python scripts/update_snapshots.py refreshes it.",
                    pytrace=False)
