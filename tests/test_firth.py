"""Firth's penalized-likelihood fit (statreport.estimators.firth) against R.

The reference values in tests/reference/firth/*.json were computed by R (see
make_firth_reference.R there): estimates and standard errors by brglm2, profile
penalized-likelihood intervals, penalized likelihood-ratio tests and FLIC by R
code written to logistf's definitions. Nothing in them comes from statreport.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from statreport.design import Design, build_design
from statreport.errors import FitError, UsageError
from statreport.estimators.firth import FirthInfo, fit_firth, refit_augmented
from statreport.formula import parse_formula

FIRTH_REFERENCE = REPO / "tests" / "reference" / "firth"
CASES = [json.loads(p.read_text()) for p in sorted(FIRTH_REFERENCE.glob("*.json"))]
IDS = [case["case"] for case in CASES]
REL = 1e-6


def assert_close(ours, theirs, *, rel: float = REL, what: str = "") -> None:
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    difference = np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-8)
    assert np.all(difference <= rel), (what, float(np.max(difference)), ours, theirs)


def case_design(case: dict) -> Design:
    """The design exactly as statreport builds it from the case's file and formula."""
    frame = pd.read_csv(REPO / case["data"])
    return build_design(parse_formula(case["formula"]), frame, positive=case["positive"])


def column(case: dict, key: str) -> list[float]:
    return [c[key] for c in case["coefficients"]]


@pytest.fixture(scope="module", params=CASES, ids=IDS)
def fitted(request):
    case = request.param
    design = case_design(case)
    return case, design, fit_firth(design, ci_level=case["ci_level"])


def test_reference_cases_are_three_real_datasets_one_quasi_separated():
    assert {case["case"] for case in CASES} >= {"endometrial", "anes96", "birthwt"}
    endometrial = pd.read_csv(FIRTH_REFERENCE / "endometrial.csv")
    # NV = 1 only with HG = 1: the maximum-likelihood estimate of NV is infinite
    assert set(endometrial.loc[endometrial["NV"] == 1, "HG"]) == {1}
    assert set(endometrial.loc[endometrial["NV"] == 0, "HG"]) == {0, 1}


def test_design_columns_are_the_reference_terms(fitted):
    case, design, _ = fitted
    assert design.column_names == tuple(column(case, "term"))
    assert design.n_obs == case["n_obs"]
    assert int(design.y.sum()) == case["events"]


def test_estimates_and_standard_errors_match_brglm2(fitted):
    case, _, estimate = fitted
    assert estimate.method == "firth" and estimate.converged
    assert_close(estimate.params, column(case, "estimate"), what="estimate")
    assert estimate.cov is not None
    assert_close(np.sqrt(np.diag(estimate.cov)), column(case, "std_error"), what="std_error")


def test_profile_penalized_likelihood_intervals_match_r(fitted):
    case, _, estimate = fitted
    assert estimate.intervals is not None and estimate.intervals.shape == (len(estimate.params), 2)
    assert estimate.details.ci_method == "profile" and estimate.details.wald_fallback_terms == ()
    assert estimate.details.ci_level == case["ci_level"]
    assert_close(estimate.intervals[:, 0], column(case, "ci_low"), what="ci_low")
    assert_close(estimate.intervals[:, 1], column(case, "ci_high"), what="ci_high")


def test_penalized_likelihood_ratio_p_values_match_r(fitted):
    case, _, estimate = fitted
    assert estimate.p_values is not None
    assert_close(estimate.p_values, column(case, "p_value"), what="p_value")


def test_whole_model_penalized_likelihood_ratio_test_matches_r(fitted):
    case, _, estimate = fitted
    model, info = case["model"], estimate.details
    assert isinstance(info, FirthInfo)
    assert_close(info.penalized_log_likelihood, model["penalized_log_likelihood"], what="l*")
    assert_close(info.null_penalized_log_likelihood, model["null_penalized_log_likelihood"], what="null l*")
    assert_close(info.lr_chi2, model["lr_chi2"], what="lr_chi2")
    assert info.lr_df == model["lr_df"]
    assert_close(info.lr_p_value, model["lr_p_value"], what="lr_p_value")
    assert estimate.model_test is not None
    assert estimate.model_test[1] == model["lr_df"]
    assert_close(estimate.model_test[0], model["lr_chi2"])


def test_log_likelihood_is_the_unpenalized_one(fitted):
    case, _, estimate = fitted
    assert_close(estimate.log_likelihood, case["model"]["log_likelihood"], what="log_likelihood")


def test_flic_intercept_and_probabilities_match_r(fitted):
    case, design, estimate = fitted
    info = estimate.details
    assert info.flic
    assert_close(info.flic_intercept, case["flic"]["intercept"], what="flic_intercept")
    assert_close(info.firth_intercept, case["flic"]["firth_intercept"], what="firth_intercept")
    assert_close(estimate.probabilities, case["flic"]["probabilities"], what="probabilities")
    # FLIC's point: the mean fitted probability is the event rate
    assert math.isclose(float(estimate.probabilities.mean()), float(design.y.mean()), rel_tol=1e-12)


def test_augmented_data_refit_with_scikit_learn_lands_on_the_estimate(fitted):
    _, design, estimate = fitted
    refit = refit_augmented(design, estimate)
    assert refit.converged, refit
    difference = np.abs(refit.params - estimate.params) / np.maximum(1.0, np.abs(estimate.params))
    assert float(np.max(difference)) <= 1e-7, refit.params - estimate.params
    assert "augmented" in refit.solver


def test_details_hold_plain_values_only(fitted):
    _, _, estimate = fitted
    info = estimate.details
    for field in dataclasses.fields(info):
        value = getattr(info, field.name)
        assert isinstance(value, (bool, int, float, str, tuple)), (field.name, type(value))
        if isinstance(value, tuple):
            assert all(isinstance(item, str) for item in value), field.name
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.lr_chi2 = 0.0  # type: ignore[misc]


def test_each_profile_interval_contains_its_estimate(fitted):
    _, _, estimate = fitted
    assert np.all(estimate.intervals[:, 0] < estimate.params)
    assert np.all(estimate.params < estimate.intervals[:, 1])


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(12, 60), ci_level=st.sampled_from([0.8, 0.9, 0.95]))
def test_profile_intervals_contain_the_estimate_for_any_data(seed, n, ci_level):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    group = rng.integers(0, 2, size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.5 * x + group - 0.5)))).astype(int)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    design = build_design(parse_formula("y ~ x + C(g)"), pd.DataFrame({"x": x, "g": group, "y": y}))
    if len(design.column_names) < 3:  # one group only
        return
    estimate = fit_firth(design, ci_level=ci_level)
    assert np.all(np.isfinite(estimate.params))
    assert np.all(estimate.intervals[:, 0] <= estimate.params)
    assert np.all(estimate.params <= estimate.intervals[:, 1])
    assert np.all((estimate.p_values >= 0) & (estimate.p_values <= 1))
    assert math.isclose(float(estimate.probabilities.mean()), float(design.y.mean()), rel_tol=1e-9)


def test_complete_separation_gives_finite_converged_estimates():
    x = np.arange(1, 11)
    frame = pd.DataFrame({"x": x, "y": (x > 5).astype(int)})
    design = build_design(parse_formula("y ~ x"), frame)
    estimate = fit_firth(design, ci_level=0.95)
    assert estimate.converged
    assert np.all(np.isfinite(estimate.params)) and estimate.params[1] > 0
    assert np.all(np.isfinite(estimate.intervals)) and np.all(np.isfinite(estimate.p_values))
    assert not [w for w in estimate.warnings if w.code == "not_converged"]
    refit = refit_augmented(design, estimate)
    assert np.max(np.abs(refit.params - estimate.params)) <= 1e-7 * max(1.0, np.max(np.abs(estimate.params)))


def test_a_singular_design_raises_fit_error_naming_the_column():
    x = np.arange(1.0, 21.0)
    frame = pd.DataFrame({"x": x, "x2": 2 * x, "y": (np.arange(20) % 3 == 0).astype(int)})
    design = build_design(parse_formula("y ~ x + x2"), frame)
    with pytest.raises(FitError, match="x2"):
        fit_firth(design, ci_level=0.95)


def test_without_an_intercept_flic_does_not_apply():
    from scipy.special import expit

    case = next(c for c in CASES if c["case"] == "endometrial")
    design = case_design(case)
    keep = [j for j, name in enumerate(design.column_names) if name != "Intercept"]
    no_intercept = dataclasses.replace(
        design, X=np.asfortranarray(design.X[:, keep]),
        column_names=tuple(design.column_names[j] for j in keep))
    estimate = fit_firth(no_intercept, ci_level=0.95)
    info = estimate.details
    assert not info.flic and math.isnan(info.flic_intercept)
    assert info.lr_df == len(keep)
    np.testing.assert_allclose(estimate.probabilities, expit(no_intercept.X @ estimate.params), rtol=1e-12)


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5, -0.1])
def test_a_confidence_level_outside_zero_one_is_refused(level):
    case = next(c for c in CASES if c["case"] == "endometrial")
    with pytest.raises(UsageError, match="ci_level"):
        fit_firth(case_design(case), ci_level=level)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_command_line_report_carries_firths_estimates_as_r_computes_them(case, tmp_path):
    """`statreport fit FORMULA DATA --method firth -o r.json`, compared with R to 1e-6."""
    from statreport.cli import main

    args = ["fit", case["formula"], str(REPO / case["data"]), "--method", "firth", "-q",
            "--ci-level", str(case["ci_level"]), "-o", str(tmp_path / "r.json")]
    if case["positive"] is not None:
        args += ["--positive", case["positive"]]
    assert main(args) == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["model"]["method"] == "firth" and report["model"]["ci_method"] == "profile"
    rows = {row["term"]: row for row in report["coefficients"]}
    for key in ("estimate", "std_error", "ci_low", "ci_high", "p_value"):
        assert_close([rows[c["term"]][key] for c in case["coefficients"]], column(case, key),
                     what=key)
    assert_close([rows[c["term"]]["odds_ratio"] for c in case["coefficients"]],
                 np.exp(column(case, "estimate")), what="odds_ratio")
    assert report["crosscheck"]["passed"]
    assert report["firth"]["lr_chi2"] == pytest.approx(case["model"]["lr_chi2"], rel=REL)


def test_complete_separation_stops_with_exit_4_and_points_to_firth(tmp_path, capsys):
    from statreport.cli import main

    frame = pd.DataFrame({"x": np.arange(1.0, 11.0), "y": (np.arange(1, 11) > 5).astype(int)})
    frame.to_csv(tmp_path / "d.csv", index=False)
    assert main(["fit", "y ~ x", str(tmp_path / "d.csv"), "-o", str(tmp_path / "r.json")]) == 4
    err = capsys.readouterr().err
    assert "complete separation" in err and "--method firth" in err
    assert not (tmp_path / "r.json").exists()
    assert main(["fit", "y ~ x", str(tmp_path / "d.csv"), "--method", "firth", "-q",
                 "-o", str(tmp_path / "r.json")]) == 0
    assert json.loads((tmp_path / "r.json").read_text())["fit"]["converged"]


def test_quasi_separation_shows_firths_fit_beside_the_limit_fit_and_says_which_to_read():
    import warnings

    import statreport

    endometrial = next(c for c in CASES if c["case"] == "endometrial")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", statreport.StatReportWarning)
        result = statreport.fit(endometrial["formula"], REPO / endometrial["data"])
    assert [row.term for row in result.coefficient_rows if row.separated] == ["C(NV)[T.1]"]
    beside = result.to_dict()["firth"]
    assert beside["companion"] is True
    rows = {row["term"]: row for row in beside["coefficients"]}
    assert_close([rows[c["term"]]["estimate"] for c in endometrial["coefficients"]],
                 column(endometrial, "estimate"), what="estimate")
    assert_close([rows[c["term"]]["ci_high"] for c in endometrial["coefficients"]],
                 column(endometrial, "ci_high"), what="ci_high")
    html = result.to_html()
    assert "Firth&#39;s bias-reduced fit of the same model" in html and "Which to read." in html
    assert "estimate of &#39;NV: 1&#39; is infinite" in html


def test_a_firth_report_says_its_probabilities_are_flic_corrected():
    import statreport

    endometrial = next(c for c in CASES if c["case"] == "endometrial")
    result = statreport.fit(endometrial["formula"], REPO / endometrial["data"], method="firth")
    assert result.inference.intervals == "profile" and result.inference.tests == "lr"
    assert not result.inference.information_criteria and math.isnan(result.fit.aic)
    html = result.to_html()
    assert "FLIC probabilities" in html and "<h2>Firth&#39;s penalized likelihood</h2>" in html
    # the p-values are the likelihood-ratio tests', not the Wald z's beside them
    assert ">Wald z</th>" in html and ">P (LR test)</th>" in html and "P&gt;|z|" not in html
    assert "Penalized LR chi-square (3 df)" in html
    assert "The predicted probabilities here and in the figures are FLIC-corrected" in html
    assert "The data are quasi-completely separated along &#39;NV: 1&#39;" in html
    report = result.to_dict()
    assert report["fit"]["llr_kind"] == "penalized likelihood-ratio"
    assert report["firth"]["separation"] == "quasi" and report["firth"]["separated_terms"] == ["C(NV)[T.1]"]
    assert report["fit"]["aic"] is None and report["fit"]["llr"] == pytest.approx(
        endometrial["model"]["lr_chi2"], rel=REL)
    assert report["firth"]["flic_intercept"] == pytest.approx(endometrial["flic"]["intercept"], rel=REL)
