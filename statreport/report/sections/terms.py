"""The Tests of terms section: one likelihood-ratio test per term of the formula (all
dummies of a categorical, all columns of a spline, an interaction), type II; its df is
the number of the term's columns."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from ...result import ResultData
from .. import formatting
from ..document import Note, Row, Section, Table, cell, code, joined, number, text


def build(result: ResultData) -> Section:
    if not result.terms:
        return Section("terms", None, json={"terms": None})
    with_gvif = any(math.isfinite(t.gvif) for t in result.terms)
    heads = ("Term", "df", "LR chi-square", "p-value") + (("GVIF^(1/(2 df))",) if with_gvif else ())
    header = (Row(tuple(cell(h, header=True) for h in heads)),)
    variables = {cat.term: cat.variable for cat in result.model.categoricals}

    def name(term: str) -> str:  # readers' names: "age \u00d7 race" for age:C(race)
        return " \u00d7 ".join(variables.get(factor, factor) for factor in term.split(":"))

    rows = tuple(Row((
        cell(name(test.term), role="term", tooltip=test.term),
        number(str(test.df)),
        number(formatting.number(test.lr_chi2, 3)),
        number(formatting.p_value(test.lr_p_value)),
        *((number(formatting.number(test.gvif_df, 2)),) if with_gvif else ()),
    )) for test in result.terms)
    parts: list[Any] = [
        "Likelihood-ratio test of each term as a whole, all its columns at once (type II, as R's "
        "car::Anova); a term inside an interaction is tested without that interaction."]
    marginal = [t for t in result.terms if t.marginal_to]
    if marginal:
        parts += [" Here: ", joined([text(code(name(t.term)), " without ",
                                          joined([code(name(m)) for m in t.marginal_to]))
                                     for t in marginal], "; "), "."]
    if with_gvif:
        parts.append(" GVIF^(1/(2 df)): the generalized variance-inflation factor (as car::vif) on one "
                     "column's scale; its square above 10 is warned about, except for terms of one "
                     "variable (x and I(x**2)), collinear by construction.")
    failed = [t for t in result.terms if t.note]
    if failed:
        parts += [" No test for ", joined([code(name(t.term)) for t in failed]), ": ", failed[0].note, "."]
    json = [asdict(t) | {"columns": list(t.columns), "marginal_to": list(t.marginal_to)}
            | ({} if math.isfinite(t.gvif) else {"gvif": None, "gvif_df": None})  # null by design
            for t in result.terms]
    return Section("terms", "Tests of terms", (Table("statistics", rows, header=header), Note(text(*parts))),
                   json={"terms": json})
