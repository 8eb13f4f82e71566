"""Whatever the data or formula, the library returns a result or raises a StatReportError.

Hypothesis generates frames with random column types, missing and infinite
values, constant and duplicate columns, odd names and odd outcomes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import report_warning_messages, statreport_warnings_only, warned_messages
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import statreport
from statreport.cli import main

NAMES = st.sampled_from(
    ["x", "y", "my col", "a.b", "class", "C", "np", "<script>", "$a$", "=HYPERLINK(1)",
     "url(http://x)", "é", "1st", "Q", "I", "log"]
)


@st.composite
def column(draw, n):
    kind = draw(st.sampled_from(
        ["float"] * 4 + ["binary"] * 4 + ["int", "text", "bool", "constant", "nan"]
    ))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if kind == "int":
        values = pd.Series(rng.integers(-5, 5, n))
    elif kind == "float":
        values = pd.Series(rng.normal(size=n))
        values[rng.random(n) < draw(st.sampled_from([0.0, 0.0, 0.1, 0.3]))] = np.nan
        if draw(st.integers(0, 4)) == 0:
            values[0] = draw(st.sampled_from([np.inf, -np.inf, 1e300, -0.0]))
    elif kind == "binary":
        values = pd.Series(rng.integers(0, 2, n))
    elif kind == "text":
        values = pd.Series(rng.choice(["a", "b", "c", "1,5", "yes", "no", ""], n))
    elif kind == "bool":
        values = pd.Series(rng.random(n) < 0.5)
    elif kind == "constant":
        values = pd.Series(np.ones(n))
    else:
        values = pd.Series(np.full(n, np.nan))
    return values


@st.composite
def frames(draw):
    n = draw(st.sampled_from([1, 2, 5, 20, 40, 40, 60]))
    names = draw(st.lists(NAMES, min_size=2, max_size=4, unique=draw(st.integers(0, 4)) > 0))
    frame = pd.DataFrame({f"c{i}": draw(column(n)) for i in range(len(names))})
    if draw(st.integers(0, 3)) > 0:  # usually a usable 0/1 outcome in the first column
        frame["c0"] = np.random.default_rng(n).integers(0, 2, n)
    frame.columns = names  # duplicates allowed on purpose
    return frame


def quote(name: str) -> str:
    return f"`{name}`"


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(frames(), st.data())
def test_library_returns_or_raises_statreport_error(frame, data):
    names = list(dict.fromkeys(frame.columns))
    outcome = data.draw(st.sampled_from([names[0]] * 3 + names))
    others = [name for name in names if name != outcome] or names
    predictors = data.draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
    formula = f"{quote(outcome)} ~ " + " + ".join(quote(p) for p in predictors)
    positive = data.draw(st.sampled_from([None, "1", "yes", "a", "True"]))
    with statreport_warnings_only() as caught:  # nothing else may leak onto the terminal
        try:
            result = statreport.fit(formula, frame, positive=positive)
        except statreport.StatReportError as exc:
            event(type(exc).__name__)
            return
    event("report")
    assert result.fit.n_obs >= 1
    assert warned_messages(caught) == report_warning_messages(result)
    result.to_dict()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("xy~+-*/:()[]{}`'\"._ 0123456789CIQlogexp,=<>!@#$%^&|\\")),
               max_size=30))
def test_any_formula_text_gives_result_or_formula_error(text):
    frame = pd.DataFrame({"x": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "y": [0, 1, 0, 0, 1, 1, 1, 1, 1, 1]})
    with statreport_warnings_only() as caught:
        try:
            result = statreport.fit(text, frame)
            event("report")
        except statreport.StatReportError as exc:
            event(type(exc).__name__)
            return
    assert warned_messages(caught) == report_warning_messages(result)


@settings(max_examples=40, deadline=None)
@given(frames())
def test_cli_never_prints_a_traceback(tmp_path_factory, frame):
    folder = tmp_path_factory.mktemp("cli")
    path = folder / "d.csv"
    frame.to_csv(path, index=False)
    names = list(dict.fromkeys(frame.columns))
    formula = f"{quote(names[0])} ~ {quote(names[-1])}"
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["fit", formula, str(path), "-o", str(folder / "r.json"), "--quiet"])
    assert code in (0, 2, 3, 4, 5), err.getvalue()
    assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue()
    if code != 0:
        assert not (folder / "r.json").exists()
