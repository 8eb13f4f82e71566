"""An independent refit with scikit-learn, to catch a wrong answer before a reader does.

scikit-learn's `LogisticRegression` is refitted without a penalty (``C=inf``)
on the same design matrix with its Newton-Cholesky solver, and its
coefficients and probabilities are compared with statsmodels'.
"""

from __future__ import annotations

import warnings

import numpy as np

from .design import Design
from .estimate import WARM_START_ROWS, Estimate, subsample
from .penalized import PenaltySpec
from .result import CrossCheck

PROBABILITY_TOLERANCE = 1e-6
COEFFICIENT_TOLERANCE = 1e-4  # relative to max(1, |estimate|)
PENALIZED_PROBABILITY_TOLERANCE = 1e-5
PENALIZED_COEFFICIENT_TOLERANCE = 1e-4


def crosscheck_sklearn(
    design: Design, estimate: Estimate, *, threshold: float, penalty: PenaltySpec | None = None
) -> CrossCheck:
    """Refit with scikit-learn and compare coefficients, probabilities and labels.

    Without a penalty: ``C=inf``, Newton-Cholesky, no separate intercept (the
    design has one). With a penalty: ``C = 1/(n*alpha)`` and the same l1_ratio
    on centred predictors with scikit-learn's own (unpenalized) intercept;
    Newton-Cholesky for l2, saga for l1 and elastic net, started from the
    intercept-only model (saga started at zero can stop early on the intercept).
    """
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    if penalty is None:
        model = LogisticRegression(
            C=np.inf, solver="newton-cholesky", fit_intercept=False, tol=1e-10, max_iter=200
        )
        solver = "newton-cholesky"
        X = design.X
        tolerances = (PROBABILITY_TOLERANCE, COEFFICIENT_TOLERANCE)
    else:
        solver = "newton-cholesky" if penalty.penalty == "l2" else "saga"
        model = LogisticRegression(
            C=1.0 / (design.n_obs * penalty.alpha), l1_ratio=penalty.l1_ratio, solver=solver,
            fit_intercept=True, tol=1e-12 if solver == "saga" else 1e-10, max_iter=100_000,
            warm_start=solver == "saga",
        )
        means = design.X[:, 1:].mean(axis=0)
        X = design.X[:, 1:] - means
        if solver == "saga":
            rate = float(design.y.mean())
            model.coef_ = np.zeros((1, X.shape[1]))
            model.intercept_ = np.array([np.log(rate / (1 - rate))])
        tolerances = (PENALIZED_PROBABILITY_TOLERANCE, PENALIZED_COEFFICIENT_TOLERANCE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if solver == "newton-cholesky" and design.n_obs >= WARM_START_ROWS:
                # scikit-learn's own fit on a subsample first (its start, not ours)
                rows = subsample(design.n_obs)
                model.set_params(warm_start=True)
                model.fit(X[rows], design.y[rows])
                caught.clear()  # only the full-data fit decides convergence
            model.fit(X, design.y)
            if penalty is None:
                theirs = model.coef_.ravel()
                probabilities = model.predict_proba(X)[:, 1]
            else:
                slopes = model.coef_.ravel()
                intercept = float(model.intercept_[0])
                if solver == "saga":
                    intercept = _finish_intercept(X @ slopes, design.y, intercept)
                theirs = np.r_[intercept - means @ slopes, slopes]
                probabilities = 1.0 / (1.0 + np.exp(-(intercept + X @ slopes)))
            failed = not (np.all(np.isfinite(theirs)) and np.all(np.isfinite(probabilities)))
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            failed = True
    if failed:  # scikit-learn could not fit at all: the check fails, visibly
        theirs = np.full_like(estimate.params, np.nan)
        probabilities = np.full_like(estimate.probabilities, np.nan)
    converged = not failed and not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    ours = estimate.params
    coef_diff = np.abs(theirs - ours)
    prob_diff = float(np.max(np.abs(probabilities - estimate.probabilities)))
    relative = float(np.max(coef_diff / np.maximum(1.0, np.abs(ours))))
    prob_tolerance, coef_tolerance = tolerances
    agreement = float(
        np.mean((probabilities > threshold) == (estimate.probabilities > threshold))
    )
    return CrossCheck(
        library="scikit-learn",
        version=sklearn.__version__,
        solver=solver,
        converged=converged,
        max_abs_coef_diff=float(np.max(coef_diff)),
        max_abs_prob_diff=prob_diff,
        label_agreement=agreement,
        tolerance=prob_tolerance,
        coef_tolerance=coef_tolerance,
        passed=bool(converged and prob_diff <= prob_tolerance and relative <= coef_tolerance),
    )


def _finish_intercept(offset: np.ndarray, y: np.ndarray, start: float) -> float:
    """Maximize the likelihood over the intercept alone, given scikit-learn's slopes.

    saga's stopping rule watches only the slopes, so when they settle early
    (every slope exactly zero, say) it returns an intercept short of its
    optimum. The intercept is unpenalized, so finishing it by a one-dimensional
    Newton solve keeps scikit-learn's slopes and completes its own answer.
    """
    intercept = start
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(intercept + offset)))
        step = float(np.sum(y - p)) / max(float(np.sum(p * (1 - p))), 1e-300)
        intercept += step
        if abs(step) < 1e-13 * max(1.0, abs(intercept)):
            break
    return intercept
