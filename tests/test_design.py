"""Outcome coding, listwise deletion and categorical reference levels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, REPO

import statreport
from statreport.design import code_outcome
from statreport.errors import DataError, FormulaError


@pytest.mark.parametrize(
    ("values", "positive", "expected", "label"),
    [
        ([0, 1, 1, 0], None, [0, 1, 1, 0], "1"),
        ([0.0, 1.0, 1.0], None, [0, 1, 1], "1"),
        ([True, False, True], None, [1, 0, 1], "True"),
        (["true", "false", "true"], None, [1, 0, 1], "true"),
        (["Yes", "No"], "Yes", [1, 0], "Yes"),
        (["no", "yes", "yes"], "yes", [0, 1, 1], "yes"),
        ([1, 2, 2, 1], "2", [0, 1, 1, 0], "2"),
        ([0, 1, 1], "0", [1, 0, 0], "0"),
    ],
)
def test_outcome_coding(values, positive, expected, label):
    y, positive_class = code_outcome(pd.Series(values), "out", positive)
    assert y.tolist() == expected and y.dtype == np.float64
    assert positive_class == label


@pytest.mark.parametrize(
    ("values", "positive", "words"),
    [
        ([1, 1, 1], None, ["constant"]),
        ([0, 1, 2], None, ["3 distinct values", "needs two"]),
        (["a", "b"], None, ["positive='b'"]),
        ([1, 2], None, ["not 0 and 1", "positive"]),
        (["a", "b"], "c", ["positive='c'", "not a value"]),
    ],
)
def test_outcome_errors_name_the_problem(values, positive, words):
    with pytest.raises(DataError) as info:
        code_outcome(pd.Series(values), "out", positive)
    for word in words:
        assert word in str(info.value)
    assert "'out'" in str(info.value) or "positive" in str(info.value)
    assert "--" not in str(info.value)  # a library user is told the keyword, not the option


def test_listwise_deletion_is_counted_per_column():
    frame = pd.DataFrame(
        {"y": [0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0],
         "a": [1.0, np.nan, 3, 4, 5, 2, np.nan, 1, 2, 5, 4, 1, 3, 3],
         "b": [1.0, 2, np.nan, 1, 2, 2, np.nan, 3, 1, 2, 3, 3, 2, 1], "unused": [np.nan] * 14}
    )
    with pytest.warns(statreport.StatReportWarning, match=r"3 of 14 rows .*\[rows_dropped\]"):
        result = statreport.fit("y ~ a + b", frame)
    assert result.data.n_rows_read == 14
    assert result.data.n_obs == 11
    assert result.data.n_dropped == 3
    assert dict(result.data.dropped_by_column) == {"a": 2, "b": 2, "y": 0}
    assert any(w.code == "rows_dropped" for w in result.warnings)


def test_reference_levels_are_reported():
    result = statreport.fit(
        "vote ~ C(party, Treatment('independent')) + education",
        EXAMPLES / "anes96.csv", positive="Dole",
    )
    refs = {c.variable: c.reference for c in result.model.categoricals}
    assert refs == {"party": "independent", "education": "college"}
    assert result.model.positive_class == "Dole"


def test_dataframe_input_records_provenance_without_file():
    frame = pd.read_csv(EXAMPLES / "tutorial.csv")
    result = statreport.fit("y ~ x", frame)
    assert result.data.source == "<DataFrame>" and result.data.sha256 is None
    assert result.fit.n_obs == 10


def test_parquet_gives_the_same_fit_as_csv(tmp_path):
    frame = pd.read_csv(EXAMPLES / "challenger.csv")
    frame.to_parquet(tmp_path / "c.parquet")
    from_csv = statreport.fit("damage ~ temp_f", EXAMPLES / "challenger.csv")
    from_parquet = statreport.fit("damage ~ temp_f", tmp_path / "c.parquet")
    assert from_parquet.data.format == "parquet"
    assert from_csv.coefficient_rows == from_parquet.coefficient_rows


def test_outcome_expression_on_the_left():
    result = statreport.fit("I(income > 15) ~ age", EXAMPLES / "anes96.csv")
    assert result.model.outcome == "I(income > 15)"
    assert result.fit.events == int((pd.read_csv(EXAMPLES / "anes96.csv").income > 15).sum())


def test_missing_column_is_a_formula_error():
    with pytest.raises(FormulaError, match="did you mean 'temp_f'"):
        statreport.fit("damage ~ temp", EXAMPLES / "challenger.csv")


def test_collinear_design_names_the_redundant_column():
    frame = pd.DataFrame({"y": [0, 1, 0, 1, 1, 0, 0, 1], "a": [1, 2, 3, 4, 5, 6, 7, 9.0]})
    frame["b"] = 2 * frame["a"]
    with pytest.raises(statreport.FitError, match="'b'"):
        statreport.fit("y ~ a + b", frame)


@pytest.mark.parametrize(("option", "value"), [("threshold", 1.0), ("ci_level", 0), ("threshold", "0.5")])
def test_options_are_validated_up_front(option, value):
    with pytest.raises(statreport.UsageError, match=option):
        statreport.fit("y ~ x", EXAMPLES / "tutorial.csv", **{option: value})


def test_a_result_prints_as_one_screenful():
    result = statreport.fit("y ~ x", EXAMPLES / "tutorial.csv")
    text = repr(result)
    assert text == ("FitResult('y ~ x': 10 observations, 7 events, 2 coefficients, "
                    f"converged in {result.fit.iterations} iterations; cross-check passed)")


@pytest.mark.parametrize(("data", "formula", "positive", "negative", "label"), [
    ("anes96.csv", "vote ~ age", "Dole", "Clinton", "0 (Clinton)"),
    ("tutorial.csv", "y ~ x", None, "0", "0"),
    ("challenger.csv", "damage ~ temp_f", None, "0", "0"),
])
def test_the_outcome_counted_as_0_is_named_as_the_data_spell_it(data, formula, positive, negative, label):
    result = statreport.fit(formula, EXAMPLES / data, positive=positive)
    assert result.model.negative_class == negative and result.model.non_event_label == label
    assert result.to_dict()["model"]["negative_class"] == negative


def test_a_boolean_outcome_names_false_as_0():
    frame = pd.DataFrame({"y": [True, False] * 5 + [True], "x": range(11)})
    result = statreport.fit("y ~ x", frame)
    assert (result.model.positive_class, result.model.negative_class) == ("True", "False")


def _survey(n: int = 600) -> pd.DataFrame:
    """Ages as small integers, two text columns, an outcome that depends on age and sex."""
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"age": rng.integers(20, 80, n), "sex": rng.choice(["F", "M"], n),
                          "region": rng.choice(list("abcd"), n)})
    eta = -3 + 0.05 * frame["age"] + 0.3 * (frame["sex"] == "M")
    frame["y"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    return frame


def _estimates(result) -> dict[str, float]:
    return {row["term"]: row["estimate"] for row in result.to_dict()["coefficients"]}


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "Int8", "float32", "int64[pyarrow]"])
@pytest.mark.parametrize("formula", ["y ~ age + I(age**2) + sex", "y ~ I(age - 50) + I(age**3 / 1000)"])
def test_small_integer_columns_give_statsmodels_numbers_not_wrapped_arithmetic(dtype, formula):
    # int8 ages wrap in age**2 (70**2 = 4900 -> 36) and uint8 ones in age - 50: the
    # columns are used as float64, and statsmodels on float64 ages is the reference
    import statsmodels.formula.api as smf

    frame = _survey()
    expected = smf.logit(formula, frame.assign(age=frame["age"].astype(float))).fit(disp=0).params
    result = statreport.fit(formula, frame.assign(age=frame["age"].astype(dtype)))
    got = _estimates(result)
    assert set(got) == set(expected.index)
    for term, value in expected.items():
        assert got[term] == pytest.approx(value, rel=1e-8), term


def test_integer_levels_inside_c_keep_their_integer_labels():
    frame = _survey().assign(code=lambda f: np.where(f["age"] > 50, 2, 1).astype("int8"))
    assert "C(code)[T.2]" in _estimates(statreport.fit("y ~ age + C(code)", frame))
    frame = frame.assign(code=pd.Categorical(frame["code"]))  # categorical by dtype: not "numbers as text"
    assert "code[T.2]" in _estimates(statreport.fit("y ~ age + code", frame))


@pytest.mark.parametrize("convert", [
    lambda f: f.convert_dtypes(),
    lambda f: f.convert_dtypes(dtype_backend="pyarrow"),
    lambda f: f.astype({"sex": "string", "region": "string"}),
    lambda f: f.astype({"sex": "object"}),
])
def test_every_kind_of_text_column_is_categorical(convert):
    frame = _survey()
    expected = _estimates(statreport.fit("y ~ age + sex + sex:region", frame))
    got = _estimates(statreport.fit("y ~ age + sex + sex:region", convert(frame)))
    assert got.keys() == expected.keys()
    assert all(got[term] == pytest.approx(expected[term], rel=1e-12) for term in got)


def test_categories_no_row_uses_are_dropped_not_reported_as_singular():
    frame = _survey().assign(region=lambda f: f["region"].astype("category"))
    subset = frame[frame["region"] != "d"]  # 'd' stays among the categories
    got = _estimates(statreport.fit("y ~ age + region", subset))
    assert sorted(got) == ["Intercept", "age", "region[T.b]", "region[T.c]"]
    expected = _estimates(statreport.fit("y ~ age + region", subset.astype({"region": str})))
    assert all(got[term] == pytest.approx(expected[term], rel=1e-12) for term in got)


_DAYS = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(600) % 40, unit="D")


@pytest.mark.parametrize("column", [
    pd.Series(_DAYS),
    pd.Series(_DAYS.tz_localize("UTC")),
    pd.Series(pd.to_timedelta(np.arange(600) % 40, unit="D")),
    pd.Series(pd.period_range("2001", periods=6, freq="Y").repeat(100)),
], ids=["datetime", "tz-aware", "timedelta", "period"])
def test_dates_are_refused_as_numbers_and_are_levels_inside_c(column):
    frame = _survey().assign(when=column)
    with pytest.raises(DataError, match=r"^column 'when' holds dates, times or durations.*C\(when\)"):
        statreport.fit("y ~ age + when", frame)
    coarse = frame.assign(when=column.iloc[np.arange(600) % 2 * 100].reset_index(drop=True))  # two levels
    assert len(_estimates(statreport.fit("y ~ age + C(when)", coarse))) == 3


def test_arrow_dictionaries_decimals_and_times_are_read_by_their_values():
    import datetime as dt
    from decimal import Decimal

    import pyarrow as pa

    frame = _survey()
    codes = (frame["age"] // 20).to_numpy()
    arrow = frame.assign(
        amount=pd.Series(pa.array([Decimal(f"{a / 7:.2f}") for a in frame["age"]], type=pa.decimal128(10, 2)),
                         dtype=pd.ArrowDtype(pa.decimal128(10, 2))),
        code=pd.Series(pa.array(codes).dictionary_encode(),
                       dtype=pd.ArrowDtype(pa.dictionary(pa.int32(), pa.int64()))),
        year=2000 + codes,
    )
    assert "I(amount * 2)" in _estimates(statreport.fit("y ~ I(amount * 2)", arrow))  # a number, not levels
    assert "I(code * 2)" in _estimates(statreport.fit("y ~ I(code * 2)", arrow))
    both = _estimates(statreport.fit("y ~ C(year) + I((year - 2000) * age)", arrow))
    assert "C(year)[T.2002]" in both  # integer levels, though the column is also used as a number
    clock = pd.Series(pa.array([dt.time(1, i % 60) for i in range(len(frame))], type=pa.time64("us")),
                      dtype=pd.ArrowDtype(pa.time64("us")))
    with pytest.raises(DataError, match=r"^column 'when' holds dates, times or durations"):
        statreport.fit("y ~ age + when", frame.assign(when=clock))


def test_missing_values_are_listed_outcome_first_then_as_the_formula_names_the_columns():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({name: rng.normal(size=60) for name in ("x10", "x2", "x1", "age")})
    frame["region"] = rng.choice(["a", "b"], 60)
    frame["y"] = (rng.random(60) < 0.5).astype(int)
    frame.loc[0, "x10"] = np.nan
    with pytest.warns(statreport.StatReportWarning, match="rows_dropped"):
        result = statreport.fit("y ~ x1 + x2 + x10 + I(age ** 2) + C(region)", frame)
    assert [name for name, _ in result.data.dropped_by_column] == ["y", "x1", "x2", "x10", "age", "region"]
    assert dict(result.data.dropped_by_column)["x10"] == 1
    from statreport.formula import parse_formula

    # function names and quoted levels are not columns' first uses
    assert parse_formula("y ~ C(g, Treatment('z')) + x + z").column_order == ("y", "g", "x", "z")
    assert parse_formula("y ~ log(x) + z + log").column_order == ("y", "x", "z", "log")


def test_a_level_that_levels_leaves_out_is_missing_not_the_reference():
    """`C(g, levels=['a', 'b'])` with rows of g == 'c': formulaic would code them as the
    reference (every dummy 0) and move the intercept; they are dropped and counted instead,
    and the fit is statsmodels' on the rows with a listed level."""
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"g": rng.choice(["a", "b", "c"], 300), "x": rng.normal(size=300)})
    frame["y"] = (rng.random(300) < np.where(frame["g"] == "c", 0.8, 0.3)).astype(int)
    with pytest.warns(statreport.StatReportWarning) as caught:
        result = statreport.fit("y ~ C(g, levels=['a', 'b']) + x", frame)
    assert any("[levels_left_out]" in str(w.message) for w in caught)
    listed = frame[frame["g"] != "c"]
    assert result.data.n_obs == len(listed) and dict(result.data.dropped_by_column)["g"] == 300 - len(listed)
    theirs = smf.logit("y ~ C(g) + x", listed).fit(disp=False)
    np.testing.assert_allclose(result.coefficients["estimate"].to_numpy(), theirs.params.to_numpy(),
                               rtol=1e-8)
    assert "does not list among its levels" in result.to_html()


@pytest.mark.parametrize("formula", ["low ~ smoke + C(race):smoke", "low ~ C(race):C(ht) + C(ht)"])
def test_a_categorical_only_inside_an_interaction_has_its_reference_level_named(formula):
    import warnings

    import statreport
    from statreport.result import term_namer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", statreport.StatReportWarning)
        result = statreport.fit(formula, REPO / "tests" / "reference" / "firth" / "birthwt.csv")
    race = next(c for c in result.model.categoricals if c.variable == "race")
    assert race.reference == "1"  # coded C(race)[T.2], C(race)[T.3]: level 1 is what they compare with
    assert "<code>race</code>: 1" in result.to_html()
    named = [term_namer(result.model.categoricals)(row.term) for row in result.coefficient_rows]
    assert all("C(" not in name for name in named), named
