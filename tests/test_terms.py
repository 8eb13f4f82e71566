"""Tests of terms (statreport.terms): one likelihood-ratio test per term, against R's car::Anova."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, REPO, statreport_warnings_only

import statreport

TERMS_REFERENCE = REPO / "tests" / "reference" / "terms"
CASES = [json.loads(p.read_text()) for p in sorted(TERMS_REFERENCE.glob("*.json"))]


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_each_terms_likelihood_ratio_test_is_car_anovas_type_ii(case, tmp_path):
    from statreport.cli import main

    args = ["fit", case["formula"], str(REPO / case["data"]), "-q", "-o", str(tmp_path / "r.json")]
    if case["positive"] is not None:
        args += ["--positive", case["positive"]]
    assert main(args) == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["fit"]["log_likelihood"] == pytest.approx(case["log_likelihood"], rel=1e-9)
    ours = {t["term"]: t for t in report["terms"]}
    assert sorted(ours) == sorted(t["term"] for t in case["terms"])
    for theirs in case["terms"]:
        test = ours[theirs["term"]]
        assert test["df"] == theirs["df"] == len(test["columns"])
        assert test["lr_chi2"] == pytest.approx(theirs["lr_chi2"], rel=1e-6)
        assert test["lr_p_value"] == pytest.approx(theirs["lr_p_value"], rel=1e-6)
        if "gvif" in theirs:  # car::vif, for the models without an interaction
            assert test["gvif"] == pytest.approx(theirs["gvif"], rel=1e-6)
            assert test["gvif_df"] == pytest.approx(theirs["gvif_df"], rel=1e-6)
        else:
            assert test["gvif"] is None and test["gvif_df"] is None


def test_a_term_inside_an_interaction_is_tested_without_it_and_the_report_says_so():
    result = statreport.fit("low ~ age * C(race) + smoke + lwt", REPO / "tests/reference/firth/birthwt.csv")
    by_term = {t.term: t for t in result.terms}
    assert by_term["age"].marginal_to == ("age:C(race)",) and by_term["smoke"].marginal_to == ()
    html = result.to_html()
    assert "<h2>Tests of terms</h2>" in html and "race" in html
    assert "<code>age</code> without <code>age \u00d7 race</code>" in html


def test_the_only_terms_test_is_the_models_test_against_the_intercept_only_model():
    result = statreport.fit("damage ~ temp_f", EXAMPLES / "challenger.csv")
    (test,) = result.terms
    assert test.df == result.fit.df_model == 1
    assert test.lr_chi2 == pytest.approx(result.fit.llr, rel=1e-9)
    assert test.lr_p_value == pytest.approx(result.fit.llr_p_value, rel=1e-9)


@pytest.mark.parametrize("options", [
    {"penalty": "l2", "alpha": 0.01},
    {"method": "firth"},
], ids=["penalized", "firth"])
def test_estimators_whose_refits_would_not_mean_a_likelihood_ratio_test_give_none(options):
    result = statreport.fit("vote ~ age + self_lr", EXAMPLES / "anes96.csv", positive="Dole", **options)
    assert result.terms == () and result.to_dict()["terms"] is None
    assert "Tests of terms" not in result.to_html()


def test_above_the_row_limit_the_tests_are_left_out(monkeypatch):
    import statreport.terms

    monkeypatch.setattr(statreport.terms, "TERM_TEST_ROWS", 5)
    result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    assert result.terms == ()


def test_a_quasi_separated_fit_has_no_tests_of_terms():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=200), "g": rng.choice(["a", "b", "c"], 200)})
    frame["y"] = (rng.random(200) < 0.4).astype(int)
    frame.loc[frame["g"] == "c", "y"] = 1
    with statreport_warnings_only():
        result = statreport.fit("y ~ x + g", frame)
    assert result.terms == ()  # the log-likelihood is a supremum: no chi-square reference


def test_collinear_terms_are_warned_about():
    rng = np.random.default_rng(5)
    x = rng.normal(size=400)
    frame = pd.DataFrame({"x": x, "z": x + rng.normal(scale=0.05, size=400), "w": rng.normal(size=400)})
    frame["y"] = (rng.random(400) < 1 / (1 + np.exp(-frame["x"]))).astype(int)
    with pytest.warns(statreport.StatReportWarning) as caught:
        result = statreport.fit("y ~ x + z + w", frame)
    assert any("[collinearity]" in str(w.message) for w in caught)
    by_term = {t.term: t for t in result.terms}
    assert by_term["x"].gvif > 10 and by_term["w"].gvif < 2
    assert "GVIF^(1/(2 df))" in result.to_html()
