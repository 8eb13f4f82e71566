"""The log-likelihood of a logistic model, plain or with Firth's penalty, and its profiles.

`Likelihood` makes passes over a design's rows in blocks (memory: the design plus a
few vectors of length n) and maximizes l over any subset of the coefficients, the
others held fixed, by Newton's method with step-halving. With ``penalized`` it is
Firth's l*(b) = l(b) + 0.5 log det(X'WX) (`statreport.estimators.firth`); without,
the plain log-likelihood, whose profiles give maximum likelihood's
profile-likelihood intervals (R's ``confint`` for a glm, SAS's ``CLPARM=PL``).

statsmodels has no profile-likelihood intervals (its issue #2016, open since
2014) and scikit-learn none at all, which is why they are written here. Each
bound is a bracketed Newton iteration on the profile, whose derivative is free
(`profile_bound`); each constrained fit starts where the path of constrained
maxima is heading (`Profile`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

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
#: A constrained fit for a profile stops after a full Newton step this small (`Likelihood.maximize`).
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


@dataclass(frozen=True, eq=False)
class Point:
    """The model at coefficients ``b``: what one pass over the rows gives."""

    b: np.ndarray  # (k,)
    p: np.ndarray  # (n,) fitted probabilities
    sqrt_w: np.ndarray  # (n,) sqrt(p (1 - p))
    log_likelihood: float
    information: np.ndarray  # (k, k) X'WX
    scale: np.ndarray  # (k,) sqrt of the information's diagonal (equilibration)
    root: np.ndarray | None  # (k, k) M = L^-1 D^-1, M' M = (X'WX)^-1; None if not positive definite
    penalized: float  # l*(b); -inf where the information is not positive definite
    #: how far l* may be off by rounding: the linear predictors sum terms as large as
    #: |x_ij b_j|, each off by eps of its size
    rounding: float = 0.0

    def covariance(self) -> np.ndarray:
        """(X'WX)^-1, shape (k, k)."""
        assert self.root is not None
        return self.root.T @ self.root


def solve_positive(matrix: np.ndarray, rhs: np.ndarray) -> np.ndarray | None:
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


class Likelihood:
    """The log-likelihood of one design, Firth-penalized or plain: passes over its rows,
    in blocks.

    With ``penalized`` False, l* below is the plain log-likelihood l, its modified
    score the score X'(y - p) and X'WX its exact negative Hessian.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, *, penalized: bool = True) -> None:
        self.X, self.y = X, y
        self.n, self.k = X.shape
        self.penalized = penalized
        magnitude = np.maximum(X.max(axis=0, initial=0.0), -X.min(axis=0, initial=0.0))
        self.magnitude = np.where(magnitude > 0, magnitude, 1.0)
        # (k,) the sum of |x_ij| over the rows, a block at a time (no n x k copy)
        self.column_sums = sum((np.abs(X[rows]).sum(axis=0) for rows in self._blocks()), np.zeros(self.k))
        self.score_tolerance = SCORE_TOLERANCE * max(1.0, math.sqrt(self.n))
        # the plain log-likelihood's Hessian, -X'WX, is exact at every size
        self.exact = not penalized or self.n <= EXACT_HESSIAN_ROWS
        # Firth's steps are capped as logistf's; the plain log-likelihood is concave, and
        # halving alone keeps its steps safe (a cap would stall coefficients on large scales)
        self.max_step = MAX_STEP if penalized else math.inf
        self.fits = 0

    def _blocks(self, size: int = BLOCK_ROWS) -> Iterator[slice]:
        return (slice(start, start + size) for start in range(0, self.n, size))

    def point(self, b: np.ndarray) -> Point:
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
                penalized = log_likelihood + 0.5 * log_det if self.penalized else log_likelihood
                root = np.linalg.solve(factor, np.diag(1.0 / scale))
        spread = float(np.abs(b) @ self.column_sums) if np.all(np.isfinite(b)) else math.inf
        rounding = 16 * np.finfo(float).eps * max(1.0, abs(penalized), spread)
        return Point(b, p, sqrt_w, log_likelihood, information, scale, root, penalized, rounding)

    def hat(self, point: Point) -> np.ndarray:
        """Diagonal of the hat matrix W^1/2 X (X'WX)^-1 X' W^1/2 at ``point``, shape (n,)."""
        assert point.root is not None
        h = np.empty(self.n)
        for rows in self._blocks():
            z = point.root @ (self.X[rows] * point.sqrt_w[rows, None]).T  # (k, rows)
            h[rows] = np.einsum("ij,ij->j", z, z)
        return h

    def derivatives(self, point: Point) -> tuple[np.ndarray, np.ndarray]:
        """Firth's modified score U* (k,) at ``point``, and the matrix Newton divides it by
        (k, k): the exact negative Hessian of l* when `exact`, else X'WX (Fisher scoring).

        With c_i = w_i (1 - 2 p_i), u_i = M x_i (M' M = (X'WX)^-1) and h_i = w_i |u_i|^2,
        the penalty 0.5 log det(X'WX) has the Hessian
        ``0.5 X' diag(h (1 - 6 w)) X - 0.5 G' G``, where column r of G (k*k, k) is
        ``sum_i c_i x_ir vec(u_i u_i')``, so that (G' G)_rs = tr(A^-1 A_r A^-1 A_s) with
        A_r the derivative of A = X'WX in b_r; the log-likelihood's own Hessian is -X'WX.
        """
        assert point.root is not None
        if not self.penalized:
            return (self.y - point.p) @ self.X, point.information
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
                 ) -> tuple[Point, np.ndarray, bool, int]:
        """Maximize l* over the ``free`` coefficients, the others held at ``start``'s values.

        Newton's method with the exact Hessian (Fisher scoring where it is not negative
        definite, and on large data), the step capped at `max_step` and halved until l*
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
            step = solve_positive(matrix[np.ix_(free, free)], score[free])
            newton = step is not None and self.exact
            if step is None:  # l* is not concave here: Fisher scoring
                step = solve_positive(current.information[np.ix_(free, free)], score[free])
            if step is None:
                return current, score, False, iteration
            largest = float(np.max(np.abs(step)))
            if largest > self.max_step:
                step *= self.max_step / largest
            if (np.max(np.abs(step) * self.magnitude[free]) <= STEP_TOLERANCE
                    and np.max(np.abs(score[free]) / self.magnitude[free]) <= self.score_tolerance):
                return current, score, True, iteration
            rounding = current.rounding
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
            stalled = bool(trial.penalized - current.penalized <= current.rounding)
            if halving == 0 and self.exact and not newton:
                # where l* is not concave (near a saddle point of it, say) Fisher steps are
                # timid: go further while l* keeps rising
                trial = self._extend(trial, step, free, largest)
            current = trial
        return current, score, False, MAX_ITERATIONS


    def _extend(self, trial: Point, step: np.ndarray, free: np.ndarray, largest: float) -> Point:
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
class Profile:
    """The profile of one coefficient: constrained fits warm-started from the last one."""

    model: Likelihood
    j: int
    best: float  # l* at the estimate
    anchor: Point  # the last constrained fit, where the next starts from
    previous: tuple[float, np.ndarray] | None = None  # the fit before: b_j and the path's slope

    def _slope(self, point: Point, free: np.ndarray) -> np.ndarray | None:
        """How the constrained maximum moves with b_j, to first order: -(I_FF)^-1 I_Fj."""
        info = point.information
        return solve_positive(info[np.ix_(free, free)], -info[free, self.j])

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


def profile_bound(profile: Profile, estimate: float, se: float, critical: float,
                  direction: int) -> float | None:
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



def profile_interval(model: Likelihood, best: Point, j: int, critical: float
                     ) -> tuple[tuple[float, float] | None, tuple[Profile, Profile]]:
    """The profile interval of coefficient ``j``: where 2 (l*_max - profile) reaches
    ``critical`` (the chi-square quantile of the level, 1 df) on each side of the
    maximum ``best``, from its Wald bounds. None if a bound was not found; also the
    two profiles, each left at its bound's constrained fit (a start for more)."""
    estimate = float(best.b[j])
    se = math.sqrt(float(best.covariance()[j, j]))
    profiles = (Profile(model, j, best.penalized, best), Profile(model, j, best.penalized, best))
    low, high = (profile_bound(profile, estimate, se, critical, direction)
                 for profile, direction in zip(profiles, (-1, 1), strict=True))
    if low is None or high is None:
        return None, profiles
    return (low, high), profiles


def profile_intervals(model: Likelihood, best: Point, ci_level: float,
                      on_progress: Callable[[str], None] | None = None
                      ) -> tuple[np.ndarray, tuple[int, ...]]:
    """Profile intervals of every coefficient at ``ci_level``, shape (k, 2), and the
    coefficients whose interval was not found (their rows are NaN)."""
    from scipy.stats import chi2

    critical = float(chi2.ppf(ci_level, 1))
    intervals = np.full((model.k, 2), np.nan)
    missing = []
    for j in range(model.k):
        if on_progress is not None:
            on_progress(f"profile intervals, term {j + 1}/{model.k}")
        bounds, _ = profile_interval(model, best, j, critical)
        if bounds is None:
            missing.append(j)
        else:
            intervals[j] = bounds
    return intervals, tuple(missing)
