"""Rows and events per level of each categorical (statreport/levels.py), checked against
pandas on the data file after listwise deletion; frequency weights against repeated rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, REPO

import statreport
from statreport.design import build_design
from statreport.errors import DataError
from statreport.formula import parse_formula
from statreport.levels import level_counts

BIRTHWT = REPO / "tests" / "reference" / "firth" / "birthwt.csv"
ANES_FORMULA = "vote ~ C(party, Treatment('independent')) + age + education + self_lr"


def design_of(formula: str, frame: pd.DataFrame, positive: str | None = None):  # type: ignore[no-untyped-def]
    return build_design(parse_formula(formula), frame, positive=positive, from_file=False)


def by_pandas(frame: pd.DataFrame, variable: str, event: pd.Series,
              weights: pd.Series | None = None) -> dict[str, tuple[int, int]]:
    """{level: (n, events)} by a groupby: the independent computation."""
    w = pd.Series(1, index=frame.index) if weights is None else weights
    grouped = pd.DataFrame({"level": frame[variable].astype(str), "n": w, "events": w * event})
    sums = grouped.groupby("level")[["n", "events"]].sum()
    return {str(level): (int(row.n), int(row.events)) for level, row in sums.iterrows()}


def as_dict(counts, term: str) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    return {c.level: (c.n, c.events) for c in counts if c.term == term}


def test_anes96_counts_per_level_match_a_groupby_of_the_data_file():
    result = statreport.fit(ANES_FORMULA, EXAMPLES / "anes96.csv", positive="Dole")
    frame = pd.read_csv(EXAMPLES / "anes96.csv")
    frame = frame.dropna(subset=["vote", "party", "age", "education", "self_lr"])
    event = (frame["vote"] == "Dole").astype(int)
    party = "C(party, Treatment('independent'))"
    assert as_dict(result.levels, party) == by_pandas(frame, "party", event)
    assert as_dict(result.levels, "education") == by_pandas(frame, "education", event)
    references = [(c.variable, c.level) for c in result.levels if c.reference]
    assert references == [("party", "independent"), ("education", "college")]
    assert [c.reference for c in result.levels if c.term == party][0]  # the reference comes first
    assert as_dict(result.levels, party)["independent"] == (37, 11)


def test_counts_are_taken_after_listwise_deletion():
    frame = pd.read_csv(BIRTHWT)
    frame.loc[[0, 5, 17, 40], "age"] = np.nan
    frame.loc[[3, 60, 61], "race"] = np.nan
    with pytest.warns(statreport.StatReportWarning, match="rows_dropped"):
        result = statreport.fit("low ~ age + lwt + C(race) + smoke", frame)
    complete = frame.dropna(subset=["low", "age", "lwt", "race", "smoke"])
    assert as_dict(result.levels, "C(race)") == by_pandas(complete, "race", complete["low"])
    assert sum(c.n for c in result.levels) == result.fit.n_obs == len(complete)
    assert sum(c.events for c in result.levels) == result.fit.events


def test_frequency_weights_count_a_row_as_often_as_its_weight():
    frame = pd.read_csv(BIRTHWT)
    weights = np.random.default_rng(1).integers(0, 4, len(frame))
    formula = "low ~ age + C(race) + C(smoke)"
    weighted = level_counts(design_of(formula, frame), weights=weights.astype(float))
    repeated = frame.loc[frame.index.repeat(weights)].reset_index(drop=True)
    assert weighted == level_counts(design_of(formula, repeated))
    w = pd.Series(weights, index=frame.index)
    assert as_dict(weighted, "C(race)") == by_pandas(frame, "race", frame["low"], w)
    assert as_dict(weighted, "C(smoke)") == by_pandas(frame, "smoke", frame["low"], w)
    assert level_counts(design_of(formula, frame), weights=None) == level_counts(
        design_of(formula, frame), weights=np.ones(len(frame)))


@pytest.mark.parametrize(("weights", "match"), [
    (np.full(5, 1.0), "one per row"),
    ("negative", "whole numbers of 0 or more; got -1.0"),
    ("fraction", "got 0.5"),
    ("nan", "got nan"),
])
def test_frequency_weights_that_are_not_counts_are_refused(weights, match):
    design = design_of("low ~ age + C(race)", pd.read_csv(BIRTHWT))
    w = np.ones(design.n_obs)
    if isinstance(weights, str):
        w[7] = {"negative": -1.0, "fraction": 0.5, "nan": np.nan}[weights]
    else:
        w = weights
    with pytest.raises(DataError, match=match):
        level_counts(design, weights=w)


def test_a_categorical_without_main_effect_columns_is_not_counted():
    frame = pd.read_csv(BIRTHWT)
    only_interaction = design_of("low ~ age + age:C(race)", frame)
    assert level_counts(only_interaction) == ()
    # no intercept: race is coded in full (no reference level), smoke as usual
    full_coding = design_of("low ~ 0 + C(race) + C(smoke) + age", frame)
    assert [c.term for c in full_coding.categoricals] == ["C(smoke)"]
    assert {c.term for c in level_counts(full_coding)} == {"C(smoke)"}
    with_interaction = design_of("low ~ C(race) * age", frame)
    assert as_dict(level_counts(with_interaction), "C(race)") == by_pandas(frame, "race", frame["low"])


def test_a_level_without_rows_counts_zero():
    frame = pd.read_csv(BIRTHWT)
    design = design_of("low ~ age + C(race, levels=[1, 2, 3, 4])", frame)
    counts = as_dict(level_counts(design), "C(race, levels=[1, 2, 3, 4])")
    assert counts["4"] == (0, 0)
    assert counts["1"] == by_pandas(frame, "race", frame["low"])["1"]
