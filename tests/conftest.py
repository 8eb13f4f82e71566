from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
GLM_REFERENCE = REPO / "tests" / "reference" / "glm"


def glm_cases() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(GLM_REFERENCE.glob("*.json"))]


@pytest.fixture(scope="session")
def report_schema() -> dict:
    return json.loads((REPO / "statreport" / "schema" / "report.schema.json").read_text())


@contextmanager
def statreport_warnings_only() -> Iterator[list[warnings.WarningMessage]]:
    """Collect statreport's own warnings; any other warning is an error (nothing else may
    reach a script user's terminal)."""
    from statreport import StatReportWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("error")
        warnings.simplefilter("always", StatReportWarning)
        yield caught


def warned_messages(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught]


def report_warning_messages(result) -> list[str]:  # type: ignore[no-untyped-def]
    """The messages `statreport.fit` warns with: each report warning, its code in brackets."""
    return [f"{w.message} [{w.code}]" for w in result.warnings]


def income_in_dollars_frame():  # type: ignore[no-untyped-def]
    """400 incomes in dollars (mean 60,000) and an outcome with log-odds 3e-5 per dollar:
    an odds ratio per unit of 1.00003."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(4)
    n = 400
    income = rng.normal(60_000, 20_000, n)
    return pd.DataFrame({"income": income,
                         "y": (rng.random(n) < 1 / (1 + np.exp(-3e-5 * (income - 60_000)))).astype(int)})


def quasi_separated_frame():  # type: ignore[no-untyped-def]
    """g = b predicts y = 1 but for one row: Newton does not converge."""
    import pandas as pd

    return pd.DataFrame({
        "y": [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1],
        "x": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 5, 5],
        "g": list("aabbaabbaabb"),
    })
