"""Class weights: the logistic model fitted with each class weighted by n / (2 n_class).

scikit-learn's ``class_weight="balanced"``, a remedy taught for rare outcomes. The fit
maximizes the weighted log-likelihood (statsmodels' GLM, binomial, with the weights as
``var_weights``); its standard errors are robust (the sandwich with weighted scores,
`statreport.estimators.sandwich`), as the model's own would treat the weights as counts.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import numpy as np

from ..errors import FitError
from ..result import ReportWarning
from .base import Estimate
from .singular import redundant_columns, singular_message
from .statsmodels_warnings import report_warnings

#: IRLS iterations allowed (as maximum likelihood's Newton iterations).
MAX_ITERATIONS = 50

if TYPE_CHECKING:  # pragma: no cover
    from ..design import Design


def balanced_weights(y: np.ndarray) -> np.ndarray:
    """Each row's class weight n / (2 n_class), shape (n,): scikit-learn's "balanced"."""
    events = float(y.sum())
    return np.where(y == 1.0, y.shape[0] / (2.0 * events), y.shape[0] / (2.0 * (y.shape[0] - events)))


#: What the probabilities of a class-weighted fit are (the report says it beside them).
CLASS_WEIGHT_NOTE = ("from a fit with balanced class weights: the probabilities of a sample with as many "
                     "events as non-events, not the risk in these data (they are too high for a rare "
                     "outcome); use them to rank or classify, not as risks")


def fit_class_weighted(design: Design) -> Estimate:
    """Maximize the class-weighted log-likelihood sum_i w_i l_i, w = `balanced_weights`
    (statsmodels' GLM, binomial, IRLS, with the weights as ``var_weights``).

    ``cov`` is the weighted information's inverse, the bread of the robust covariance the
    estimator puts in its place; ``log_likelihood`` is the weighted one and the null model's
    too (``null_log_likelihood``: with balanced weights, the events are half the weight).
    """
    import statsmodels.api as sm
    from scipy.special import expit, log_expit

    redundant = redundant_columns(design.X, design.column_names)
    if redundant:
        raise FitError(singular_message(design, redundant))
    weights = balanced_weights(design.y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted = sm.GLM(design.y, design.X, family=sm.families.Binomial(), var_weights=weights).fit(
            method="IRLS", tol=1e-13, maxiter=MAX_ITERATIONS)
    params = np.asarray(fitted.params, dtype=np.float64)
    eta = design.X @ params
    log_likelihood = float(weights @ (design.y * log_expit(eta) + (1 - design.y) * log_expit(-eta)))
    rate = float(weights @ design.y) / float(weights.sum())
    null = float(weights.sum()) * (rate * math.log(rate) + (1 - rate) * math.log1p(-rate))
    converged = bool(fitted.converged)
    found = [w for w in report_warnings(caught) if w.code != "not_converged"]
    if not converged:
        found.insert(0, ReportWarning("not_converged", "the class-weighted fit did not converge in "
                                      f"{MAX_ITERATIONS} iterations; no standard errors, p-values or "
                                      "intervals are shown"))
    found.append(ReportWarning(
        "class_weights",
        f"the fit weights each outcome by n/(2 n_class) (events {weights[design.y == 1][0]:.3g}, non-events "
        f"{weights[design.y == 0][0]:.3g}): the estimates describe a balanced sample, so the intercept and "
        "every predicted probability are shifted (the odds ratios of the slopes keep their meaning); "
        "standard errors are robust; there is no likelihood-ratio test, AIC or BIC"))
    p = expit(eta)
    information = (design.X * (weights * p * (1 - p))[:, None]).T @ design.X  # at the final estimate
    return Estimate(
        method="mle",
        params=params,
        cov=np.linalg.inv(information),
        log_likelihood=log_likelihood,
        converged=converged,
        iterations=int(fitted.fit_history.get("iteration", 0)),
        probabilities=p,
        warnings=tuple(found),
        max_iterations=MAX_ITERATIONS,
        solver="statsmodels GLM (binomial), IRLS, balanced class weights",
        probabilities_note=CLASS_WEIGHT_NOTE,
        null_log_likelihood=null,
    )
