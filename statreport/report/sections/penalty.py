"""The penalized estimator's sections: the penalty (objective, alpha and how it was
chosen, the optimality check, cross-validation and coefficient-path figures) and
the unpenalized refit on the selected terms, under its post-selection warning."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ...estimators.penalized import METHOD_LABELS, PenaltyInfo
from ...result import ResultData, term_namer
from .. import formatting
from ..document import Figures, FigureSpec, Note, Row, Section, Table, cell, code, strong, styled, text
from .coefficient_table import coefficient_table


def build(result: ResultData) -> Section:
    """The Penalty section, before the coefficients; for other estimators an empty
    section whose JSON says there was no penalty."""
    info = result.method_details
    if not isinstance(info, PenaltyInfo):
        return Section("penalty", None, json={"penalty": None, "model": {"alpha": None, "l1_ratio": None}})
    from .. import figures

    name = term_namer(result.model.categoricals)
    if info.cv is not None:
        cv = info.cv
        chosen = "minimum-deviance" if cv.rule == "min" else "one-standard-error"
        alpha = (f" (chosen by {cv.folds}-fold cross-validation, seed {cv.seed}: the {chosen} alpha; minimum "
                 f"{formatting.significant(cv.alpha_min, 6)}, "
                 f"one-SE {formatting.significant(cv.alpha_1se, 6)})")
    else:
        alpha = " (given)"
    zero = "; exactly zero: " + ", ".join(name(z) for z in info.zero_terms) if info.zero_terms else ""
    optimal = info.kkt_violation <= info.kkt_tolerance
    rows = (
        _row("Penalty", text(f"{METHOD_LABELS[info.penalty]}, "
                             f"l1_ratio = {formatting.number(info.l1_ratio, 2)}")),
        _row("alpha", text(formatting.significant(info.alpha, 6) + alpha)),
        _row("Equivalents", text(f"glmnet lambda = {formatting.significant(info.alpha, 6)}; scikit-learn C = "
                                 f"{formatting.significant(info.sklearn_c, 6)}")),
        _row("Non-zero terms", text(f"{info.n_nonzero} of {result.model.n_params - 1}{zero}")),
        _row("Solver", text(info.solver)),
        _row("Optimality (KKT)", text(
            f"largest violation {formatting.significant(info.kkt_violation, 2)} (tolerance "
            f"{formatting.significant(info.kkt_tolerance)}): ",
            styled("optimum reached", "pass") if optimal else styled("NOT the optimum", "fail"))),
    )
    blocks: list[Any] = [
        Note(text(code(f"minimize {info.objective}")), kind="objective"),
        Table("summary", rows),
        Note(text("Penalized coefficients are shrunk toward zero on purpose. No standard errors, p-values or "
                  "confidence intervals are shown: after a penalty they would claim a validity they do not "
                  "have." + (" The unpenalized refit on the selected terms is shown below, with its own "
                             "warning." if info.refit else ""))),
    ]
    specs: list[FigureSpec] = []
    if info.cv is not None:
        cv = info.cv
        specs = [
            FigureSpec("cv", "Cross-validation",
                       f"Held-out deviance per observation over {cv.folds} stratified folds "
                       f"(seed {cv.seed}), "
                       f"mean \u00b1 one standard error; the fit uses the "
                       f"{'minimum' if cv.rule == 'min' else 'one-standard-error'} alpha.", figures.cv_plot),
            FigureSpec("path", "Coefficient path",
                       "Penalized coefficients fitted on all the data at each alpha of the grid, from strong "
                       "(left) to weak (right) penalty; the vertical line marks the alpha used. Coefficients "
                       "are on their variables' own scales.", figures.path_plot),
        ]
        blocks.append(Figures(("cv", "path")))
    penalty = asdict(info)
    penalty.pop("refit")
    penalty["zero_terms"] = list(info.zero_terms)
    penalty["regrouped"] = list(info.regrouped)
    return Section("penalty", "Penalty", tuple(blocks), tuple(specs),
                   json={"penalty": penalty, "model": {"alpha": info.alpha, "l1_ratio": info.l1_ratio}})


def build_refit(result: ResultData) -> Section:
    """The unpenalized refit on the selected terms, after the coefficients."""
    info = result.method_details
    if not isinstance(info, PenaltyInfo) or info.refit is None:
        return Section("refit", None, json={"refit": None})
    from ...result import Capabilities
    from .coefficients import coefficient_json

    return Section("refit", "Refit without penalty on the selected terms", (
        Note(text(strong("Post-selection inference."), " These terms were chosen by the penalized fit on the "
                  "same data; the p-values and intervals below do not account for that choice and are too "
                  "optimistic. Use them to describe, not to confirm."), kind="warning-box"),
        coefficient_table(info.refit, result.model.categoricals, ci_level=result.ci_level, inferential=True,
                          levels=result.levels),
    ), json={"refit": {"coefficients": [coefficient_json(row, Capabilities())
                                        for row in info.refit]}})


def _row(label: str, value: Any) -> Row:
    return Row((cell(label, header=True), cell(value)))
