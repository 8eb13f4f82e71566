"""Properties that hold for any data (hypothesis generates the data)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from conftest import report_warning_messages, statreport_warnings_only, warned_messages
from hypothesis import HealthCheck, given, settings
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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), st.floats(0.05, 0.95), st.floats(0.5, 0.999))
def test_report_invariants(frame, threshold, ci_level):
    with statreport_warnings_only() as caught:
        try:
            result = statreport.fit("y ~ x1 + x2 + g", frame, threshold=threshold, ci_level=ci_level)
        except statreport.StatReportError:
            return  # e.g. a level that vanished makes the design singular: a clean error is fine
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
