"""Frequency weights and events/trials data: R's glm on the same counts, and the same report
as the expanded rows."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

import statreport
from statreport.cli import main

REFERENCE = REPO / "tests" / "reference" / "inference"


def case(name: str) -> dict:
    return json.loads((REFERENCE / f"{name}.json").read_text())


def quiet_fit(*args, **kwargs) -> statreport.FitResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", statreport.StatReportWarning)
        return statreport.fit(*args, **kwargs)


@pytest.mark.parametrize("name", ["weights_ucb", "trials_esoph"])
def test_counts_match_rs_glm_on_the_counts(name):
    c = case(name)
    # the references' intervals are confint.default's (Wald)
    result = quiet_fit(c["formula"], REPO / c["data"], ci_method="wald", **c["options"])
    assert [r.term for r in result.coefficient_rows] == [t["term"] for t in c["coefficients"]]
    for mine, theirs in zip(result.coefficient_rows, c["coefficients"], strict=True):
        for key in ("estimate", "std_error", "z", "p_value", "ci_low", "ci_high"):
            assert math.isclose(getattr(mine, key), theirs[key], rel_tol=1e-6, abs_tol=1e-12), key
    for key in ("n_obs", "events", "log_likelihood", "ll_null", "llr", "llr_p_value", "aic", "bic",
                "deviance", "null_deviance"):
        assert math.isclose(getattr(result.fit, key), c["fit"][key], rel_tol=1e-6), key
    assert result.data.n_rows_used == c["fit"]["n_rows"]


def expanded(frame: pd.DataFrame, weights: str) -> pd.DataFrame:
    return frame.loc[frame.index.repeat(frame[weights])].reset_index(drop=True)


def test_frequency_weighted_counts_give_the_same_report_as_the_expanded_rows(tmp_path):
    c = case("weights_ucb")
    table = pd.read_csv(REPO / c["data"])
    weighted = quiet_fit(c["formula"], table, weights="count")
    rows = quiet_fit(c["formula"], expanded(table, "count"))
    ours, theirs = weighted.to_dict(), rows.to_dict()
    for key in ("data", "warnings"):
        ours.pop(key), theirs.pop(key)
    assert ours == theirs  # every number, table, classification, curve and cross-check value
    assert weighted.data.n_obs == rows.data.n_obs == 4526
    assert weighted.data.n_rows_used == 24 and "frequency weights 'count'" in weighted.data.expansion


def test_events_out_of_trials_give_the_same_report_as_one_row_per_person():
    c = case("trials_esoph")
    table = pd.read_csv(REPO / c["data"])
    people = pd.concat([
        table.loc[table.index.repeat(table["ncases"])].assign(case=1),
        table.loc[table.index.repeat(table["ncontrols"])].assign(case=0),
    ])
    by_cell = quiet_fit(c["formula"], table, trials="total")
    by_person = quiet_fit("case ~ C(agegp) + C(alcgp) + C(tobgp)", people)
    for a, b in zip(by_cell.coefficient_rows, by_person.coefficient_rows, strict=True):
        assert a.estimate == pytest.approx(b.estimate, rel=1e-9)
        assert a.ci_low == pytest.approx(b.ci_low, rel=1e-7)
    assert by_cell.fit.log_likelihood == pytest.approx(by_person.fit.log_likelihood, rel=1e-12)
    assert by_cell.classification.auc == pytest.approx(by_person.classification.auc, rel=1e-12)


@pytest.mark.parametrize(("values", "expected"), [
    ([1, 2, -1, 3], "whole numbers of 0 or more"),
    ([1, 2.5, 1, 3], "has 2.5"),
    ([1, 2, np.inf, 3], "infinite value"),
    (["a", "b", "c", "d"], "holds text"),
])
def test_bad_frequency_weights_are_refused_naming_the_column_and_value(values, expected):
    frame = pd.DataFrame({"y": [0, 1, 0, 1], "x": [1.0, 2.0, 3.0, 4.5], "w": values})
    with pytest.raises(statreport.DataError, match=expected) as raised:
        statreport.fit("y ~ x", frame, weights="w")
    assert "'w'" in str(raised.value)


def test_events_above_trials_are_refused_naming_the_row():
    frame = pd.DataFrame({"e": [1, 5, 2], "n": [3, 4, 5], "x": [1.0, 2.0, 3.0]})
    with pytest.raises(statreport.DataError, match="5 events out of 4 trials"):
        statreport.fit("e ~ x", frame, trials="n")


@pytest.mark.parametrize(("options", "expected"), [
    ({"weights": "count", "trials": "count"}, "do not go together"),
    ({"trials": "count", "positive": "1"}, "does not apply"),
    ({"weights": "count", "penalty": "l2", "alpha": "cv"}, "split the observations"),
])
def test_count_options_that_do_not_go_together_are_refused(options, expected):
    c = case("weights_ucb")
    with pytest.raises(statreport.UsageError, match=expected):
        statreport.fit(c["formula"], REPO / c["data"], **options)


def test_the_report_says_what_the_counts_stand_for(tmp_path):
    c = case("weights_ucb")
    out = tmp_path / "r.html"
    assert main(["fit", c["formula"], str(REPO / c["data"]), "--weights", "count", "-q", "-o", str(out)]) == 0
    html = out.read_text()
    from statreport.report import formatting

    assert f"{formatting.integer(4526)} (24 rows of counts: frequency weights" in html


def test_a_text_weight_is_quoted_with_its_row_and_a_bad_event_count_gets_no_weights_advice():
    frame = pd.DataFrame({"y": [0, 1, 0, 1], "x": [1.0, 2.0, 3.0, 4.5], "w": ["3", "512", "many", "2"]})
    with pytest.raises(statreport.DataError, match=r"text such as 'many' \(data row 3"):
        statreport.fit("y ~ x", frame, weights="w")
    counts = pd.DataFrame({"e": [1, -1, 2], "n": [3, 4, 5], "x": [1.0, 2.0, 3.0]})
    with pytest.raises(statreport.DataError, match="events") as raised:
        statreport.fit("e ~ x", counts, trials="n")
    assert "weights" not in str(raised.value)


@pytest.mark.parametrize("flag", ["--weights", "--trials", "--cluster"])
def test_a_missing_option_column_is_named_with_its_option(flag, capsys, tmp_path):
    c = case("weights_ucb")
    out = tmp_path / "r.json"
    assert main(["fit", c["formula"], str(REPO / c["data"]), flag, "nosuch", "-q", "-o", str(out)]) == 2
    assert not out.exists()
    assert f"column 'nosuch' named in {flag} 'nosuch' is not in" in capsys.readouterr().err


def test_robust_standard_errors_of_trials_data_treat_the_cells_as_units():
    c = case("trials_esoph_hc0")  # R's vcovHC on the grouped glm
    result = quiet_fit(c["formula"], REPO / c["data"], trials="total", se="hc0")
    for mine, theirs in zip(result.coefficient_rows, c["coefficients"], strict=True):
        assert mine.std_error == pytest.approx(theirs["std_error"], rel=1e-6)
