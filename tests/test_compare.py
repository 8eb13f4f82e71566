"""Comparing models on the same rows: against R's anova(test = "LRT") and pROC::roc.test.

The reference values in tests/reference/compare/*.json were computed by R (see
make_compare_reference.R there); nothing in them comes from statreport.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pytest
from conftest import REPO

import statreport
from statreport.cli import main

REFERENCE = REPO / "tests" / "reference" / "compare"
CASES = [json.loads(p.read_text()) for p in sorted(REFERENCE.glob("*.json"))]


def compared(case: dict):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", statreport.StatReportWarning)
        return statreport.compare(
            [m["formula"] for m in case["models"]],
            REPO / case["data"],
            positive=case["positive"],
            ci_method="wald",
        )


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_models_lr_tests_and_delong_tests_match_r(case: dict) -> None:
    comparison = compared(case)
    assert comparison.rows.n_rows_read == case["n_rows"]
    assert comparison.rows.n_obs == case["n_used"] and comparison.rows.n_dropped == case["n_dropped"]
    for ours, theirs in zip(comparison.models, case["models"], strict=True):
        assert ours.fit.n_obs == theirs["n"]
        for mine, key in (
            (ours.fit.log_likelihood, "log_likelihood"),
            (ours.fit.aic, "aic"),
            (ours.fit.bic, "bic"),
            (ours.pseudo_r2.mcfadden, "mcfadden_r2"),
            (ours.classification.auc, "auc"),
        ):
            assert math.isclose(mine, theirs[key], rel_tol=1e-6), (theirs["name"], key)
    anova = [row for row in case["anova"] if row["df"] is not None]  # R's first row has no test
    assert len(comparison.nested) == len(anova)
    for test, row in zip(comparison.nested, anova, strict=True):
        assert test.df == row["df"] and not test.note
        assert math.isclose(test.lr_chi2, row["deviance"], rel_tol=1e-6)
        assert math.isclose(test.p_value, row["p_value"], rel_tol=1e-6)
    names = {m["name"]: f"Model {i}" for i, m in enumerate(case["models"], start=1)}
    ours = {(t.first, t.second): t for t in comparison.auc_tests}
    assert len(ours) == len(case["roc_tests"])
    for row in case["roc_tests"]:
        test = ours[(names[row["a"]], names[row["b"]])]
        assert math.isclose(test.auc_first, row["auc_a"], rel_tol=1e-9)
        assert math.isclose(test.auc_second, row["auc_b"], rel_tol=1e-9)
        assert math.isclose(test.z, row["statistic"], rel_tol=1e-6)
        assert math.isclose(test.p_value, row["p_value"], rel_tol=1e-6)


def test_models_that_are_not_nested_get_no_lr_test() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", statreport.StatReportWarning)
        comparison = statreport.compare(
            ["churn ~ tenure", "churn ~ monthly_charges"], REPO / "examples/churn.csv", positive="Yes"
        )
    (test,) = comparison.nested
    assert "not nested" in test.note and math.isnan(test.lr_chi2)
    assert comparison.to_dict()["nested_tests"][0]["lr_chi2"] is None


def test_different_outcomes_and_a_single_formula_are_usage_errors() -> None:
    with pytest.raises(statreport.UsageError, match="different outcomes"):
        statreport.compare(
            ["churn ~ tenure", "contract ~ tenure"], REPO / "examples/churn.csv", positive="Yes"
        )
    with pytest.raises(statreport.UsageError, match="two or more formulas"):
        statreport.compare(["churn ~ tenure"], REPO / "examples/churn.csv", positive="Yes")


def test_cli_compare_writes_html_pdf_and_json(tmp_path: Path, capsys) -> None:
    case = next(c for c in CASES if c["case"] == "churn_nested_total_charges")
    formulas = [m["formula"] for m in case["models"]]
    html, pdf, out = tmp_path / "c.html", tmp_path / "c.pdf", tmp_path / "c.json"
    assert (
        main(
            [
                "compare",
                *formulas,
                str(REPO / case["data"]),
                "--positive",
                "Yes",
                "--names",
                "A,B,C",
                "-o",
                str(html),
                "-o",
                str(pdf),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert "3 models, 7,032 observations each" in capsys.readouterr().err
    report = json.loads(out.read_text())
    assert [m["name"] for m in report["models"]] == ["A", "B", "C"]
    assert report["data"]["n_dropped"] == case["n_dropped"] == 11
    page = html.read_text()
    assert "paired DeLong tests" in page and "11 dropped" in page
    from pypdf import PdfReader

    words = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Likelihood-ratio tests of nested models" in words and "B vs A" in words
    assert main(["compare", formulas[0], str(REPO / case["data"]), "-o", str(html)]) == 2
