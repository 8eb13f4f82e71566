"""Regenerate the bundled example CSV files in this folder.

Run from the repository root with ``python examples/make_examples.py``.
Two files come from public-domain datasets that ship inside statsmodels
(``anes96`` and ``randhie``); two are typed in from their published sources.
The output is deterministic: running the script again gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

PARTY = {
    0: "strong democrat",
    1: "weak democrat",
    2: "independent democrat",
    3: "independent",
    4: "independent republican",
    5: "weak republican",
    6: "strong republican",
}
EDUCATION = {
    1: "grade school",
    2: "some high school",
    3: "high school",
    4: "some college",
    5: "college",
    6: "masters",
    7: "phd",
}


def tutorial() -> pd.DataFrame:
    """The ten-observation example of the classic logistic-regression tutorial."""
    return pd.DataFrame({"x": range(10), "y": [0, 1, 0, 0, 1, 1, 1, 1, 1, 1]})


def challenger() -> pd.DataFrame:
    """Launch temperature and O-ring thermal distress, 23 shuttle flights before 1986.

    Dalal, Fowlkes and Hoadley (1989), JASA 84(408), table 1; the same values
    are in R's ``cdplot`` example.
    """
    temp = [53, 57, 58, 63, 66, 67, 67, 67, 68, 69, 70, 70, 70, 70,
            72, 73, 75, 75, 76, 76, 78, 79, 81]
    damage = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,
              0, 0, 0, 1, 0, 0, 0, 0, 0]
    return pd.DataFrame({"temp_f": temp, "damage": damage})


def anes96() -> pd.DataFrame:
    """1996 American National Election Study subset, with labelled categories."""
    from statsmodels.datasets import anes96 as source

    raw = source.load_pandas().data
    return pd.DataFrame(
        {
            "vote": raw["vote"].map({0: "Clinton", 1: "Dole"}),
            "party": raw["PID"].astype(int).map(PARTY),
            "education": raw["educ"].astype(int).map(EDUCATION),
            "age": raw["age"].astype(int),
            "income": raw["income"].astype(int),
            "self_lr": raw["selfLR"].astype(int),
            "tv_news": raw["TVnews"].astype(int),
            "log_popul": raw["logpopul"].round(6),
        }
    )


def randhie() -> pd.DataFrame:
    """RAND Health Insurance Experiment: self-rated poor health, a rare outcome."""
    from statsmodels.datasets import randhie as source

    raw = source.load_pandas().data
    out = raw[["hlthp", "mdvis", "disea", "physlm", "lncoins", "idp", "lpi"]].copy()
    out = out.rename(columns={"hlthp": "poor_health"})
    for col in ("poor_health", "mdvis", "physlm", "idp"):
        out[col] = out[col].astype(int)
    return out


def main() -> None:
    for name, build in {
        "tutorial": tutorial,
        "challenger": challenger,
        "anes96": anes96,
        "randhie": randhie,
    }.items():
        build().to_csv(HERE / f"{name}.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
