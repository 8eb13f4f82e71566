"""statreport's numbers against R's glm(), to 1e-6 relative.

The reference values in tests/reference/glm/*.json were computed by R (see
make_glm_reference.R there); nothing in them comes from statreport.
"""

from __future__ import annotations

import json
import math

import jsonschema
import pytest
from conftest import GLM_REFERENCE, REPO, glm_cases, statreport_warnings_only, warned_messages

import statreport
from statreport.cli import main

CASES = glm_cases()
IDS = [case["case"] for case in CASES]
REL = 1e-6


def close(ours: float | None, theirs: float | None, *, rel: float = REL) -> bool:
    if theirs is None or ours is None:
        return ours is None and theirs is None or (
            ours is not None and theirs is None and not math.isfinite(ours)
        )
    return math.isclose(ours, theirs, rel_tol=rel, abs_tol=1e-12)


def fit_case(case: dict) -> statreport.FitResult:
    return statreport.fit(
        case["formula"],
        REPO / case["data"],
        positive=case["positive"],
        threshold=case["threshold"],
        ci_level=case["ci_level"],
        ci_method="wald",  # the references are confint.default's Wald intervals
    )


@pytest.fixture(scope="module", params=CASES, ids=IDS)
def case_and_result(request):
    return request.param, fit_case(request.param)


def test_reference_cases_cover_three_real_datasets():
    datasets = {case["data"] for case in CASES} - {"examples/tutorial.csv"}
    assert len(datasets) >= 3


def test_coefficients_match_r_glm(case_and_result):
    case, result = case_and_result
    ours = result.coefficient_rows
    assert len(ours) == len(case["coefficients"])
    for mine, theirs in zip(ours, case["coefficients"], strict=True):
        for key in ("estimate", "std_error", "z", "p_value", "ci_low", "ci_high",
                    "odds_ratio", "or_ci_low", "or_ci_high"):
            assert close(getattr(mine, key), theirs[key]), (mine.term, key, getattr(mine, key), theirs[key])


def test_term_names_follow_r_order(case_and_result):
    case, result = case_and_result
    for mine, theirs in zip(result.coefficient_rows, case["coefficients"], strict=True):
        r_name = theirs["r_term"].replace("(Intercept)", "Intercept").replace("^", " ** ")
        # R glues the level to the variable name; formulaic writes variable[T.level]
        level = mine.term.split("[T.")[-1].rstrip("]") if "[T." in mine.term else mine.term
        assert r_name.endswith(level), (mine.term, theirs["r_term"])


def test_fit_statistics_match_r_glm(case_and_result):
    case, result = case_and_result
    for key, theirs in case["fit"].items():
        mine = getattr(result.fit, key)
        if key == "iterations":
            continue  # Newton (statsmodels) and IRLS (R) count iterations differently
        if isinstance(theirs, (bool, int)) and not isinstance(theirs, float):
            assert mine == theirs, key
        else:
            assert close(mine, theirs), (key, mine, theirs)


def test_pseudo_r2_matches_r(case_and_result):
    case, result = case_and_result
    for key, theirs in case["pseudo_r2"].items():
        assert close(getattr(result.pseudo_r2, key), theirs), key


def test_classification_matches_r(case_and_result):
    case, result = case_and_result
    for key, theirs in case["classification"].items():
        mine = getattr(result.classification, key)
        if key in ("tn", "fp", "fn", "tp"):
            assert mine == theirs, key
        else:
            assert close(mine, theirs), (key, mine, theirs)


def test_scikit_learn_crosscheck_passes(case_and_result):
    _, result = case_and_result
    check = result.crosscheck
    assert check.converged and check.passed, check
    assert check.max_abs_prob_diff <= check.tolerance
    assert check.label_agreement == 1.0


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cli_json_validates_and_matches_r(case, tmp_path, report_schema):
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    argv = ["fit", case["formula"], str(REPO / case["data"]), "-o", str(out_json),
            "-o", str(out_html), "--threshold", str(case["threshold"]),
            "--ci-level", str(case["ci_level"]), "--quiet"]
    if case["positive"] is not None:
        argv += ["--positive", case["positive"]]
    assert main(argv) == 0
    document = json.loads(out_json.read_text())
    jsonschema.validate(document, report_schema)
    assert out_html.read_text().startswith("<!DOCTYPE html>")
    for mine, theirs in zip(document["coefficients"], case["coefficients"], strict=True):
        assert close(mine["estimate"], theirs["estimate"])
        assert close(mine["std_error"], theirs["std_error"])
    for key in ("log_likelihood", "aic", "bic", "deviance", "llr_p_value"):
        assert close(document["fit"][key], case["fit"][key]), key


@pytest.mark.parametrize("factor", [1e3, 1e6, 1e8])
def test_a_column_in_tiny_units_still_matches_r_and_passes_the_crosscheck(factor):
    """Age multiplied by 1e3-1e8 (values up to 9e9, like an income in cents): R's estimates for age
    divide by the factor, the rest stay, and scikit-learn's refit still agrees
    (before its columns were rescaled, Newton-Cholesky stopped early on such a
    column and the cross-check failed a correct fit)."""
    import pandas as pd

    case = next(c for c in CASES if c["case"] == "anes96")
    frame = pd.read_csv(REPO / case["data"])
    frame["age"] = frame["age"] * factor
    result = statreport.fit(case["formula"], frame, positive=case["positive"])
    for mine, theirs in zip(result.coefficient_rows, case["coefficients"], strict=True):
        scale = factor if mine.term == "age" else 1.0
        assert close(mine.estimate * scale, theirs["estimate"]), (mine.term, factor)
        assert close(mine.std_error * scale, theirs["std_error"]), (mine.term, factor)
        assert close(mine.p_value, theirs["p_value"], rel=1e-5), (mine.term, factor)
    assert result.crosscheck.passed, result.crosscheck


def test_quasi_separation_gives_the_other_terms_their_limits_as_r_computes_them():
    # two sites without events: their estimates diverge, and Newton never converges;
    # age and the other sites tend to the fit to the other sites' rows (R's glm there)
    reference = json.loads((GLM_REFERENCE / "separation" / "site_separation.json").read_text())
    with statreport_warnings_only() as caught:
        result = statreport.fit("y ~ age + C(site)", GLM_REFERENCE / "separation" / "site_separation.csv")
    codes = [w.code for w in result.warnings]
    assert "quasi_separation" in codes and "not_converged" not in codes, codes
    assert "the maximum-likelihood fit to the 512 other rows" in warned_messages(caught)[0]
    rows = {row.term: row for row in result.coefficient_rows}
    assert sorted(t for t, row in rows.items() if row.separated) == reference["separated"]
    for expected in reference["coefficients"]:
        row = rows[expected["term"]]
        assert row.estimate == pytest.approx(expected["estimate"], rel=1e-7, abs=1e-9), row.term
        assert row.std_error == pytest.approx(expected["std_error"], rel=1e-6), row.term
        assert row.p_value == pytest.approx(expected["p_value"], rel=1e-5, abs=1e-15), row.term
    for term in reference["separated"]:
        assert math.isnan(rows[term].std_error) and rows[term].estimate < -10
    assert result.fit.log_likelihood == pytest.approx(reference["log_likelihood"], rel=1e-10)
    assert result.crosscheck.passed  # the diverging terms are not compared
    # the iterations are the limit fit's, not the full Newton's that ran out
    assert 0 < result.fit.iterations < 20
    assert (f"2 terms diverge (separation), the others converged to their limits in "
            f"{result.fit.iterations} iterations") in repr(result)
    # a supremum, with terms at infinity: no chi-square p-value for the LR test
    assert math.isnan(result.fit.llr_p_value) and result.fit.llr > 0
    assert "the LR test has no p-value: its chi-square reference assumes finite estimates" in result.to_html()


def test_a_model_without_an_intercept_is_tested_against_rs_null_model():
    """R's glm: without an intercept the null model has no parameter (p = 1/2), the model is
    nested in it, and the LR test has as many df as coefficients (reference from R)."""
    import warnings

    reference = json.loads((GLM_REFERENCE / "no_intercept" / "challenger_no_intercept.json").read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", statreport.StatReportWarning)
        result = statreport.fit(reference["formula"], REPO / reference["data"])
    f, r2 = result.fit, result.pseudo_r2
    assert result.coefficient_rows[0].estimate == pytest.approx(reference["estimate"], rel=1e-6)
    assert result.coefficient_rows[0].std_error == pytest.approx(reference["std_error"], rel=1e-6)
    for ours, key in ((f.log_likelihood, "log_likelihood"), (f.ll_null, "ll_null"),
                      (f.null_deviance, "null_deviance"), (f.llr, "llr"), (f.llr_p_value, "llr_p_value"),
                      (r2.mcfadden, "mcfadden"), (r2.cox_snell, "cox_snell"), (r2.nagelkerke, "nagelkerke")):
        assert ours == pytest.approx(reference[key], rel=1e-6), key
    assert f.df_model == reference["df_model"]
    assert "every probability 1/2" in result.to_html()


def test_odds_ratios_per_chosen_units_scale_rs_estimates_and_wald_bounds(tmp_path):
    """--units age=10,self_lr=2: exp(10 b) with exp(10 x R's Wald bounds), from R's glm values."""
    case = next(c for c in glm_cases() if c["case"] == "anes96")
    r = {row["r_term"]: row for row in case["coefficients"]}
    assert main(["fit", case["formula"], str(REPO / case["data"]), "--positive", case["positive"], "-q",
                 "--units", "age=10,self_lr=2", "--ci-method", "wald", "-o", str(tmp_path / "u.json")]) == 0
    report = json.loads((tmp_path / "u.json").read_text())
    per_unit = {u["term"]: u for u in report["per_unit"]}
    for term, unit in (("age", 10.0), ("self_lr", 2.0)):
        ours, theirs = per_unit[term], r[term]
        assert ours["unit"] == unit
        assert ours["odds_ratio"] == pytest.approx(math.exp(unit * theirs["estimate"]), rel=1e-6)
        assert ours["or_ci_low"] == pytest.approx(math.exp(unit * theirs["ci_low"]), rel=1e-6)
        assert ours["or_ci_high"] == pytest.approx(math.exp(unit * theirs["ci_high"]), rel=1e-6)


def test_odds_ratios_per_chosen_units_scale_rs_profile_bounds(tmp_path):
    """A profile interval is invariant under rescaling: per 10 units its bounds are exp(10 x R's)."""
    case = json.loads((REPO / "tests" / "reference" / "inference" / "profile_anes96.json").read_text())
    r = {row["term"]: row for row in case["coefficients"]}
    assert main(["fit", case["formula"], str(REPO / case["data"]), "--positive", case["positive"], "-q",
                 "--units", "age=10", "-o", str(tmp_path / "u.json")]) == 0
    ours = json.loads((tmp_path / "u.json").read_text())["per_unit"][0]
    assert ours["or_ci_low"] == pytest.approx(math.exp(10 * r["age"]["ci_low"]), rel=1e-6)
    assert ours["or_ci_high"] == pytest.approx(math.exp(10 * r["age"]["ci_high"]), rel=1e-6)


def test_units_for_a_name_that_is_not_a_numeric_term_stop_before_the_fit(capsys):
    case = next(c for c in glm_cases() if c["case"] == "anes96")
    with pytest.raises(statreport.UsageError, match="not a numeric term"):
        statreport.fit("vote ~ age + C(party)", REPO / case["data"], positive="Dole", units={"party": 2})
    with pytest.raises(TypeError):
        statreport.fit("vote ~ age", REPO / case["data"], positive="Dole", units={"age": "10"})
