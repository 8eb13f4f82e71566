"""One likelihood-ratio test per term of the formula, as a reader asks "does education
matter?" rather than "does each of its dummies?".

A term is what the formula names: all dummies of a categorical, all columns of a
spline or polynomial, an interaction. Each term is tested as R's
``car::Anova(model, type = "II", test.statistic = "LR")`` tests it, respecting
marginality: the model with the term is compared with the model without it,
both without every term that contains it (an interaction containing a main
effect); for a term that no other term contains, the model with it is the full
model. statsmodels has no such test for a logistic model (its ``anova_lm`` is
for linear models), so it is written here, from the estimator's refits of
column subsets.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .result import TermTest

if TYPE_CHECKING:  # pragma: no cover
    from .design import Design

#: Above this many rows the tests of terms (a refit of the model per term) are left out of
#: the default report: at 1e6 rows they would double its time.
TERM_TEST_ROWS = 200_000

#: A refit of the model on a subset of the design's columns: its log-likelihood, or None
#: when the subset cannot be fitted (it does not converge, or is separated).
SubmodelFit = Callable[[tuple[int, ...]], "float | None"]


#: A term's GVIF^(1/(2 df)) above the square root of this (a VIF of 10 for one column) is
#: pointed out: its coefficients' variance is inflated tenfold by the other terms.
COLLINEAR_VIF = 10.0


def term_tests(
    design: Design, log_likelihood: float, refit: SubmodelFit, cov: np.ndarray | None = None
) -> tuple[TermTest, ...]:
    """Type II likelihood-ratio tests of every term but the intercept, in formula order,
    each with its generalized variance-inflation factor (from ``cov``, the coefficients'
    covariance; `gvifs`).

    ``log_likelihood`` is the full model's; ``refit(columns)`` gives the log-likelihood
    of the model on those column indices (in design order). Each distinct column set
    is fitted once. A test whose refit failed has NaN statistics (and says so in
    ``note``).
    """
    from scipy import stats

    inflation = gvifs(design, cov)

    everything = tuple(range(len(design.column_names)))
    fitted: dict[tuple[int, ...], float | None] = {everything: log_likelihood}

    def fit(columns: tuple[int, ...]) -> float | None:
        if columns not in fitted:
            fitted[columns] = refit(columns)
        return fitted[columns]

    tests = []
    for term in design.terms:
        if not term.factors or not term.columns:  # the intercept; a categorical left with one level
            continue
        containing = [other for other in design.terms
                      if other is not term and term.factors < other.factors]
        dropped = set(term.columns).union(*(other.columns for other in containing))
        without = tuple(j for j in everything if j not in dropped)
        with_term = tuple(sorted((*without, *term.columns)))
        ll_with, ll_without = fit(with_term), fit(without)
        df = len(term.columns)
        if ll_with is None or ll_without is None:
            statistic = p_value = math.nan
            note = "a model in the comparison could not be fitted (separation or non-convergence)"
        else:
            statistic = max(2.0 * (ll_with - ll_without), 0.0)
            p_value = float(stats.chi2.sf(statistic, df))
            note = ""
        tests.append(TermTest(
            term=term.name,
            columns=tuple(design.column_names[j] for j in term.columns),
            df=df,
            lr_chi2=statistic,
            lr_p_value=p_value,
            marginal_to=tuple(other.name for other in containing),
            note=note,
            gvif=inflation.get(term.name, math.nan),
            gvif_df=inflation.get(term.name, math.nan) ** (1.0 / (2 * df)),
        ))
    return tuple(tests)


def gvifs(design: Design, cov: np.ndarray | None) -> dict[str, float]:
    """Generalized variance-inflation factors per term (Fox & Monette 1992), as car::vif:
    from the correlation matrix R of the slopes' covariance, det(R_term) det(R_rest) / det(R).
    Empty for a model with an interaction or without an intercept, with fewer than two
    terms, or without a covariance (car::vif refuses those)."""
    terms = [t for t in design.terms if t.factors and t.columns]
    if (cov is None or not design.has_intercept or len(terms) < 2
            or any(len(t.factors) > 1 for t in terms) or not np.all(np.isfinite(cov))):
        return {}
    slopes = [j for j, name in enumerate(design.column_names) if name != "Intercept"]
    covariance = cov[np.ix_(slopes, slopes)]
    scale = np.sqrt(np.diag(covariance))
    correlation = covariance / np.outer(scale, scale)
    position = {j: i for i, j in enumerate(slopes)}
    whole = np.linalg.det(correlation)
    found = {}
    for term in terms:
        own = [position[j] for j in term.columns]
        rest = [i for i in range(len(slopes)) if i not in own]
        found[term.name] = float(np.linalg.det(correlation[np.ix_(own, own)])
                                 * np.linalg.det(correlation[np.ix_(rest, rest)]) / whole)
    return found


def shares_a_variable(term: str, others: list[str]) -> bool:
    """Whether ``term`` is built from a variable that another term also uses (``year`` and
    ``I(year ** 2)``, ``bs(age, df=4)`` and ``age:sex``): collinear by construction."""
    own = _variables(term)
    return any(own & _variables(other) for other in others)


def _variables(term: str) -> set[str]:
    """The names a term's factors read (function names left out), from their syntax."""
    import ast

    found: set[str] = set()
    for factor in term.split(":"):
        try:
            tree = ast.parse(factor.replace("`", ""), mode="eval")
        except SyntaxError:
            found.add(factor)
            continue
        called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
        found |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called}
    return found
