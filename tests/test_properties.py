"""Properties that hold for any data (hypothesis generates the data).

A clean StatReportError is allowed for an odd data set, but most generated data
sets are ordinary and must give a report: the test counts the outcomes and
asserts a minimum share of reports, so a regression that rejects everything
fails. The examples are derandomized (one fixed sequence), so the share is the
same on every run until the test, the strategy or hypothesis changes.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
from conftest import report_warning_messages, statreport_warnings_only, warned_messages
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import statreport


@st.composite
def datasets(draw):
    n = draw(st.integers(min_value=12, max_value=80))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n) * draw(st.sampled_from([0.01, 1.0, 100.0]))
    x2 = rng.normal(size=n)
    group = rng.choice(["a", "b", "c"], size=n)
    eta = draw(st.floats(-2, 2)) + draw(st.floats(-3, 3)) * x2
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2, "g": group})


def check_invariants(frame: pd.DataFrame, threshold: float, ci_level: float) -> str:
    """Fit and check the report's invariants: "report", or the StatReportError's class name."""
    with statreport_warnings_only() as caught:
        try:
            result = statreport.fit("y ~ x1 + x2 + g", frame, threshold=threshold, ci_level=ci_level)
        except statreport.StatReportError as exc:
            return type(exc).__name__  # e.g. a level that vanished makes the design singular
    assert warned_messages(caught) == report_warning_messages(result)  # each one, once
    c = result.classification
    assert c.tn + c.fp + c.fn + c.tp == result.fit.n_obs == len(frame)
    assert result.fit.events == int(frame["y"].sum())
    for row in result.coefficient_rows:
        with np.errstate(over="ignore"):
            assert math.isclose(row.odds_ratio, float(np.exp(row.estimate)), rel_tol=1e-12)
        if math.isfinite(row.std_error):
            assert row.ci_low <= row.estimate <= row.ci_high
            assert row.or_ci_low <= row.odds_ratio <= row.or_ci_high
            assert 0.0 <= row.p_value <= 1.0
    assert 0.0 <= c.auc <= 1.0 and 0.0 <= c.brier <= 1.0
    r2 = result.pseudo_r2
    assert r2.cox_snell <= r2.nagelkerke + 1e-12
    assert result.fit.deviance <= result.fit.null_deviance + 1e-8
    document = result.to_dict()
    assert len(document["coefficients"]) == len(result.coefficient_rows)
    return "report"


def test_report_invariants():
    outcomes: Counter[str] = Counter()

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(datasets(), st.floats(0.05, 0.95), st.floats(0.5, 0.999))
    def invariants_hold(frame, threshold, ci_level):
        outcome = check_invariants(frame, threshold, ci_level)
        event(outcome)
        outcomes[outcome] += 1

    invariants_hold()
    total = sum(outcomes.values())
    summary = f"{outcomes['report']} of {total} reports; {dict(outcomes.most_common())}"
    print(summary)
    # Measured at 90025c2: 49 of 60 reports (82%), 11 FitErrors (separation in small samples).
    assert outcomes["report"] >= 0.65 * total, f"expected at least 65% reports, got {summary}"
