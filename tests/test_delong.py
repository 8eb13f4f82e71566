"""statreport.delong against R's pROC (to 1e-9 relative) and properties that hold for any data.

The reference values in tests/reference/delong/*.json were computed by pROC 1.18.0 (see
make_delong_reference.R there) on the scores in the CSV beside each file; nothing in them
comes from statreport.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math

import numpy as np
import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from statreport.delong import AucInterval, PairedAucTest, auc_ci, paired_test
from statreport.errors import DataError, StatReportError, UsageError

REFERENCE = REPO / "tests" / "reference" / "delong"
REL = 1e-9  # measured: 1.5e-14 at most (the JSON keeps 15 significant digits)


def load_case(path) -> tuple[dict, dict[str, np.ndarray]]:
    reference = json.loads(path.read_text())
    with (REFERENCE / reference["data"]).open(newline="") as f:
        rows = list(csv.reader(f))
    columns = {name: np.array([float(row[i]) for row in rows[1:]]) for i, name in enumerate(rows[0])}
    return reference, columns


CASES = [load_case(path) for path in sorted(REFERENCE.glob("*.json"))]
SCORES = [(ref, columns, score) for ref, columns in CASES for score in ref["scores"]]
PAIRS = [(ref, columns, test) for ref, columns in CASES for test in ref["paired_tests"]]


def close(ours: float, theirs: float) -> bool:
    return ours == theirs or math.isclose(ours, theirs, rel_tol=REL)


def both_tests_undefined(test: dict) -> bool:
    """pROC's Z = 0 / p = 1 for two perfect curves, which statreport reports as NaN."""
    return test["auc_1"] == 1.0 and test["auc_2"] == 1.0


# --------------------------------------------------------------------------- against pROC


def test_reference_covers_real_data_ties_clipping_and_perfect_separation():
    assert len(CASES) >= 5
    intervals = [(s["auc"], s["var"], c) for _, _, s in SCORES for c in s["ci"]]
    z95 = 1.959963984540054
    assert any(c["ci_high"] == 1.0 and auc + z95 * math.sqrt(var) > 1.0 for auc, var, c in intervals)
    assert any(c["ci_low"] == 0.0 and auc - z95 * math.sqrt(var) < 0.0 for auc, var, c in intervals)
    assert any(var == 0.0 for _, var, _ in intervals)
    assert {c["level"] for _, _, c in intervals} == {0.95, 0.9}
    values = [columns[s["name"]] for _, columns, s in SCORES]
    assert sum(len(np.unique(v)) < len(v) / 2 for v in values) >= 3  # heavily tied scores


@pytest.mark.parametrize(("reference", "columns", "score"), SCORES,
                         ids=[f"{r['case']}-{s['name']}" for r, _, s in SCORES])
def test_auc_ci_matches_proc(reference, columns, score):
    for interval in score["ci"]:
        ours = auc_ci(columns["y"], columns[score["name"]], level=interval["level"])
        assert close(ours.auc, score["auc"]), (ours.auc, score["auc"])
        assert close(ours.auc, interval["ci_mid"])
        assert close(ours.std_error**2, score["var"]), (ours.std_error**2, score["var"])
        assert close(ours.ci_low, interval["ci_low"]), (ours.ci_low, interval["ci_low"])
        assert close(ours.ci_high, interval["ci_high"]), (ours.ci_high, interval["ci_high"])
        assert ours.level == interval["level"]


@pytest.mark.parametrize(("reference", "columns", "test"), PAIRS,
                         ids=[f"{r['case']}-{t['score_1']}-{t['score_2']}" for r, _, t in PAIRS])
def test_paired_test_matches_proc(reference, columns, test):
    ours = paired_test(columns["y"], columns[test["score_1"]], columns[test["score_2"]])
    assert close(ours.auc_1, test["auc_1"]) and close(ours.auc_2, test["auc_2"])
    assert math.isclose(ours.difference, test["auc_1"] - test["auc_2"], rel_tol=REL, abs_tol=1e-15)
    if both_tests_undefined(test):
        return  # pinned by test_two_perfect_curves_give_nan_where_proc_gives_p_1
    assert close(ours.z, test["z"]), (ours.z, test["z"])
    assert close(ours.p_value, test["p_value"]), (ours.p_value, test["p_value"])
    assert close(ours.std_error, ours.difference / test["z"])


def test_perfect_separation_has_zero_variance_and_a_point_interval_as_in_proc():
    reference, columns = next(c for c in CASES if c[0]["case"] == "iris_setosa_versicolor")
    perfect = [s for s in reference["scores"] if s["auc"] == 1.0]
    assert perfect
    for score in perfect:
        assert score["var"] == 0.0 and "always 0" in score["var_warnings"][0]
        ours = auc_ci(columns["y"], columns[score["name"]])
        assert (ours.auc, ours.std_error, ours.ci_low, ours.ci_high) == (1.0, 0.0, 1.0, 1.0)


def test_two_perfect_curves_give_nan_where_proc_gives_p_1():
    """A deliberate difference: pROC reports Z = 0, p = 1 (and warns it "can be misleading")."""
    undefined = [(columns, test) for _, columns, test in PAIRS if both_tests_undefined(test)]
    assert undefined
    for columns, test in undefined:
        assert (test["z"], test["p_value"]) == (0.0, 1.0) and test["warnings"]
        ours = paired_test(columns["y"], columns[test["score_1"]], columns[test["score_2"]])
        assert (ours.difference, ours.std_error) == (0.0, 0.0)
        assert math.isnan(ours.z) and math.isnan(ours.p_value)


# --------------------------------------------------------------------------- properties


def brute_force_delong(y: np.ndarray, scores: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """AUCs and their covariance straight from DeLong et al. (1988): every case against every
    control, O(m n). Independent of the module's midrank counting."""
    cases, controls = y == 1, y == 0
    m, n = cases.sum(), controls.sum()
    v10, v01, aucs = [], [], []
    for s in scores:
        case, control = s[cases][:, None], s[controls][None, :]
        kernel = (case > control) + 0.5 * (case == control)
        v10.append(kernel.mean(axis=1))
        v01.append(kernel.mean(axis=0))
        aucs.append(kernel.mean())
    covariance = np.cov(np.array(v10), ddof=1) / m + np.cov(np.array(v01), ddof=1) / n
    return np.array(aucs), np.atleast_2d(covariance)


@st.composite
def labelled_scores(draw, *, n_scores: int = 2):
    """0/1 outcomes (at least 2 of each) and scores, often with ties."""
    n = draw(st.integers(min_value=4, max_value=60))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < draw(st.floats(0.1, 0.9))).astype(float)
    y[:2], y[2:4] = 1.0, 0.0
    scores = []
    for _ in range(n_scores):
        raw = rng.normal(size=n) + draw(st.floats(-2, 2)) * y
        distinct = draw(st.sampled_from([None, 2, 5]))  # None: no ties (almost surely)
        scores.append(raw if distinct is None else np.round(raw * distinct / 4) / distinct)
    return y, scores


SETTINGS = settings(max_examples=80, deadline=None, derandomize=True, database=None)


@SETTINGS
@given(labelled_scores())
def test_agrees_with_brute_force_delong_and_sklearn(data):
    y, (s1, s2) = data
    aucs, covariance = brute_force_delong(y, [s1, s2])
    one, test = auc_ci(y, s1), paired_test(y, s1, s2)
    assert math.isclose(one.auc, roc_auc_score(y, s1), rel_tol=1e-12)
    assert math.isclose(one.auc, aucs[0], rel_tol=1e-12)
    assert math.isclose(one.std_error**2, covariance[0, 0], rel_tol=1e-9, abs_tol=1e-15)
    assert math.isclose(test.auc_2, roc_auc_score(y, s2), rel_tol=1e-12)
    variance = covariance[0, 0] - 2 * covariance[0, 1] + covariance[1, 1]
    assert math.isclose(test.std_error**2, variance, rel_tol=1e-9, abs_tol=1e-15)


@SETTINGS
@given(labelled_scores(), st.floats(0.5, 0.999))
def test_interval_contains_the_auc_within_0_and_1(data, level):
    y, (s1, _) = data
    ours = auc_ci(y, s1, level=level)
    assert 0.0 <= ours.ci_low <= ours.auc <= ours.ci_high <= 1.0
    wider = auc_ci(y, s1, level=(1 + level) / 2)
    assert wider.ci_low <= ours.ci_low and ours.ci_high <= wider.ci_high


@SETTINGS
@given(labelled_scores())
def test_reversed_scores_give_one_minus_the_auc_and_the_same_std_error(data):
    y, (s1, _) = data
    ours, reversed_ = auc_ci(y, s1), auc_ci(y, 1.0 - s1)
    assert math.isclose(reversed_.auc, 1.0 - ours.auc, abs_tol=1e-12)
    assert math.isclose(reversed_.std_error, ours.std_error, rel_tol=1e-9, abs_tol=1e-15)


@SETTINGS
@given(labelled_scores())
def test_swapping_the_scores_negates_z_and_keeps_the_p_value(data):
    y, (s1, s2) = data
    forward, backward = paired_test(y, s1, s2), paired_test(y, s2, s1)
    assert (backward.auc_1, backward.auc_2) == (forward.auc_2, forward.auc_1)
    assert backward.difference == -forward.difference
    if math.isnan(forward.z):
        assert math.isnan(backward.z) and math.isnan(backward.p_value)
    else:
        assert backward.z == -forward.z and backward.p_value == forward.p_value
        assert 0.0 <= forward.p_value <= 1.0


def test_a_score_against_itself_or_a_monotone_transform_is_undefined():
    rng = np.random.default_rng(1)
    y = (rng.random(200) < 0.4).astype(int)
    s = rng.random(200) + 0.3 * y
    for other in (s, np.log(s), 3 * s + 1):
        test = paired_test(y, s, other)
        assert (test.difference, test.std_error) == (0.0, 0.0)
        assert math.isnan(test.z) and math.isnan(test.p_value)


def test_nonzero_difference_with_zero_std_error_is_infinitely_significant():
    y = np.array([0, 0, 1, 1])
    test = paired_test(y, np.array([0.1, 0.2, 0.8, 0.9]), np.full(4, 0.5))  # AUC 1 against 0.5
    assert (test.difference, test.std_error, test.z, test.p_value) == (0.5, 0.0, math.inf, 0.0)


def test_many_rows_match_sklearn():
    rng = np.random.default_rng(2)
    y = rng.random(200_000) < 0.2
    s = np.round(rng.random(200_000) + 0.2 * y, 3)  # many ties
    ours = auc_ci(y, s)
    assert math.isclose(ours.auc, roc_auc_score(y, s), rel_tol=1e-12)
    assert 0.0 < ours.std_error < 0.01


def test_results_are_frozen_plain_floats():
    y = np.array([0, 1, 0, 1, 1, 0])
    s1, s2 = np.array([0.1, 0.4, 0.35, 0.8, 0.5, 0.2]), np.array([0.3, 0.2, 0.6, 0.9, 0.5, 0.1])
    for result in (auc_ci(y, s1), paired_test(y, s1, s2)):
        assert isinstance(result, AucInterval | PairedAucTest)
        assert all(type(v) is float for v in dataclasses.astuple(result))
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.auc = 0.5  # type: ignore[misc, union-attr]
        hash(result)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("y", "scores", "message"), [
    ([1, 0, 0, 0], [0.9, 0.1, 0.2, 0.3], "at least 2 cases .* got 1 case"),
    ([1, 1, 1, 0], [0.9, 0.1, 0.2, 0.3], "2 controls .* and 1 control"),
    ([1, 0, 2, 0, 1], [0.9, 0.1, 0.2, 0.3, 0.5], "0 .control. or 1 .case.; got 1 other value.*2"),
    ([1, 0, np.nan, 0, 1], [0.9, 0.1, 0.2, 0.3, 0.5], "0 .control. or 1 .case."),
    (["1", "0", "1", "0"], [0.9, 0.1, 0.2, 0.3], "0/1 numbers"),
    ([[1, 0], [1, 0]], [0.9, 0.1, 0.2, 0.3], "1-D"),
    ([1, 0, 1, 0], [0.9, 0.1, 0.2], "one value per row of y .4.; got an array of shape .3,."),
    ([1, 0, 1, 0], [0.9, np.nan, 0.2, 0.3], "1 NaN value.*index 1"),
    ([1, 0, 1, 0], ["a", "b", "c", "d"], "must be numbers"),
])
def test_bad_data_is_a_data_error(y, scores, message):
    with pytest.raises(DataError, match=message) as raised:
        auc_ci(y, scores)
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, StatReportError)
    with pytest.raises(DataError, match=message):
        paired_test(y, np.linspace(0.0, 1.0, len(y)), scores)


@pytest.mark.parametrize("level", [0.0, 1.0, 95, -0.5, math.nan, "0.95", True])
def test_level_outside_0_1_is_a_usage_error(level):
    with pytest.raises(UsageError, match=r"level must be a number strictly between 0 and 1.*got"):
        auc_ci([1, 0, 1, 0], [0.9, 0.1, 0.2, 0.3], level=level)
