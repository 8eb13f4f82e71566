"""Scoring new data with a saved model: against R's predict.glm, statsmodels' predict, and
a fresh process that reads the model file.

The reference values in tests/reference/predict/*.json were computed by R (see
make_predict_reference.R there: glm, predict.glm(type = "link", se.fit = TRUE) on new
rows); nothing in them comes from statreport.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

import statreport
from statreport.cli import main

REFERENCE = REPO / "tests" / "reference" / "predict"
CASES = [json.loads(p.read_text()) for p in sorted(REFERENCE.glob("*.json"))]
CHURN = REPO / "examples" / "churn.csv"
NEW_CUSTOMERS = REPO / "examples" / "new_customers.csv"


def quiet_fit(formula: str, data, **options) -> statreport.FitResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", statreport.StatReportWarning)
        return statreport.fit(formula, data, **options)


def saved(result: statreport.FitResult, folder: Path) -> Path:
    from statreport.report import write_reports

    path = folder / "m.model.json"
    write_reports(result, [path])
    return path


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_predictions_on_new_rows_match_r_predict_glm(case: dict, tmp_path: Path) -> None:
    result = quiet_fit(case["formula"], REPO / case["data"], positive=case["positive"])
    model = statreport.load_model(saved(result, tmp_path))
    new = pd.read_csv(REPO / case["new_data"], keep_default_na=False, na_values=[""])
    rows = [p["row"] for p in case["predictions"]]
    predicted = model.predict(new.iloc[rows])
    for reference, (_, ours) in zip(case["predictions"], predicted.iterrows(), strict=True):
        for theirs, mine in (
            ("link", "linear_predictor"),
            ("link_se", "linear_predictor_se"),
            ("probability", "predicted_probability"),
            ("ci_low", "ci_low"),
            ("ci_high", "ci_high"),
        ):
            assert math.isclose(ours[mine], reference[theirs], rel_tol=1e-6, abs_tol=1e-9), (
                reference["row"],
                mine,
                ours[mine],
                reference[theirs],
            )


def test_churn_new_customer_matches_statsmodels_formula_predict(tmp_path: Path) -> None:
    import statsmodels.formula.api as smf

    result = quiet_fit("churn ~ tenure + contract + monthly_charges", CHURN, positive="Yes")
    ours = statreport.load_model(saved(result, tmp_path)).predict(NEW_CUSTOMERS)
    data = pd.read_csv(CHURN).assign(churned=lambda d: (d.churn == "Yes").astype(float))
    theirs = smf.logit("churned ~ tenure + contract + monthly_charges", data).fit(disp=0, tol=1e-12)
    expected = theirs.predict(pd.read_csv(NEW_CUSTOMERS)).to_numpy()
    np.testing.assert_allclose(ours["predicted_probability"].to_numpy(), expected, rtol=1e-8)
    assert list(ours["predicted_class"]) == ["Yes" if p > 0.5 else "No" for p in expected]


def test_a_model_file_read_in_a_fresh_process_gives_the_fitted_probabilities(tmp_path: Path) -> None:
    from formulaic import model_matrix
    from scipy.special import expit

    formula = ("churn ~ scale(tenure) + C(contract, Treatment('Two year')) + bs(monthly_charges, df=4)"
               " + log(total_charges)")
    result = quiet_fit(formula, CHURN, positive="Yes")
    path = saved(result, tmp_path)
    out = tmp_path / "p.csv"
    script = (
        "import statreport, sys; statreport.load_model(sys.argv[1]).predict(sys.argv[2])"
        ".to_csv(sys.argv[3], float_format='%.17g')"
    )
    subprocess.run([sys.executable, "-c", script, str(path), str(CHURN), str(out)], check=True)
    scored = pd.read_csv(out)
    data = pd.read_csv(CHURN)
    complete = data.total_charges.notna().to_numpy()
    design = model_matrix(formula.split("~")[1], data[complete])
    fitted = expit(design.to_numpy() @ result.params.to_numpy())
    np.testing.assert_allclose(
        scored["predicted_probability"].to_numpy()[complete], fitted, rtol=0, atol=1e-12
    )
    assert (
        scored["missing"].fillna("").to_numpy()[~complete].tolist() == ["total_charges"] * (~complete).sum()
    )
    assert scored["predicted_probability"][~complete].isna().all()


def test_transforms_keep_the_fitting_data_state_on_a_few_new_rows(tmp_path: Path) -> None:
    formula = "churn ~ scale(tenure) + poly(monthly_charges, degree=2) + bs(total_charges, df=4)"
    result = quiet_fit(formula, CHURN, positive="Yes")
    model = statreport.load_model(saved(result, tmp_path))
    data = pd.read_csv(CHURN)
    everything = model.predict(data)
    three = model.predict(data.iloc[[5, 500, 5000]])  # scale() of three rows would centre on them
    np.testing.assert_allclose(
        three["predicted_probability"].to_numpy(),
        everything["predicted_probability"].to_numpy()[[5, 500, 5000]],
        rtol=1e-13,
    )


def test_an_unseen_level_a_missing_column_and_text_for_numbers_name_the_column(tmp_path: Path) -> None:
    model = statreport.load_model(
        saved(quiet_fit("churn ~ tenure + contract", CHURN, positive="Yes"), tmp_path)
    )
    new = pd.read_csv(NEW_CUSTOMERS)
    with pytest.raises(
        statreport.DataError, match=r"column 'contract' has a value the model never saw.*'Three year'"
    ):
        model.predict(new.assign(contract=["Month-to-month", "Three year", "One year"]))
    with pytest.raises(
        statreport.FormulaError, match="column 'tenure' named in the model is not in the new data"
    ):
        model.predict(new.drop(columns="tenure"))
    with pytest.raises(statreport.DataError, match=r"column 'tenure' holds text in the new data \('ten'"):
        model.predict(new.assign(tenure=["2", "ten", "60"]))
    gaps = model.predict(new.assign(tenure=[2.0, None, 60.0]))
    assert gaps["missing"].tolist() == ["", "tenure", ""]
    assert np.isnan(gaps["predicted_probability"][1]) and gaps["predicted_probability"].notna().sum() == 2


def test_penalized_models_predict_without_intervals(tmp_path: Path) -> None:
    result = quiet_fit(
        "churn ~ tenure + contract + monthly_charges", CHURN, positive="Yes", penalty="l2", alpha=0.01
    )
    model = statreport.load_model(saved(result, tmp_path))
    predicted = model.predict(NEW_CUSTOMERS)
    assert "ci_low" not in predicted and predicted["predicted_probability"].between(0, 1).all()
    with pytest.raises(statreport.UsageError, match="no intervals"):
        model.predict(NEW_CUSTOMERS, ci=True)


def test_firth_predictions_are_the_flic_corrected_ones(tmp_path: Path) -> None:
    data = pd.read_csv(CHURN).iloc[:300]
    result = quiet_fit("churn ~ tenure + contract", data, positive="Yes", method="firth")
    predicted = statreport.load_model(saved(result, tmp_path)).predict(data)
    # FLIC re-estimates the intercept so that the mean probability is the event rate
    assert math.isclose(predicted["predicted_probability"].mean(), (data.churn == "Yes").mean(), rel_tol=1e-8)


def test_a_model_file_formula_must_pass_the_allow_list(tmp_path: Path) -> None:
    path = saved(quiet_fit("churn ~ tenure", CHURN, positive="Yes"), tmp_path)
    content = json.loads(path.read_text())
    content["model"]["formula"] = "churn ~ __import__('os').getcwd()"
    path.write_text(json.dumps(content))
    with pytest.raises(statreport.FormulaError):
        statreport.load_model(path).predict(NEW_CUSTOMERS)
    content["model"]["formula"] = "churn ~ tenure"
    content["design"]["formula"] = "1 + __import__('os').getcwd()"
    path.write_text(json.dumps(content))
    with pytest.raises(statreport.DataError, match="not of the model's formula"):
        statreport.load_model(path).predict(NEW_CUSTOMERS)


def test_not_a_model_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.model.json"
    path.write_text('{"schema_version": "1.4"}')
    with pytest.raises(statreport.DataError, match="not a statreport model file"):
        statreport.load_model(path)
    path.write_text("{")
    with pytest.raises(statreport.DataError, match="not JSON"):
        statreport.load_model(path)


def test_cli_fit_then_predict_writes_the_rows_with_their_predictions(tmp_path: Path, capsys) -> None:
    model, out, parquet = tmp_path / "churn.model.json", tmp_path / "p.csv", tmp_path / "p.parquet"
    assert (
        main(
            [
                "fit",
                "churn ~ tenure + contract + monthly_charges",
                str(CHURN),
                "--positive",
                "Yes",
                "-o",
                str(model),
                "-q",
            ]
        )
        == 0
    )
    assert main(["predict", str(model), str(NEW_CUSTOMERS), "-o", str(out), "-o", str(parquet)]) == 0
    assert "3 rows, 1 predicted Yes" in capsys.readouterr().err
    written = pd.read_csv(out)
    assert list(written.columns[:8]) == list(pd.read_csv(NEW_CUSTOMERS).columns)
    assert written.columns[8:].tolist() == [
        "predicted_probability",
        "ci_low",
        "ci_high",
        "linear_predictor",
        "linear_predictor_se",
        "predicted_class",
        "missing",
    ]
    assert math.isclose(
        written["predicted_probability"][0], 0.583964880059162, rel_tol=1e-9
    )  # R's predict.glm
    from_parquet = pd.read_parquet(parquet)
    from_parquet = from_parquet.astype({c: str for c in from_parquet.select_dtypes("category")})
    pd.testing.assert_frame_equal(
        from_parquet.drop(columns="missing"), written.drop(columns="missing"), check_dtype=False
    )


def test_cli_predict_errors_are_one_line_and_write_nothing(tmp_path: Path, capsys) -> None:
    model, out = tmp_path / "churn.model.json", tmp_path / "p.csv"
    assert main(["fit", "churn ~ contract", str(CHURN), "--positive", "Yes", "-o", str(model), "-q"]) == 0
    bad = tmp_path / "bad.csv"
    pd.read_csv(NEW_CUSTOMERS).assign(contract="Lifetime").to_csv(bad, index=False)
    assert main(["predict", str(model), str(bad), "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'Lifetime'" in err and "line 2 of the file" in err
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert main(["predict", str(model), str(NEW_CUSTOMERS), "-o", str(tmp_path / "p.xlsx")]) == 2


def test_statsmodels_names_mean_what_they_mean_in_statsmodels() -> None:
    import statsmodels.api as sm
    from formulaic import model_matrix

    result = quiet_fit("churn ~ tenure + contract + monthly_charges", CHURN, positive="Yes", ci_method="wald")
    data = pd.read_csv(CHURN)
    design = model_matrix("tenure + contract + monthly_charges", data)
    theirs = sm.Logit((data.churn == "Yes").astype(float), design).fit(disp=0, tol=1e-12)
    for name in ("params", "bse", "pvalues", "tvalues"):
        np.testing.assert_allclose(
            getattr(result, name).to_numpy(), getattr(theirs, name).to_numpy(), rtol=1e-6
        )
        assert list(getattr(result, name).index) == list(design.columns)
    np.testing.assert_allclose(result.conf_int(0.1).to_numpy(), theirs.conf_int(0.1).to_numpy(), rtol=1e-6)
    assert list(result.conf_int().columns) == [0, 1]
    text = str(result.summary())
    assert "Logit Regression Results" in text and "contract[T.One year]" in text and "P>|z|" in text


def test_a_dot_stands_for_every_other_column_as_in_r() -> None:
    frame = pd.DataFrame({"y": [0, 1, 0, 1, 1, 0, 1, 0], "a": [1.0, 2, 3, 4, 5, 6, 2, 9],
                          "b c": [3.0, 1, 4, 1, 5, 9, 2, 6], "g": [1, 1, 2, 2, 1, 2, 1, 2]})
    result = quiet_fit("y ~ .", frame.drop(columns="g"))
    assert result.model.formula == "y ~ a + `b c`"
    assert list(result.params.index) == ["Intercept", "a", "b c"]
    from statreport.formula import expand_dot

    assert expand_dot("y ~ . + a:b", ["y", "a", "b"]) == "y ~ (a + b) + a:b"
    assert expand_dot("y ~ I(x * 1.) + x.y", ["y"]) == "y ~ I(x * 1.) + x.y"  # no dot of its own
    assert expand_dot("y ~ .", ["g", "y", "x"], exclude=frozenset({"g"})) == "y ~ x"
