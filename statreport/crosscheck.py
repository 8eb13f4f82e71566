"""An independent refit with scikit-learn, to catch a wrong answer before a reader does.

Each estimator supplies its own refit of the same model with scikit-learn
(`Estimator.refit`); this module holds the plain, unpenalized refit they build
on, and `compare`, which measures how far the refit is from statreport's
estimate in coefficients, probabilities and labels.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np

from .estimate import Estimate, SklearnRefit
from .result import CrossCheck

if TYPE_CHECKING:  # pragma: no cover
    from .design import Design

#: From this many rows the refit starts on a subsample (scikit-learn's own warm start).
WARM_START_ROWS = 200_000
SUBSAMPLE_ROWS = 50_000


def subsample(n: int) -> np.ndarray:
    """Deterministic, evenly spaced row indices (about `SUBSAMPLE_ROWS` of them)."""
    return np.arange(0, n, max(1, n // SUBSAMPLE_ROWS))


def refit_unpenalized(
    X: np.ndarray, y: np.ndarray, *, sample_weight: np.ndarray | None = None, solver_note: str = ""
) -> SklearnRefit:
    """scikit-learn's maximum-likelihood fit of ``y`` on ``X`` (optionally weighted).

    ``C=inf``, Newton-Cholesky, no separate intercept (the design has one), on
    the columns divided by powers of two that bring each one's largest
    magnitude into [1, 2): the same numbers in other units, exactly, so the
    coefficients scale back exactly. Newton-Cholesky stops early on a badly
    scaled column (income in dollars, around 1e7-1e8) and the check would fail
    a correct fit. From `WARM_START_ROWS` rows it starts from its own fit on a
    subsample.
    """
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=np.inf, solver="newton-cholesky", fit_intercept=False, tol=1e-10, max_iter=200
    )
    scales = power_of_two_scales(X)
    scaled = np.divide(X, scales, out=np.empty(X.shape, order="C"))  # row-major, as sklearn copies
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if y.shape[0] >= WARM_START_ROWS and sample_weight is None:
                rows = subsample(y.shape[0])
                model.set_params(warm_start=True)
                model.fit(scaled[rows], y[rows])
                caught.clear()  # only the full-data fit decides convergence
            model.fit(scaled, y, sample_weight=sample_weight)
            theirs = model.coef_.ravel().astype(np.float64) / scales
            failed = not np.all(np.isfinite(theirs))
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            failed = True
    return finished_refit("newton-cholesky" + solver_note, theirs if not failed else None, caught,
                          sklearn.__version__, ConvergenceWarning, X.shape[1])


def finished_refit(solver: str, params: np.ndarray | None, caught: list[warnings.WarningMessage],
                   version: str, convergence_warning: type[Warning], k: int) -> SklearnRefit:
    """A `SklearnRefit` from a refit's parameters (None if it could not fit at all: the
    check then fails, visibly) and the warnings it raised."""
    if params is None:
        return SklearnRefit(solver, np.full(k, np.nan), False, version)
    converged = not any(issubclass(w.category, convergence_warning) for w in caught)
    return SklearnRefit(solver, params, converged, version)


def power_of_two_scales(X: np.ndarray) -> np.ndarray:
    """Per column of ``X`` (n, k), the power of two that puts its largest magnitude in [1, 2);
    1 for a column of zeros. Dividing by a power of two changes no digit of the data."""
    largest = np.maximum(X.max(axis=0, initial=0.0), -X.min(axis=0, initial=0.0))
    _, exponent = np.frexp(largest)  # largest = m * 2**exponent, 0.5 <= m < 1
    return np.where(largest > 0, np.ldexp(1.0, exponent - 1), 1.0)


def compare(
    design: Design,
    estimate: Estimate,
    refit: SklearnRefit,
    *,
    threshold: float,
    tolerances: tuple[float, float],
) -> CrossCheck:
    """Compare scikit-learn's refit with statreport's estimate.

    ``tolerances``: the largest probability difference, and the largest
    coefficient difference relative to max(1, |estimate|), that pass (the
    estimator's own: an exact optimum is held to tighter ones than coordinate descent).
    Probabilities are compared at the estimate's own coefficients (for Firth, before
    the FLIC intercept correction, which the refit does not make).
    """
    from scipy.special import expit

    with np.errstate(invalid="ignore", over="ignore"):
        probabilities = expit(design.X @ refit.params)
        ours_probabilities = expit(design.X @ estimate.params)
    ours = estimate.params
    # terms whose estimates diverge (quasi-separation) stop wherever each optimizer stops
    finite = np.array([name not in estimate.separated_terms for name in design.column_names])
    coef_diff = np.abs(refit.params - ours)[finite] if finite.any() else np.abs(refit.params - ours)
    ours = ours[finite] if finite.any() else ours
    prob_diff = float(np.max(np.abs(probabilities - ours_probabilities)))
    relative = float(np.max(coef_diff / np.maximum(1.0, np.abs(ours))))
    prob_tolerance, coef_tolerance = tolerances
    agreement = float(np.mean((probabilities > threshold) == (ours_probabilities > threshold)))
    return CrossCheck(
        library="scikit-learn",
        version=refit.version,
        solver=refit.solver,
        converged=refit.converged,
        max_abs_coef_diff=float(np.max(coef_diff)),
        max_abs_prob_diff=prob_diff,
        label_agreement=agreement,
        tolerance=prob_tolerance,
        coef_tolerance=coef_tolerance,
        passed=bool(refit.converged and prob_diff <= prob_tolerance and relative <= coef_tolerance),
    )
