"""The pinned contexts behind the snapshot tests, shared by the test and the script that
refreshes the snapshots (``python scripts/update_snapshots.py``).

Each snapshot is rendered from a fixed input with what legitimately varies between
machines pinned: library versions and last-digit noise of the cross-check.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@contextmanager
def _without_source_date_epoch() -> Iterator[None]:
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def pinned_tutorial_html() -> str:
    """The tutorial's HTML report (no figures) for a fixed date, versions shown as X."""
    import statreport
    from statreport.report.html import render_html

    with _without_source_date_epoch():
        result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv", date="2026-01-01")
    pinned = dataclasses.replace(
        result,
        versions=(("statreport", "X"), ("statsmodels", "X")),
        crosscheck=dataclasses.replace(result.crosscheck, version="X", max_abs_coef_diff=0.0,
                                       max_abs_prob_diff=0.0),
    )
    return render_html(pinned, with_figures=False).replace(statreport.__version__, "X")


def pinned_anes96_coefficients_html() -> str:
    """The Coefficients section alone of the 1996 election example (categoricals with their
    reference levels and n (events) per level), without figures."""
    import statreport
    from statreport.report.html import render_html
    from statreport.report.sections import build_document

    with _without_source_date_epoch():
        result = statreport.fit("vote ~ C(party, Treatment('independent')) + age + education + self_lr",
                                EXAMPLES / "anes96.csv", positive="Dole", date="2026-01-01")
    document = build_document(result)
    only = dataclasses.replace(document,
                               sections=tuple(s for s in document.sections if s.key == "coefficients"))
    return render_html(result, with_figures=False, document=only).replace(statreport.__version__, "X")


#: snapshot file name (under tests/snapshots) -> the function that renders it
RENDERERS: dict[str, Callable[[], str]] = {
    "tutorial.html": pinned_tutorial_html,
    "anes96_coefficients.html": pinned_anes96_coefficients_html,
}
