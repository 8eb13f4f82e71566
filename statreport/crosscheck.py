"""An independent refit with scikit-learn, to catch a wrong answer before a reader does.

scikit-learn's `LogisticRegression` is refitted on the same design matrix
(without a penalty, or with the same penalty mapped to its ``C``), and its
coefficients and probabilities are compared with statreport's.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from .design import Design
from .estimate import WARM_START_ROWS, Estimate, subsample
from .penalized import PenaltySpec
from .result import CrossCheck

PROBABILITY_TOLERANCE = 1e-6
COEFFICIENT_TOLERANCE = 1e-4  # relative to max(1, |estimate|)
PENALIZED_PROBABILITY_TOLERANCE = 1e-5
PENALIZED_COEFFICIENT_TOLERANCE = 1e-4
#: From this many rows the refit runs in another process, beside the statsmodels fit.
PARALLEL_ROWS = 200_000


@dataclass(frozen=True, eq=False)
class SklearnRefit:
    """scikit-learn's coefficients on the design's scale (intercept first); NaN if it failed."""

    solver: str
    params: np.ndarray
    converged: bool
    version: str  # scikit-learn's, as imported where the refit ran


def crosscheck_sklearn(
    design: Design, estimate: Estimate, *, threshold: float, penalty: PenaltySpec | None = None
) -> CrossCheck:
    """Refit with scikit-learn and compare coefficients, probabilities and labels."""
    return compare(design, estimate, refit_sklearn(design, penalty), threshold=threshold,
                   penalty=penalty)


def refit_sklearn(design: Design, penalty: PenaltySpec | None = None) -> SklearnRefit:
    """The independent refit.

    Without a penalty: ``C=inf``, Newton-Cholesky, no separate intercept (the
    design has one), on the design's columns divided by powers of two that
    bring each one's largest magnitude into [1, 2): the same numbers in other
    units, exactly, so the coefficients scale back exactly. Newton-Cholesky
    stops early on a badly scaled column (income in dollars, around 1e7-1e8)
    and the check would fail a correct fit. With a penalty: ``C = 1/(n*alpha)`` and the same l1_ratio
    on centred predictors with scikit-learn's own (unpenalized) intercept;
    Newton-Cholesky for l2, saga for l1 and elastic net, started from the
    intercept-only model (saga started at zero can stop early on the intercept).
    """
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    means = np.zeros(design.X.shape[1] - 1)
    scales = np.ones(design.X.shape[1])
    if penalty is None:
        model = LogisticRegression(
            C=np.inf, solver="newton-cholesky", fit_intercept=False, tol=1e-10, max_iter=200
        )
        solver = "newton-cholesky"
        scales = power_of_two_scales(design.X)
        # row-major, as scikit-learn would copy it anyway
        X = np.divide(design.X, scales, out=np.empty(design.X.shape, order="C"))
    else:
        solver = "newton-cholesky" if penalty.penalty == "l2" else "saga"
        model = LogisticRegression(
            C=1.0 / (design.n_obs * penalty.alpha), l1_ratio=penalty.l1_ratio, solver=solver,
            fit_intercept=True, tol=1e-12 if solver == "saga" else 1e-10, max_iter=100_000,
            warm_start=solver == "saga",
            random_state=0,  # saga visits rows in a random order: the same report every run
        )
        means = design.X[:, 1:].mean(axis=0)
        X = design.X[:, 1:] - means
        if solver == "saga":
            rate = float(design.y.mean())
            model.coef_ = np.zeros((1, X.shape[1]))
            model.intercept_ = np.array([np.log(rate / (1 - rate))])
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
                theirs = model.coef_.ravel().astype(np.float64) / scales
            else:
                slopes = model.coef_.ravel()
                intercept = float(model.intercept_[0])
                if solver == "saga":
                    intercept = _finish_intercept(X @ slopes, design.y, intercept)
                theirs = np.r_[intercept - means @ slopes, slopes]
            failed = not np.all(np.isfinite(theirs))
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            failed = True
    if failed:  # scikit-learn could not fit at all: the check fails, visibly
        theirs = np.full(design.X.shape[1], np.nan)
    converged = not failed and not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return SklearnRefit(solver, theirs, converged, sklearn.__version__)


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
    penalty: PenaltySpec | None = None,
) -> CrossCheck:
    """Compare scikit-learn's refit with statreport's estimate."""
    from scipy.special import expit

    with np.errstate(invalid="ignore", over="ignore"):
        probabilities = expit(design.X @ refit.params)
    ours = estimate.params
    # terms whose estimates diverge (quasi-separation) stop wherever each optimizer stops
    finite = np.array([name not in estimate.separated_terms for name in design.column_names])
    coef_diff = np.abs(refit.params - ours)[finite] if finite.any() else np.abs(refit.params - ours)
    ours = ours[finite] if finite.any() else ours
    prob_diff = float(np.max(np.abs(probabilities - estimate.probabilities)))
    relative = float(np.max(coef_diff / np.maximum(1.0, np.abs(ours))))
    if penalty is None:
        prob_tolerance, coef_tolerance = PROBABILITY_TOLERANCE, COEFFICIENT_TOLERANCE
    else:
        prob_tolerance, coef_tolerance = PENALIZED_PROBABILITY_TOLERANCE, PENALIZED_COEFFICIENT_TOLERANCE
    agreement = float(
        np.mean((probabilities > threshold) == (estimate.probabilities > threshold))
    )
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


class PendingRefit:
    """A scikit-learn refit under way; `result()` waits for it, `cancel()` stops it."""

    def __init__(self, design: Design, penalty: PenaltySpec | None, process: Any = None,
                 receive: Any = None) -> None:
        self.design, self.penalty = design, penalty
        self.process, self.receive = process, receive

    def result(self) -> SklearnRefit:
        if self.process is None:
            return refit_sklearn(self.design, self.penalty)
        try:
            outcome = self.receive.recv()
        except (EOFError, OSError):
            outcome = None
        self.process.join()
        self.process = None
        if outcome is None:  # the child failed: do the refit here
            return refit_sklearn(self.design, self.penalty)
        solver, params, converged, version = outcome
        return SklearnRefit(solver, np.asarray(params, dtype=np.float64), bool(converged), version)

    def cancel(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.join()
            self.process = None


def start_refit(design: Design, penalty: PenaltySpec | None = None) -> PendingRefit:
    """Begin the scikit-learn refit; `PendingRefit.result()` gives it.

    On large data (`PARALLEL_ROWS`) it runs beside the statsmodels fit, on the
    machine's second core, in a process forked now: the design is shared
    copy-on-write (sending it to the command line's `Helper` would copy it,
    1.1 GB at 1e7 rows), and the child imports scikit-learn itself. Smaller
    refits take milliseconds and run here, as do those where fork is
    unavailable, other threads are running, or the child fails.
    """
    import multiprocessing
    import threading

    if design.n_obs < PARALLEL_ROWS or "fork" not in multiprocessing.get_all_start_methods():
        return PendingRefit(design, penalty)
    if threading.active_count() > 1:  # forking beside a running thread is not safe
        return PendingRefit(design, penalty)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_refit_child, args=(design, penalty, send), daemon=True)
    try:
        process.start()
    except OSError:
        return PendingRefit(design, penalty)
    send.close()
    return PendingRefit(design, penalty, process, receive)


def _refit_child(design: Design, penalty: PenaltySpec | None, send: Any) -> None:
    try:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            refit = refit_sklearn(design, penalty)
        send.send((refit.solver, refit.params, refit.converged, refit.version))
    except BaseException:  # noqa: BLE001 - the parent redoes the refit itself
        send.send(None)
    finally:
        send.close()


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
