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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..errors import FitError, UsageError
from ..result import Capabilities, ReportWarning
from .base import Estimate, SklearnRefit, WithoutOptions

if TYPE_CHECKING:  # pragma: no cover
    from ..design import Design
    from ..progress import Stages

#: Newton iterations allowed for the estimate and for each constrained fit.
MAX_ITERATIONS = 100
#: Largest change of any coefficient in one step, as logistf's ``maxstep``.
MAX_STEP = 5.0
#: Step-halvings tried before a step counts as failed.
MAX_HALVINGS = 40
#: Convergence: the largest Newton step, in units of each column's largest magnitude
#: (its effect on the linear predictor) ...
STEP_TOLERANCE = 1e-10
#: ... and the largest modified score, in the same units, below this times max(1, sqrt(n)).
SCORE_TOLERANCE = 1e-10
#: A constrained fit for a profile stops after a full Newton step this small (`_Model.maximize`).
PROFILE_SETTLE = 1e-5
#: Profile bounds stop when the root finder's step is below this many standard errors.
BOUND_TOLERANCE = 1e-10
#: Evaluations of the profile allowed per bound before falling back to Wald.
MAX_BOUND_EVALUATIONS = 100
#: Rows per block in every pass over the design.
BLOCK_ROWS = 8_192
#: Up to this many rows Newton uses the exact Hessian of l*; above, Fisher scoring (X'WX),
#: whose convergence is then fast anyway (the penalty's curvature shrinks with n).
EXACT_HESSIAN_ROWS = 50_000
#: Rows per block where the exact Hessian is formed (a k*k-row temporary per block).
HESSIAN_BLOCK_ROWS = 4_096

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


@dataclass(frozen=True, eq=False)
class _Point:
    """The model at coefficients ``b``: what one pass over the rows gives."""

    b: np.ndarray  # (k,)
    p: np.ndarray  # (n,) fitted probabilities
    sqrt_w: np.ndarray  # (n,) sqrt(p (1 - p))
    log_likelihood: float
    information: np.ndarray  # (k, k) X'WX
    scale: np.ndarray  # (k,) sqrt of the information's diagonal (equilibration)
    root: np.ndarray | None  # (k, k) M = L^-1 D^-1, M' M = (X'WX)^-1; None if not positive definite
    penalized: float  # l*(b); -inf where the information is not positive definite

    def covariance(self) -> np.ndarray:
        """(X'WX)^-1, shape (k, k)."""
        assert self.root is not None
        return self.root.T @ self.root


def _solve_positive(matrix: np.ndarray, rhs: np.ndarray) -> np.ndarray | None:
    """``matrix^-1 rhs`` by Cholesky on the equilibrated matrix; None unless positive definite."""
    diagonal = np.diag(matrix)
    if not np.all(diagonal > 0):  # also NaN
        return None
    d = np.sqrt(diagonal)
    try:
        factor = np.linalg.cholesky(matrix / np.outer(d, d))
    except np.linalg.LinAlgError:
        return None
    inner = np.linalg.solve(factor.T, np.linalg.solve(factor, rhs / d))
    return inner / d


class _Model:
    """The penalized likelihood of one design: passes over its rows, in blocks."""

    def __init__(self, X: np.ndarray, y: np.ndarray) -> None:
        self.X, self.y = X, y
        self.n, self.k = X.shape
        magnitude = np.maximum(X.max(axis=0, initial=0.0), -X.min(axis=0, initial=0.0))
        self.magnitude = np.where(magnitude > 0, magnitude, 1.0)
        self.score_tolerance = SCORE_TOLERANCE * max(1.0, math.sqrt(self.n))
        self.exact = self.n <= EXACT_HESSIAN_ROWS
        self.fits = 0

    def _blocks(self, size: int = BLOCK_ROWS) -> Iterator[slice]:
        return (slice(start, start + size) for start in range(0, self.n, size))

    def point(self, b: np.ndarray) -> _Point:
        """Probabilities, log-likelihood, information and l* at ``b``: one pass."""
        from scipy.special import expit, log_expit

        b = np.asarray(b, dtype=np.float64)
        p = np.empty(self.n)
        sqrt_w = np.empty(self.n)
        information = np.zeros((self.k, self.k))
        log_likelihood = 0.0
        with np.errstate(under="ignore"):
            for rows in self._blocks():
                block = self.X[rows]
                eta = block @ b
                # log(1 - p) = log_expit(-eta) and p (1 - p) = expit(eta) expit(-eta): accurate
                # in both tails, where 1 - p would round
                log_likelihood += float(self.y[rows] @ eta + log_expit(-eta).sum())
                fitted = expit(eta, out=p[rows])
                np.sqrt(fitted * expit(-eta), out=sqrt_w[rows])
                weighted = block * sqrt_w[rows, None]
                information += weighted.T @ weighted
        information = (information + information.T) / 2
        scale = np.sqrt(np.diag(information))
        root = None
        penalized = -math.inf
        if np.all(scale > 0) and np.all(np.isfinite(information)) and math.isfinite(log_likelihood):
            try:
                factor = np.linalg.cholesky(information / np.outer(scale, scale))
            except np.linalg.LinAlgError:
                factor = None
            if factor is not None:
                log_det = 2.0 * float(np.log(np.diag(factor)).sum() + np.log(scale).sum())
                penalized = log_likelihood + 0.5 * log_det
                root = np.linalg.solve(factor, np.diag(1.0 / scale))
        return _Point(b, p, sqrt_w, log_likelihood, information, scale, root, penalized)

    def hat(self, point: _Point) -> np.ndarray:
        """Diagonal of the hat matrix W^1/2 X (X'WX)^-1 X' W^1/2 at ``point``, shape (n,)."""
        assert point.root is not None
        h = np.empty(self.n)
        for rows in self._blocks():
            z = point.root @ (self.X[rows] * point.sqrt_w[rows, None]).T  # (k, rows)
            h[rows] = np.einsum("ij,ij->j", z, z)
        return h

    def derivatives(self, point: _Point) -> tuple[np.ndarray, np.ndarray]:
        """Firth's modified score U* (k,) at ``point``, and the matrix Newton divides it by
        (k, k): the exact negative Hessian of l* when `exact`, else X'WX (Fisher scoring).

        With c_i = w_i (1 - 2 p_i), u_i = M x_i (M' M = (X'WX)^-1) and h_i = w_i |u_i|^2,
        the penalty 0.5 log det(X'WX) has the Hessian
        ``0.5 X' diag(h (1 - 6 w)) X - 0.5 G' G``, where column r of G (k*k, k) is
        ``sum_i c_i x_ir vec(u_i u_i')``, so that (G' G)_rs = tr(A^-1 A_r A^-1 A_s) with
        A_r the derivative of A = X'WX in b_r; the log-likelihood's own Hessian is -X'WX.
        """
        assert point.root is not None
        score = np.zeros(self.k)
        curvature = np.zeros((self.k, self.k))
        gram = np.zeros((self.k * self.k, self.k))
        for rows in self._blocks(HESSIAN_BLOCK_ROWS if self.exact else BLOCK_ROWS):
            block = np.ascontiguousarray(self.X[rows]) if self.exact else self.X[rows]
            p, sqrt_w = point.p[rows], point.sqrt_w[rows]
            u = point.root @ block.T  # (k, rows)
            z = u * sqrt_w
            h = np.einsum("ij,ij->j", z, z)
            score += (self.y[rows] - p + h * (0.5 - p)) @ block
            if self.exact:
                w = sqrt_w * sqrt_w
                curvature += (block * (h * (1.0 - 6.0 * w))[:, None]).T @ block
                outer = (u[:, None, :] * u[None, :, :]).reshape(self.k * self.k, -1)  # (k*k, rows)
                gram += outer @ (block * (w * (1.0 - 2.0 * p))[:, None])
        if not self.exact:
            return score, point.information
        hessian = point.information - 0.5 * curvature + 0.5 * gram.T @ gram
        return score, (hessian + hessian.T) / 2

    def maximize(self, start: np.ndarray, free: np.ndarray, *, settle: float = 0.0
                 ) -> tuple[_Point, np.ndarray, bool, int]:
        """Maximize l* over the ``free`` coefficients, the others held at ``start``'s values.

        Newton's method with the exact Hessian (Fisher scoring where it is not negative
        definite, and on large data), the step capped at `MAX_STEP` and halved until l*
        does not decrease. Converged when the step and the score meet `STEP_TOLERANCE`
        and `SCORE_TOLERANCE`, or when neither the last step nor the next can change l*
        beyond its rounding error; with ``settle``, also after a full step no larger than
        that (in the same units): what is left after it is of the order of its square
        (Newton) or a small fraction of it (Fisher scoring on large data), and l* there
        is off by the square of that, so the score is not evaluated again but
        extrapolated (profiles need l* and, for their derivative, roughly the score).
        Returns the final point, its modified score, whether it converged and the
        number of Newton iterations.
        """
        self.fits += 1
        current = self.point(start)
        if current.root is None:
            return current, np.full(self.k, np.nan), False, 0
        stalled = False
        for iteration in range(MAX_ITERATIONS + 1):
            score, matrix = self.derivatives(current)
            if free.size == 0:
                return current, score, True, iteration
            step = _solve_positive(matrix[np.ix_(free, free)], score[free])
            newton = step is not None and self.exact
            if step is None:  # l* is not concave here: Fisher scoring
                step = _solve_positive(current.information[np.ix_(free, free)], score[free])
            if step is None:
                return current, score, False, iteration
            largest = float(np.max(np.abs(step)))
            if largest > MAX_STEP:
                step *= MAX_STEP / largest
            if (np.max(np.abs(step) * self.magnitude[free]) <= STEP_TOLERANCE
                    and np.max(np.abs(score[free]) / self.magnitude[free]) <= self.score_tolerance):
                return current, score, True, iteration
            rounding = 16 * np.finfo(float).eps * max(1.0, abs(current.penalized))
            if stalled and 0.5 * float(score[free] @ step) <= rounding:
                # the last step gained nothing above rounding and the next promises no more:
                # converged as far as l* can tell (an ill-conditioned fit, far in a tail)
                return current, score, True, iteration
            if iteration == MAX_ITERATIONS:
                break
            floor = current.penalized - 1e-13 * max(1.0, abs(current.penalized))
            for halving in range(MAX_HALVINGS):
                b = current.b.copy()
                b[free] += np.ldexp(step, -halving)
                trial = self.point(b)
                if trial.penalized >= floor:
                    break
            else:  # no step improves l*: stuck short of the tolerance
                return current, score, False, iteration
            if halving == 0 and np.max(np.abs(step) * self.magnitude[free]) <= settle:
                return trial, score - matrix[:, free] @ step, True, iteration + 1
            stalled = bool(trial.penalized - current.penalized <= rounding)
            if halving == 0 and self.exact and not newton:
                # where l* is not concave (near a saddle point of it, say) Fisher steps are
                # timid: go further while l* keeps rising
                trial = self._extend(trial, step, free, largest)
            current = trial
        return current, score, False, MAX_ITERATIONS


    def _extend(self, trial: _Point, step: np.ndarray, free: np.ndarray, largest: float) -> _Point:
        """From ``trial``, reached by ``step``, further steps as long as l* rises, each twice
        the last, up to `MAX_STEP` in all."""
        total = 1.0
        while total * 3 * min(largest, MAX_STEP) <= MAX_STEP:
            b = trial.b.copy()
            b[free] += 2 * total * step
            further = self.point(b)
            if not further.penalized > trial.penalized:
                break
            trial, total = further, 3 * total
        return trial


@dataclass
class _Profile:
    """The profile of one coefficient: constrained fits warm-started from the last one."""

    model: _Model
    j: int
    best: float  # l* at the estimate
    anchor: _Point  # the last constrained fit, where the next starts from
    previous: tuple[float, np.ndarray] | None = None  # the fit before: b_j and the path's slope

    def _slope(self, point: _Point, free: np.ndarray) -> np.ndarray | None:
        """How the constrained maximum moves with b_j, to first order: -(I_FF)^-1 I_Fj."""
        info = point.information
        return _solve_positive(info[np.ix_(free, free)], -info[free, self.j])

    def at(self, value: float) -> tuple[float, float] | None:
        """2 (l*_max - l*_profile(value)) and its derivative in ``value``; None
        if the constrained fit failed. The derivative is -2 U*_j at the constrained
        maximum (the envelope theorem: the free coordinates' score is zero there).

        The fit starts where the path of constrained maxima is heading: from the last
        fit along its slope, bent by how the slope changed since the fit before."""
        model, j = self.model, self.j
        free = np.array([i for i in range(model.k) if i != j], dtype=np.intp)
        start = self.anchor.b.copy()
        here = float(start[j])
        slope = self._slope(self.anchor, free) if free.size else None
        if slope is not None:
            delta = value - here
            start[free] += delta * slope
            if self.previous is not None and self.previous[0] != here:
                bend = (slope - self.previous[1]) / (here - self.previous[0])
                start[free] += 0.5 * delta * delta * bend
        start[j] = value
        point, score, converged, _ = model.maximize(start, free, settle=PROFILE_SETTLE)
        if not converged or not math.isfinite(point.penalized):
            return None
        if slope is not None:
            self.previous = (here, slope)
        self.anchor = point
        return 2.0 * (self.best - point.penalized), -2.0 * float(score[j])


def _bound(profile: _Profile, estimate: float, se: float, critical: float, direction: int) -> float | None:
    """Where 2 (l*_max - profile) reaches ``critical`` on one side of ``estimate``.

    Newton's method on ``g(s) = 2 (l*_max - profile(estimate + direction * s)) - critical``
    with its exact derivative, from the Wald bound, kept inside a bracket: outward until
    g > 0, then bisection whenever a Newton step leaves the bracket or does not halve |g|.
    Stops when the next step, or the error left after it (Newton converges
    quadratically: about g''/(2 g') times the step squared, g'' from the last two
    derivatives), is below `BOUND_TOLERANCE` standard errors, or below what l*'s
    rounding allows. None if a constrained fit fails or the bound is not found in
    `MAX_BOUND_EVALUATIONS`.
    """
    inner, outer = 0.0, math.inf  # g(inner) < 0 <= g(outer)
    s = math.sqrt(critical) * se  # the Wald bound
    last_g = -critical
    last: tuple[float, float] | None = None  # the previous s and g'(s)
    # g is a difference of two l* values: its rounding error is about eps * |l*|
    tolerance = se * max(BOUND_TOLERANCE, 8 * np.finfo(float).eps * abs(profile.best))
    for _ in range(MAX_BOUND_EVALUATIONS):
        found = profile.at(estimate + direction * s)
        if found is None or not math.isfinite(found[0]):
            return None
        g, derivative = found[0] - critical, direction * found[1]
        if g < 0:
            inner = s
        else:
            outer = s
        newton = s - g / derivative if derivative > 0 else math.nan
        converging = True
        if math.isfinite(outer):
            if not inner < newton < outer or abs(g) > 0.5 * abs(last_g):
                newton, converging = (inner + outer) / 2, False
        elif not newton > s:  # also NaN
            newton, converging = 2.0 * s, False
        elif newton > 4.0 * s:  # outward, but not too far before a bracket exists
            newton, converging = 4.0 * s, False
        step = abs(newton - s)
        if step <= tolerance or (math.isfinite(outer) and outer - inner <= tolerance):
            return estimate + direction * newton
        if converging and last is not None and last[0] != s and step <= 1e-3 * se:
            curvature = (derivative - last[1]) / (s - last[0])
            if abs(curvature) / (2 * derivative) * step * step <= tolerance:
                return estimate + direction * newton
        last_g, last = g, (s, derivative)
        s = newton
    return None


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
    model = _Model(design.X, design.y)
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
        profiles = [_Profile(model, j, best.penalized, best) for _ in range(2)]
        bounds = [_bound(profile, float(params[j]), float(se[j]), critical, direction)
                  for profile, direction in zip(profiles, (-1, 1), strict=True)]
        if any(b is None for b in bounds):
            fallback.append(names[j])
            half = math.sqrt(critical) * se[j]
            bounds = [params[j] - half, params[j] + half]
        intervals[j] = bounds
        # the test at zero starts from the fit nearest to zero: the estimate or a bound's
        nearest = min([_Profile(model, j, best.penalized, best), *profiles],
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
    )


def hat_values(design: Design, params: np.ndarray) -> np.ndarray:
    """Diagonal of the hat matrix W^1/2 X (X'WX)^-1 X' W^1/2 at ``params``, shape (n,)."""
    model = _Model(design.X, design.y)
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
