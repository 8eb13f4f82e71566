"""The warnings box at the top of the report: everything to read before the numbers."""

from __future__ import annotations

from dataclasses import asdict

from ...result import ResultData
from ..document import Alert, Section, text


def build(result: ResultData) -> Section:
    found = result.warnings
    blocks: tuple[Alert, ...] = ()
    if found:
        failed = not result.crosscheck.passed or not result.fit.converged
        title = f"{len(found)} warning{'s' if len(found) > 1 else ''}: read before using these results"
        blocks = (Alert(title, tuple((text(w.message), w.code) for w in found), failed=failed),)
    return Section("warnings", None, blocks, json={"warnings": [asdict(w) for w in found]})
