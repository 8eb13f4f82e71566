"""Profile-likelihood intervals, robust and cluster-robust standard errors against R, to 1e-6.

The reference values in tests/reference/inference/*.json were computed by R (see
make_inference_reference.R there: exact profile bounds by root-finding on the
constrained log-likelihood, sandwich::vcovHC and vcovCL); nothing in them comes
from statreport.
"""

from __future__ import annotations

import json
import math
import warnings

import pytest
from conftest import REPO

import statreport

REFERENCE = REPO / "tests" / "reference" / "inference"
OPTIONS = ("ci_method", "ci_level", "se", "cluster", "class_weight", "weights", "trials")


def cases(prefixes: tuple[str, ...]) -> list[dict]:
    found = [json.loads(path.read_text()) for path in sorted(REFERENCE.glob("*.json"))]
    return [case for case in found if case["case"].startswith(prefixes)]


INFERENCE = cases(("profile_", "hc", "cluster_", "trials_esoph_h", "weights_ucb_h"))


def fit_case(case: dict, **extra) -> statreport.FitResult:
    options = {k: v for k, v in case["options"].items() if k in OPTIONS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", statreport.StatReportWarning)
        return statreport.fit(case["formula"], REPO / case["data"], positive=case["positive"],
                              **options, **extra)


def close(ours: float, theirs: float, rel: float = 1e-6) -> bool:
    return math.isclose(ours, theirs, rel_tol=rel, abs_tol=1e-12)


PROFILE = [c for c in INFERENCE if c["case"].startswith("profile_")]
ROBUST = [c for c in INFERENCE if not c["case"].startswith("profile_")]


@pytest.fixture(scope="module", params=INFERENCE, ids=[c["case"] for c in INFERENCE])
def case_and_result(request):
    return request.param, fit_case(request.param)


@pytest.fixture(scope="module", params=PROFILE, ids=[c["case"] for c in PROFILE])
def profile_case(request):
    return request.param, fit_case(request.param)


@pytest.fixture(scope="module", params=ROBUST, ids=[c["case"] for c in ROBUST])
def robust_case(request):
    return request.param, fit_case(request.param)


def test_the_references_cover_profile_robust_and_cluster_cases_on_three_data_sets_or_more():
    assert {c["data"] for c in INFERENCE if c["case"].startswith("profile_")} >= {
        "examples/anes96.csv", "examples/randhie.csv", "tests/reference/firth/birthwt.csv"}
    assert any(c["options"].get("cluster") for c in INFERENCE)


def test_estimates_standard_errors_tests_and_intervals_match_r(case_and_result):
    case, result = case_and_result
    rows = result.coefficient_rows
    assert [r.term for r in rows] == [c["term"] for c in case["coefficients"]]
    for mine, theirs in zip(rows, case["coefficients"], strict=True):
        for key in ("estimate", "std_error", "z", "p_value", "ci_low", "ci_high"):
            assert close(getattr(mine, key), theirs[key]), (case["case"], mine.term, key,
                                                            getattr(mine, key), theirs[key])
        assert close(mine.or_ci_low, math.exp(theirs["ci_low"]))
        assert close(mine.or_ci_high, math.exp(theirs["ci_high"]))


def test_profile_cases_report_profile_intervals_beside_rs_wald_bounds(profile_case):
    case, result = profile_case
    assert result.model.ci_method == "profile"
    for mine, theirs in zip(result.coefficient_rows, case["coefficients"], strict=True):
        assert close(mine.wald_ci_low, theirs["wald_ci_low"])
        assert close(mine.wald_ci_high, theirs["wald_ci_high"])
        half = theirs["wald_ci_high"] - theirs["estimate"]
        off = max(abs(theirs["ci_low"] - theirs["wald_ci_low"]),
                  abs(theirs["ci_high"] - theirs["wald_ci_high"]))
        assert mine.wald_differs == (off > 0.1 * half)


def test_robust_cases_name_their_standard_errors_and_use_wald_intervals(robust_case):
    case, result = robust_case
    assert result.model.ci_method == "wald"
    assert result.model.se_type == case["options"].get("se", "cluster")
    assert "Wald chi-square, robust" in result.to_html()
    document = result.to_dict()
    assert document["model"]["se_type"] == result.model.se_type
    assert document["fit"]["n_clusters"] == case["fit"].get("n_clusters")
    assert "wald_ci_low" not in document["coefficients"][0]


def test_the_likelihood_statistics_do_not_change_with_the_standard_errors(case_and_result):
    case, result = case_and_result
    for key in ("log_likelihood", "ll_null", "aic", "bic", "deviance"):
        assert close(getattr(result.fit, key), case["fit"][key]), key


def test_with_robust_standard_errors_the_model_test_is_their_wald_test(case_and_result):
    case, result = case_and_result
    if "robust_wald_chi2" in case["fit"]:
        assert result.fit.llr_kind == "robust Wald" and result.fit.df_model == case["fit"]["robust_wald_df"]
        assert close(result.fit.llr, case["fit"]["robust_wald_chi2"])
        assert close(result.fit.llr_p_value, case["fit"]["robust_wald_p"])
    else:  # model-based standard errors: the likelihood-ratio test
        assert result.fit.llr_kind == "likelihood-ratio"
        assert close(result.fit.llr, case["fit"]["llr"])
        assert close(result.fit.llr_p_value, case["fit"]["llr_p_value"])


def test_wald_is_the_default_above_the_profile_row_limit_and_the_report_says_so(monkeypatch):
    import statreport.estimators.mle as mle

    case = cases(("profile_birthwt",))[0]
    monkeypatch.setattr(mle, "PROFILE_ROWS", 100)
    result = fit_case({**case, "options": {}})
    assert result.model.ci_method == "wald"
    assert "profile" in result.model.ci_note and "ci_method='profile'" in result.model.ci_note
    assert "profile-likelihood intervals are computed only on request" in result.to_html()
    for mine, theirs in zip(result.coefficient_rows, case["coefficients"], strict=True):
        assert close(mine.ci_low, theirs["wald_ci_low"])
    asked = fit_case({**case, "options": {"ci_method": "profile"}})
    assert asked.model.ci_method == "profile" and asked.model.ci_note == ""
    for mine, theirs in zip(asked.coefficient_rows, case["coefficients"], strict=True):
        assert close(mine.ci_low, theirs["ci_low"])


def test_the_cluster_report_names_the_column_and_counts_the_clusters():
    case = cases(("cluster_infert",))[0]
    result = fit_case(case)
    html = result.to_html()
    assert "by stratum, 83 clusters" in html
    assert not any(w.code == "few_clusters" for w in result.warnings)


def test_few_clusters_are_warned_about():
    case = cases(("cluster_infert",))[0]
    result = fit_case({**case, "options": {"cluster": "education"}})  # three clusters
    assert result.fit.n_clusters == 3
    assert any(w.code == "few_clusters" and "only 3 clusters" in w.message for w in result.warnings)


@pytest.mark.parametrize(("options", "expected"), [
    ({"se": "hc3", "ci_method": "profile"}, "do not go together"),
    ({"cluster": "stratum", "se": "hc3"}, "does not go with it"),
    ({"method": "firth", "se": "hc0"}, "applies to maximum likelihood"),
    ({"penalty": "l2", "alpha": 0.1, "ci_method": "wald"}, "applies to maximum likelihood"),
    ({"se": "HC3"}, "se must be one of"),
])
def test_inference_options_that_do_not_go_together_are_refused_before_the_fit(options, expected):
    case = cases(("cluster_infert",))[0]
    with pytest.raises(statreport.UsageError, match=expected):
        statreport.fit(case["formula"], REPO / case["data"], **options)


def test_a_cluster_column_with_one_value_is_refused_and_a_missing_one_named():
    case = cases(("cluster_infert",))[0]
    import pandas as pd

    frame = pd.read_csv(REPO / case["data"]).assign(one="a")
    with pytest.raises(statreport.DataError, match="need at least two clusters"):
        statreport.fit(case["formula"], frame, cluster="one")
    with pytest.raises(statreport.FormulaError, match="'nowhere' named in cluster='nowhere' is not in"):
        statreport.fit(case["formula"], frame, cluster="nowhere")


def test_balanced_class_weights_match_rs_weighted_glm_with_hc0_standard_errors():
    case = cases(("class_weight_",))[0]
    result = fit_case(case)
    for mine, theirs in zip(result.coefficient_rows, case["coefficients"], strict=True):
        for key in ("estimate", "std_error", "z", "p_value", "ci_low", "ci_high"):
            assert close(getattr(mine, key), theirs[key]), (mine.term, key)
    assert close(result.fit.log_likelihood, case["fit"]["log_likelihood"])  # the weighted one
    assert close(result.fit.ll_null, case["fit"]["ll_null"])
    # no AIC or BIC: a weighted fit is no likelihood of the data; its model test is the robust Wald
    fit = result.fit
    assert math.isnan(fit.aic) and math.isnan(fit.bic)
    assert close(fit.llr, case["fit"]["robust_wald_chi2"]) and fit.llr_kind == "robust Wald"
    assert result.model.se_type == "hc0" and result.terms == ()
    assert "balanced class weights" in result.model.probabilities
    assert any(w.code == "class_weights" for w in result.warnings)
    assert result.crosscheck.passed and "class_weight='balanced'" in result.crosscheck.solver
    document = result.to_dict()
    assert document["model"]["class_weight"] == "balanced" and document["fit"]["aic"] is None
    assert "Wald chi-square, robust" in result.to_html()


@pytest.mark.parametrize("name", ["profile_birthwt", "hc3_anes96", "cluster_infert", "class_weight_birthwt",
                                  "weights_ucb", "trials_esoph"])
def test_every_new_kind_of_report_validates_against_the_schema(name, report_schema):
    import jsonschema

    case = json.loads((REFERENCE / f"{name}.json").read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", statreport.StatReportWarning)
        result = statreport.fit(case["formula"], REPO / case["data"], positive=case["positive"],
                                **case["options"])
    document = result.to_dict()
    jsonschema.validate(document, report_schema)
    assert document["model"]["ci_method"] in ("profile", "wald")
