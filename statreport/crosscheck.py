"""An independent refit with scikit-learn, to catch a wrong answer before a reader does.

scikit-learn's `LogisticRegression` is refitted without a penalty (``C=inf``)
on the same design matrix with its Newton-Cholesky solver, and its
coefficients and probabilities are compared with statsmodels'.
"""

from __future__ import annotations

import warnings

import numpy as np

from .design import Design
from .estimate import Estimate
from .result import CrossCheck

PROBABILITY_TOLERANCE = 1e-6
COEFFICIENT_TOLERANCE = 1e-4  # relative to max(1, |estimate|)


def crosscheck_sklearn(design: Design, estimate: Estimate, *, threshold: float) -> CrossCheck:
    """Refit with scikit-learn and compare coefficients, probabilities and labels."""
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=np.inf, solver="newton-cholesky", fit_intercept=False, tol=1e-10, max_iter=200
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.fit(design.X, design.y)
            theirs = model.coef_.ravel()
            probabilities = model.predict_proba(design.X)[:, 1]
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
    agreement = float(
        np.mean((probabilities > threshold) == (estimate.probabilities > threshold))
    )
    return CrossCheck(
        library="scikit-learn",
        version=sklearn.__version__,
        solver="newton-cholesky",
        converged=converged,
        max_abs_coef_diff=float(np.max(coef_diff)),
        max_abs_prob_diff=prob_diff,
        label_agreement=agreement,
        tolerance=PROBABILITY_TOLERANCE,
        coef_tolerance=COEFFICIENT_TOLERANCE,
        passed=bool(
            converged
            and prob_diff <= PROBABILITY_TOLERANCE
            and relative <= COEFFICIENT_TOLERANCE
        ),
    )
