"""The Coefficients section: the table, what its columns mean, the forest plot and the
fitted-probability curve."""

from __future__ import annotations

import math
import re
from dataclasses import asdict
from typing import Any

from ...result import ResultData, term_namer
from .. import formatting, labels
from ..document import Figures, FigureSpec, Note, Section, code, joined, strong, styled, text
from .coefficient_table import coefficient_table

#: A spline or polynomial basis column (``bs(x, df=4)[1]``), alone or in an interaction.
_BASIS_COLUMN = re.compile(r"(?<![\w.])((?:bs|cr|cs|cc|poly)\([^\[\]]*\))\[\d+\]")

TESTS = {"wald": "Wald z tests", "lr": "Likelihood-ratio tests (z is Wald's, for reference)"}
INTERVALS = {"wald": "Wald confidence intervals", "profile": "profile-likelihood confidence intervals"}


def build(result: ResultData) -> Section:
    from .. import figures
    from ..per_unit import small_unit_terms

    inference, f = result.inference, result.fit
    ci = labels.ci_label(result.ci_level)
    blocks: list[Any] = [coefficient_table(result.coefficient_rows, result.model.categoricals,
                                           ci_level=result.ci_level, inferential=inference.inferential,
                                           tests=inference.tests, levels=result.levels)]
    if any(row.separated for row in result.coefficient_rows):
        blocks.append(Note(text(
            styled("\u2020", "flag"), " Separated term: its maximum-likelihood estimate is infinite, so the "
            "table shows where it tends (\u2192 \u2212\u221e, odds ratio \u2192 0, or \u2192 +\u221e); no "
            "standard error, p-value or interval is valid for it. The JSON report gives where the "
            "optimizer stopped.")))
    if inference.shrunk:
        blocks.append(Note(text("Odds ratios are exp(estimate) of the penalized coefficients.")))
    elif not f.converged:
        blocks.append(Note(text("The fit did not converge: the estimates are where the optimizer stopped, "
                                "and no standard error, p-value or interval is valid. Odds ratios are "
                                "exp(estimate).")))
    elif inference.inferential:
        se_type = result.model.se_type
        errors = "" if se_type == "model" else (
            " The " + labels.standard_errors(se_type, result.model.cluster, f.n_clusters)
            + " are what z, p-values and intervals use (no tests of whole terms are shown: those "
            "likelihood-ratio tests assume the model's own variance, which robust standard errors do not "
            "trust).")
        blocks.append(Note(text(
            f"{TESTS.get(inference.tests, 'No tests')} and {ci} "
            f"{INTERVALS.get(result.model.ci_method, 'no intervals')}; odds ratios are exp(estimate) with "
            "the exponentiated interval bounds.", errors,
            f" {result.model.ci_note}." if result.model.ci_note else "")))
    differing = [row for row in result.coefficient_rows if row.wald_differs]
    if differing:
        name = term_namer(result.model.categoricals)
        flagged: list[Any] = [styled("‡", "flag"), " The Wald interval differs materially from the "
                              "profile-likelihood one (a bound off by more than "
                              f"{differing[0].WALD_DISAGREEMENT:.0%} of its half-width), a sign that the "
                              "log-likelihood is far from quadratic there and Wald's interval and p-value "
                              "are poor approximations: "]
        for i, row in enumerate(differing):
            flagged += [code(name(row.term)), f" Wald {formatting.number(row.wald_ci_low)} to "
                        f"{formatting.number(row.wald_ci_high)}", "; " if i < len(differing) - 1 else "."]
        blocks.append(Note(text(*flagged)))
    basis = list(dict.fromkeys(term for row in result.coefficient_rows
                               for term in _BASIS_COLUMN.findall(row.term)))
    if basis:
        blocks.append(Note(text(
            joined([code(t) for t in basis]),
            " is a basis" if len(basis) == 1 else " are bases",
            " of several columns: each coefficient and odds ratio belongs to one basis function, not to "
            "the variable, and is not read on its own. The variable's effect is the whole term: compare "
            "the model with and without it (a likelihood-ratio test).")))
    if result.per_unit:
        blocks += _per_unit(result)
    small = small_unit_terms(result)
    if small:
        with_interval = inference.intervals != "none" and f.converged
        parts: list[Any] = [
            "Odds ratios are per unit of each predictor; for ", joined([code(u.term) for u in small]),
            " a unit is small, so the odds ratio is close to 1 and is shown with the digits that tell "
            "it apart from 1."]
        for u in small:
            parts += [f" Per {formatting.integer(u.scale)} units of ", code(u.term),
                      f" it is {u.odds_ratio}",
                      f" ({ci} CI {u.ci_low} to {u.ci_high})" if with_interval else ""]
            if u.rescaled_term:
                parts += [": rescale it in the formula, ", code(u.rescaled_term), ", for a readable table"]
            parts.append(".")
        blocks.append(Note(text(*parts), kind="per-unit"))
    specs: list[FigureSpec] = []
    withheld = figures.forest_withheld(result)
    if withheld:
        blocks.append(Note(text(strong("Odds ratios: no forest plot."), f" Not shown: {withheld}."),
                           kind="withheld"))
    else:
        specs.append(FigureSpec("forest", "Odds ratios", figures.forest_caption(result), figures.forest_plot))
    if result.figures is not None and result.figures.effect is not None:
        specs.append(FigureSpec(
            "effect", "Fitted probability and log-odds",
            "Left: observations and the fitted probability curve; right: the linear predictor. "
            "The vertical line is where the fitted probability crosses the threshold.", figures.effect_plot))
    if specs:
        blocks.append(Figures(tuple(s.key for s in specs)))
    title = "Coefficients" + (" (penalized)" if inference.shrunk else "")
    return Section("coefficients", title, tuple(blocks), tuple(specs),
                   json={"coefficients": [coefficient_json(row, inference)
                                          for row in result.coefficient_rows],
                         "levels": [asdict(level) for level in result.levels],
                         "per_unit": [_unit_json(u, inference) for u in result.per_unit] or None})


def _per_unit(result: ResultData) -> list[Any]:
    """The odds ratios per the units asked for (``--units age=10``), as a small table."""
    from ..document import Row, Table, cell, number

    intervals = result.inference.intervals != "none" and result.fit.converged
    ci = labels.ci_label(result.ci_level)
    heads = ("Term", "Per", "Odds ratio") + ((f"{ci} CI lower", "upper") if intervals else ())
    def ratio(value: float) -> Any:
        return number(formatting.odds_ratio(math.log(value)) if value > 0 else formatting.number(value))

    rows = tuple(Row((
        cell(u.term, role="term"), number(formatting.significant(u.unit)), ratio(u.odds_ratio),
        *((ratio(u.or_ci_low), ratio(u.or_ci_high)) if intervals else ()),
    )) for u in result.per_unit)
    return [Table("statistics", rows, header=(Row(tuple(cell(h, header=True) for h in heads)),)),
            Note(text("Odds ratios per the units asked for: exp(unit \u00d7 estimate), the interval bounds "
                      "scaled alike."))]


def _unit_json(unit: Any, inference: Any) -> dict[str, Any]:
    document = asdict(unit)
    if inference.intervals == "none":
        document.update(or_ci_low=None, or_ci_high=None)
    return document


#: Coefficient fields that are null by design when the estimator supports no such inference.
_BY_CAPABILITY = {
    "standard_errors": ("std_error", "z"),
    "tests": ("p_value",),
    "intervals": ("ci_low", "ci_high", "or_ci_low", "or_ci_high"),
}


def coefficient_json(row: Any, inference: Any) -> dict[str, Any]:
    """A coefficient row for the JSON report: what the estimator cannot support is null by
    design (not NaN, which the JSON report lists as a non-finite value)."""
    document = asdict(row)
    unsupported = {
        "standard_errors": not inference.standard_errors,
        "tests": inference.tests == "none",
        "intervals": inference.intervals == "none",
    }
    for capability, fields in _BY_CAPABILITY.items():
        if unsupported[capability]:
            document.update(dict.fromkeys(fields, None))
    if math.isnan(row.wald_ci_low) and math.isnan(row.wald_ci_high):  # the interval shown is Wald's
        del document["wald_ci_low"], document["wald_ci_high"], document["wald_differs"]
    return document
