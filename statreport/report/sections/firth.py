"""Firth's sections: what a Firth fit is and which probabilities the report uses; and,
beside a maximum-likelihood fit under quasi-complete separation, Firth's fit of the
same model with a word on which to read."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ...estimators.firth import FirthInfo
from ...estimators.mle import FirthCompanion
from ...result import ResultData, term_namer
from .. import formatting, labels
from ..document import Note, Row, Section, Table, cell, number, strong, text
from .coefficient_table import coefficient_table

METHOD = ("Firth's method maximizes the log-likelihood plus half the log-determinant of the Fisher "
          "information (the Jeffreys prior): its estimates are finite under separation and less biased "
          "away from zero when events are few (Firth 1993; Heinze & Schemper 2002). ")


def build(result: ResultData) -> Section:
    details = result.method_details
    if isinstance(details, FirthInfo):
        return _firth_fit(result, details)
    if isinstance(details, FirthCompanion):
        return _beside_separation(result, details)
    return Section("firth", None, json={"firth": None})


def _firth_fit(result: ResultData, info: FirthInfo) -> Section:
    ci = labels.ci_label(result.ci_level)
    rows = [
        _row("Penalized log-likelihood", formatting.number(info.penalized_log_likelihood, 3)),
        _row("Penalized log-likelihood, intercept only",
             formatting.number(info.null_penalized_log_likelihood, 3)),
    ]
    flic = info.flic_intercept == info.flic_intercept  # not NaN: the design has an intercept
    if flic:
        rows += [_row("Intercept, Firth", formatting.number(info.firth_intercept)),
                 _row("Intercept, FLIC (for predictions)", formatting.number(info.flic_intercept))]
    fallback = info.wald_fallback_terms
    said = [_separation(result, info), METHOD,
            f"Standard errors (and the Wald z beside them) are from the inverse information at the "
            f"estimate; p-values are penalized likelihood-ratio tests and the {ci} intervals profile "
            "penalized-likelihood intervals (as R's logistf). Twice the difference of the two penalized "
            "log-likelihoods above is the penalized likelihood-ratio test of the model, under Model fit. "]
    if fallback:
        said.append(f"For {', '.join(fallback)} no profile bound was found, so the Wald interval is shown. ")
    if flic:
        said.append("The classification table, Brier score, calibration and probability figures use FLIC "
                    "probabilities (Puhr et al. 2017): the Firth slopes with the intercept re-estimated so "
                    "that the mean predicted probability equals the event rate, since Firth's own intercept "
                    "pulls predictions towards 0.5.")
    else:
        said.append("The model has no intercept, so the predicted probabilities are Firth's own (the FLIC "
                    "correction re-estimates an intercept).")
    return Section("firth", "Firth's penalized likelihood", (
        Table("statistics", tuple(rows), header=(Row((cell("Statistic", header=True),
                                                      cell("Value", header=True))),)),
        Note(text(*said)),
    ), json={"firth": _json(info)})


def _separation(result: ResultData, info: FirthInfo) -> str:
    """What the separation check found, as the sentence that opens the section."""
    if info.separation not in ("quasi", "complete"):
        return ("The data are not separated (checked by linear programming). " if info.separation == "none"
                else "")
    name = term_namer(result.model.categoricals)
    terms = [name(t) for t in info.separated_terms if t != "Intercept"] or list(info.separated_terms)
    kind = "completely" if info.separation == "complete" else "quasi-completely"
    return (f"The data are {kind} separated along {', '.join(repr(t) for t in terms)}: their "
            "maximum-likelihood estimates would be infinite, which is what Firth's method is for. ")


def _beside_separation(result: ResultData, companion: FirthCompanion) -> Section:
    from ...estimators.firth import Firth
    from .coefficients import coefficient_json

    name = term_namer(result.model.categoricals)
    separated = [name(row.term) for row in result.coefficient_rows if row.separated]
    shown = ", ".join(f"'{t}'" for t in separated)
    return Section("firth", "Firth's bias-reduced fit of the same model", (
        Note(text(strong("Which to read."), " Under quasi-complete separation the maximum-likelihood "
                  f"estimate of {shown} is infinite, and the table above shows only where it tends; the "
                  "other "
                  "terms there are their limits, fitted as if the perfectly predicted rows were set aside. "
                  "Firth's fit below gives a finite estimate for every term, with a profile "
                  "penalized-likelihood interval: read it for the size and the uncertainty of every effect, "
                  "the separated ones included, and report it as Firth's; the whole report of that fit is "
                  "one option away (method firth)."), kind="warning-box"),
        coefficient_table(companion.rows, result.model.categoricals, ci_level=result.ci_level,
                          inferential=True, tests="lr", levels=result.levels),
        Note(text(METHOD, "p-values are penalized likelihood-ratio tests and the intervals profile "
                  "penalized-likelihood intervals (as R's logistf).")),
    ), json={"firth": {**_json(companion.info), "companion": True,
                       "coefficients": [coefficient_json(row, Firth.capabilities)
                                        for row in companion.rows]}})


def _json(info: Any) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(info).items()}


def _row(label: str, value: str) -> Row:
    return Row((cell(label, role="label"), number(value)))
