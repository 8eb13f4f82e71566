"""Firth's bias-reduced logistic regression, with profile penalized-likelihood inference.

Firth (1993) maximizes the log-likelihood penalized by Jeffreys' prior,

    l*(b) = l(b) + 0.5 log det(X' W X),    W = diag(p_i (1 - p_i)),

whose estimates are finite under complete and quasi-complete separation and
have less small-sample bias than maximum likelihood (Heinze & Schemper 2002).
Neither statsmodels nor scikit-learn offers Firth's method (statsmodels issue
#3561), which is why it is written here. What it computes follows R's
logistf, and the tests compare it with R (brglm2 and profile code in
tests/reference/firth):

- the estimate, by Newton's method on the modified score (the gradient of l*)
  ``U*_j = sum_i (y_i - p_i + h_i (0.5 - p_i)) x_ij`` (``h`` the diagonal of the
  hat matrix ``W^1/2 X (X'WX)^-1 X' W^1/2``), with the exact Hessian of l* up to
  `EXACT_HESSIAN_ROWS` rows and Fisher scoring (X'WX) above, steps capped at 5 (as
  logistf's) and halved until l* does not decrease;
- Wald standard errors from ``(X'WX)^-1`` at the estimate (as brglm2's);
- profile penalized-likelihood intervals and penalized likelihood-ratio tests
  per coefficient, where the fits with a coefficient held fixed keep the full
  model's penalty (as logistf's); each bound by a bracketed Newton iteration on
  the profile, whose derivative is free (`_bound`), each constrained fit started
  where the path of constrained maxima is heading (`_Profile`);
- the penalized likelihood-ratio test of the whole model against logistf's null
  model (intercept only, the full model's penalty);
- FLIC (Puhr et al. 2017, Stat Med 36:2302): the Firth slopes with the intercept
  re-estimated by maximum likelihood, so that the mean fitted probability is the
  event rate; the fitted probabilities are those.

Every pass over the rows goes through blocks of `BLOCK_ROWS` rows: memory is the
design plus a few vectors of length n, never an n x n matrix. The hat values come
from the Cholesky factor of the (equilibrated) information matrix.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..errors import FitError, UsageError
from ..result import Capabilities, ReportWarning
from .base import Estimate, SklearnRefit, WithoutOptions
from .profile import MAX_ITERATIONS, MAX_STEP, Likelihood, Profile, profile_interval

if TYPE_CHECKING:  # pragma: no cover
    from ..design import Design
    from ..progress import Stages

SOLVER = "Firth penalized likelihood (Newton, step-halving)"
FLIC_NOTE = ("FLIC-corrected: Firth's slopes with the intercept re-estimated so that the mean "
             "predicted probability equals the event rate")
#: Up to this many rows a Firth fit also says whether the data are separated (a linear
#: program over the distinct rows; the maximum-likelihood fit runs it only on symptoms).
SEPARATION_CHECK_ROWS = 50_000


@dataclass(frozen=True)
class FirthInfo:
    """What a Firth fit adds to the report: plain values only.

    penalized_log_likelihood : float
        l*(b) at the estimate (log-likelihood plus 0.5 log det of the information).
    null_penalized_log_likelihood : float
        l* of logistf's null model: intercept only (no coefficients at all without an
        intercept), with the full model's penalty.
    lr_chi2, lr_df, lr_p_value : float, int, float
        Penalized likelihood-ratio test of the whole model against that null.
    flic : bool
        Whether FLIC applies (the design has an intercept); if not, the fitted
        probabilities are Firth's own and ``flic_intercept`` is NaN.
    flic_intercept : float
        The intercept re-estimated by maximum likelihood with the Firth slopes fixed.
    firth_intercept : float
        The Firth estimate of the intercept (NaN without one).
    ci_method : str
        "profile" when every interval is a profile penalized-likelihood interval,
        "wald" when some fell back to Wald (``wald_fallback_terms``).
    ci_level : float
        Confidence level of the intervals.
    wald_fallback_terms : tuple of str
        Terms whose interval is Wald's because a profile bound was not found.
    wald_test_terms : tuple of str
        Terms whose p-value is Wald's because the constrained fit at zero failed.
    iterations : int
        Newton iterations of the estimate.
    max_abs_score : float
        Largest absolute modified score at the estimate.
    profile_fits : int
        Fits with one coefficient held fixed (for the intervals and tests) that were run.
    """

    penalized_log_likelihood: float
    null_penalized_log_likelihood: float
    lr_chi2: float
    lr_df: int
    lr_p_value: float
    flic: bool
    flic_intercept: float
    firth_intercept: float
    ci_method: str
    ci_level: float
    wald_fallback_terms: tuple[str, ...] = ()
    wald_test_terms: tuple[str, ...] = ()
    iterations: int = 0
    max_abs_score: float = float("nan")
    profile_fits: int = 0
    #: what the data are, checked by linear programming (`statreport.separation`): "none",
    #: "quasi" or "complete" separation, "unknown", or "unchecked" (above `SEPARATION_CHECK_ROWS`)
    separation: str = "unchecked"
    separated_terms: tuple[str, ...] = ()  # the design columns whose ML estimates would be infinite


def _flic_intercept(offset: np.ndarray, y: np.ndarray, start: float) -> float:
    """Maximum-likelihood intercept with ``offset`` fixed: the root of sum(y - expit(a + offset)),
    by Newton's method inside a bracket (the score decreases in ``a``)."""
    from scipy.special import expit

    events = float(y.sum())
    lo, hi = -math.inf, math.inf
    a = start
    for _ in range(200):
        p = expit(a + offset)
        g = events - float(p.sum())
        if g == 0:
            return a
        if g > 0:
            lo = a
        else:
            hi = a
        slope = float((p * expit(-(a + offset))).sum())
        step = g / slope if slope > 0 else math.copysign(1.0, g)
        step = max(min(step, MAX_STEP), -MAX_STEP)
        candidate = a + step
        if not (lo < candidate < hi):
            candidate = (lo + hi) / 2 if math.isfinite(lo) and math.isfinite(hi) else a + 2 * step
        if abs(candidate - a) <= 1e-15 * max(1.0, abs(a)):
            return candidate
        a = candidate
    return a


def fit_firth(design: Design, *, ci_level: float,
              on_progress: Callable[[str], None] | None = None) -> Estimate:
    """Fit the logistic model by Firth's penalized likelihood, with profile inference.

    Parameters
    ----------
    design
        Outcome (n,) and design matrix (n, k).
    ci_level
        Confidence level of the profile penalized-likelihood intervals, in (0, 1).
    on_progress
        Told which term's profile is being computed ("profile intervals, term 3/14"):
        on large data the profiles take most of the time.

    Returns
    -------
    Estimate
        ``params`` (k,) Firth's estimates; ``cov`` (k, k) the inverse information at
        them (Wald); ``log_likelihood`` the unpenalized log-likelihood there;
        ``probabilities`` (n,) FLIC-corrected fitted probabilities (Firth's own without
        an intercept); ``intervals`` (k, 2) profile penalized-likelihood bounds (Wald for
        the terms in ``details.wald_fallback_terms``); ``p_values`` (k,) penalized
        likelihood-ratio tests of each coefficient against zero (chi-square, 1 df);
        ``model_test`` (chi2, df, p) against logistf's null model; ``details`` a
        `FirthInfo`.

    Raises
    ------
    FitError
        If the design is singular (redundant columns).
    UsageError
        If ``ci_level`` is not strictly between 0 and 1.
    """
    from scipy.stats import chi2

    from .singular import redundant_columns, singular_message

    if not (isinstance(ci_level, (float, int)) and 0 < ci_level < 1):
        raise UsageError(f"ci_level must be strictly between 0 and 1; got {ci_level!r}")
    redundant = redundant_columns(design.X, design.column_names)
    if redundant:
        raise FitError(singular_message(design, redundant))
    names = design.column_names
    k = len(names)
    model = Likelihood(design.X, design.y)
    everything = np.arange(k, dtype=np.intp)
    start = np.zeros(k)
    if design.has_intercept:
        rate = float(design.y.mean())
        start[names.index("Intercept")] = math.log(rate / (1 - rate))
    best, score, converged, iterations = model.maximize(start, everything)
    if best.root is None or not np.all(np.isfinite(best.b)):
        raise FitError(
            "the Firth fit broke down numerically (the information matrix is not positive "
            "definite); rescale very large columns (other units, or log) and refit"
        )
    params = best.b.copy()
    cov = best.covariance()
    se = np.sqrt(np.diag(cov))
    found: list[ReportWarning] = []
    if not converged:
        found.append(ReportWarning(
            "not_converged",
            f"the Firth fit did not converge: Newton's method stopped after {iterations} of "
            f"{MAX_ITERATIONS} iterations without meeting its tolerance (largest modified "
            f"score {float(np.max(np.abs(score))):.3g}); the estimates may be inaccurate",
        ))

    # per-coefficient profiles: the two bounds and the test at zero
    critical = float(chi2.ppf(ci_level, 1))
    fits_before = model.fits
    intervals = np.empty((k, 2))
    p_values = np.empty(k)
    fallback: list[str] = []
    wald_tests: list[str] = []
    for j in range(k):
        if on_progress is not None:  # the profiles are most of the time on large data
            on_progress(f"profile intervals, term {j + 1}/{k}")
        bounds, profiles = profile_interval(model, best, j, critical)
        if bounds is None:
            fallback.append(names[j])
            half = math.sqrt(critical) * se[j]
            bounds = (params[j] - half, params[j] + half)
        intervals[j] = bounds
        # the test at zero starts from the fit nearest to zero: the estimate or a bound's
        nearest = min([Profile(model, j, best.penalized, best), *profiles],
                      key=lambda profile: abs(float(profile.anchor.b[j])))
        at_zero = nearest.at(0.0)
        if at_zero is None:
            wald_tests.append(names[j])
            p_values[j] = float(chi2.sf((params[j] / se[j]) ** 2, 1))
        else:
            p_values[j] = float(chi2.sf(max(at_zero[0], 0.0), 1))
    profile_fits = model.fits - fits_before
    if fallback:
        found.append(ReportWarning(
            "wald_intervals",
            f"the profile penalized-likelihood interval was not found for {_listed(fallback)}; "
            "Wald intervals are shown for them instead",
        ))
    if wald_tests:
        found.append(ReportWarning(
            "wald_tests",
            f"the penalized likelihood-ratio test failed for {_listed(wald_tests)}; "
            "Wald p-values are shown for them instead",
        ))

    # the whole model against logistf's null: intercept only, the full model's penalty
    if design.has_intercept:
        intercept = names.index("Intercept")
        null_point, _, null_converged, _ = model.maximize(start, np.array([intercept], dtype=np.intp))
        lr_df = k - 1
    else:
        null_point, null_converged = model.point(np.zeros(k)), True
        lr_df = k
    if not null_converged:
        found.append(ReportWarning(
            "not_converged",
            "the Firth fit of the null model (intercept only) did not converge; the "
            "likelihood-ratio test of the whole model may be inaccurate",
        ))
    lr_chi2 = max(2.0 * (best.penalized - null_point.penalized), 0.0)
    lr_p_value = float(chi2.sf(lr_chi2, lr_df)) if lr_df > 0 else float("nan")

    # FLIC: the Firth slopes, the intercept by maximum likelihood
    if design.has_intercept:
        intercept = names.index("Intercept")
        slopes = params.copy()
        slopes[intercept] = 0.0
        offset = design.X @ slopes
        flic_intercept = _flic_intercept(offset, design.y, float(params[intercept]))
        from scipy.special import expit

        probabilities = expit(flic_intercept + offset)
        firth_intercept = float(params[intercept])
    else:
        flic_intercept = firth_intercept = float("nan")
        probabilities = best.p.copy()

    details = FirthInfo(
        penalized_log_likelihood=float(best.penalized),
        null_penalized_log_likelihood=float(null_point.penalized),
        lr_chi2=float(lr_chi2),
        lr_df=int(lr_df),
        lr_p_value=lr_p_value,
        flic=design.has_intercept,
        flic_intercept=float(flic_intercept),
        firth_intercept=firth_intercept,
        ci_method="wald" if fallback else "profile",
        ci_level=float(ci_level),
        wald_fallback_terms=tuple(fallback),
        wald_test_terms=tuple(wald_tests),
        iterations=int(iterations),
        max_abs_score=float(np.max(np.abs(score))),
        profile_fits=profile_fits,
    )
    return Estimate(
        method="firth",
        params=params,
        cov=cov,
        log_likelihood=float(best.log_likelihood),
        converged=converged,
        iterations=int(iterations),
        probabilities=probabilities,
        warnings=tuple(found),
        max_iterations=MAX_ITERATIONS,
        solver=SOLVER,
        intervals=intervals,
        p_values=p_values,
        model_test=(float(lr_chi2), int(lr_df), lr_p_value),
        model_test_kind="penalized likelihood-ratio",
        probabilities_note=(FLIC_NOTE if design.has_intercept else ""),
        details=details,
        prediction_params=(
            np.where(np.arange(len(params)) == names.index("Intercept"), flic_intercept, params)
            if design.has_intercept else None),
    )


def hat_values(design: Design, params: np.ndarray) -> np.ndarray:
    """Diagonal of the hat matrix W^1/2 X (X'WX)^-1 X' W^1/2 at ``params``, shape (n,)."""
    model = Likelihood(design.X, design.y)
    point = model.point(np.asarray(params, dtype=np.float64))
    if point.root is None:
        raise FitError("the information matrix is not positive definite at these estimates")
    return model.hat(point)


def refit_augmented(design: Design, estimate: Estimate) -> SklearnRefit:
    """The cross-check: Firth's estimate as the fixed point of a weighted maximum-likelihood fit.

    scikit-learn has no Firth's method, but Firth's modified score is the ordinary
    score of augmented data: each row twice, with its own outcome at weight
    ``1 + h/2`` and with the opposite outcome at weight ``h/2`` (``h`` the hat values
    at the Firth estimate). scikit-learn's unpenalized `LogisticRegression`
    (Newton-Cholesky, no separate intercept) on those rows, with the design's
    columns divided by powers of two as `refit_sklearn` does, must land on the
    Firth estimate.

    Returns
    -------
    SklearnRefit
        scikit-learn's coefficients (k,) on the design's scale; NaN if it failed.
    """
    import warnings

    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    from ..crosscheck import power_of_two_scales

    solver = "newton-cholesky on augmented data (Firth fixed point)"
    n, k = design.X.shape
    h = hat_values(design, estimate.params)
    scales = power_of_two_scales(design.X)
    X = np.empty((2 * n, k))  # row-major, as scikit-learn would copy it anyway
    np.divide(design.X, scales, out=X[:n])
    X[n:] = X[:n]
    y = np.concatenate([design.y, 1.0 - design.y])
    weights = np.concatenate([1.0 + h / 2, h / 2])
    model = LogisticRegression(C=np.inf, solver="newton-cholesky", fit_intercept=False, tol=1e-10,
                               max_iter=200)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.fit(X, y, sample_weight=weights)
            params = model.coef_.ravel().astype(np.float64) / scales
            failed = not np.all(np.isfinite(params))
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            failed = True
    if failed:
        params = np.full(k, np.nan)
    converged = not failed and not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return SklearnRefit(solver, params, converged, sklearn.__version__)


def _listed(terms: list[str]) -> str:
    quoted = [f"'{t}'" for t in terms]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


@dataclass(frozen=True)
class Firth(WithoutOptions):
    """Firth's bias-reduced penalized likelihood (`fit_firth`): finite estimates under
    separation, profile penalized-likelihood intervals, penalized likelihood-ratio
    tests, FLIC-corrected predicted probabilities; cross-checked by scikit-learn's
    weighted fit of the augmented data (`refit_augmented`)."""

    name: ClassVar[str] = "firth"
    label: ClassVar[str] = "Firth's penalized likelihood (bias-reduced; Jeffreys prior)"
    capabilities: ClassVar[Capabilities] = Capabilities(
        intervals="profile", tests="lr", model_test=True, information_criteria=False,
        term_tests=False,  # a term's penalized LR test keeps the full model's penalty: not yet
    )
    tolerances: ClassVar[tuple[float, float]] = (1e-6, 1e-4)
    refit_needs_estimate: ClassVar[bool] = True  # the augmented data's weights are the hat values

    def fit(self, design: Design, *, ci_level: float, stage: Stages) -> Estimate:
        """`fit_firth`, and whether the data are separated (the reason to use Firth's method,
        which the report states), up to `SEPARATION_CHECK_ROWS` rows."""
        estimate = fit_firth(design, ci_level=ci_level, on_progress=stage.progress("fitting"))
        if design.n_obs > SEPARATION_CHECK_ROWS:
            return estimate
        from ..separation import detect_separation

        found = detect_separation(design.X, design.y, design.column_names)
        details = dataclasses.replace(estimate.details, separation=found.kind, separated_terms=found.terms)
        return dataclasses.replace(estimate, details=details)

    def refit(self, design: Design, estimate: Estimate | None) -> SklearnRefit:
        if estimate is None:  # pragma: no cover - refit_needs_estimate
            raise ValueError("Firth's cross-check refits the augmented data at the estimate")
        return refit_augmented(design, estimate)
