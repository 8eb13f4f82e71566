"""Penalized logistic regression on glmnet's scale, through statsmodels.

One objective, stated in every penalized report:

    minimize  -loglik(b)/n + alpha * ( l1_ratio * ||b||_1 + (1 - l1_ratio)/2 * ||b||_2^2 )

with the intercept never penalized (glmnet: lambda = alpha, glmnet's alpha =
l1_ratio; scikit-learn: C = 1/(n * alpha)).

Solvers, chosen by measurement against glmnet (tests/reference/glmnet):

- ``l2``: statsmodels' `PenalizedMixin` on `Logit` with an L2 penalty, Newton's
  method: smooth and exact (agrees with glmnet to ~1e-8).
- ``l1``: `Logit.fit_regularized(method="l1")` (its objective is not divided by
  n: it gets ``n * alpha``, 0 for the intercept); fast, agrees to ~1e-5. If the
  optimality (KKT) check fails, `GLM.fit_regularized` coordinate descent
  continues from that point.
- ``elasticnet``: `GLM(Binomial).fit_regularized(method="elastic_net")`.

Coordinate descent stops far from the optimum on unscaled predictors (1.8 away
on the Pima data), so predictors are centred first; with an unpenalized
intercept the problem is unchanged, only the intercept moves back afterwards.
A solution that is not yet exact gets a few Newton steps on its nonzero
coefficients (`_polish`, signs held), which statsmodels does not offer. Every
solution is checked against the KKT conditions of the objective above, and a
failed check is reported, never hidden.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..design import Design
from ..errors import FitError, UsageError, option
from ..result import Capabilities, CategoricalInfo, Coefficient, ReportWarning
from .base import Estimate

if TYPE_CHECKING:  # pragma: no cover
    from ..crosscheck import SklearnRefit
    from ..progress import Stages

PENALTIES = ("l1", "l2", "elasticnet")
KKT_TOLERANCE = 1e-5
OBJECTIVE = (
    "-loglik(b)/n + alpha * (l1_ratio * ||b||_1 + (1 - l1_ratio)/2 * ||b||_2^2), "
    "intercept not penalized"
)


@dataclass(frozen=True)
class CrossValidation:
    """k-fold cross-validated deviance per alpha, and the alphas it points to."""

    folds: int
    seed: int
    rule: str  # "min" or "1se": which choice the fit used
    alphas: tuple[float, ...]  # decreasing
    mean_deviance: tuple[float, ...]  # held-out deviance per observation
    se_deviance: tuple[float, ...]
    alpha_min: float
    alpha_1se: float
    alpha: float  # the alpha used
    path_terms: tuple[str, ...] = ()  # slopes, in design order
    path: tuple[tuple[float, ...], ...] = ()  # full-data slopes at each alpha (rows follow alphas)


@dataclass(frozen=True)
class PenaltyInfo:
    """What a penalized fit minimized, how, and how well."""

    penalty: str  # "l1", "l2" or "elasticnet"
    alpha: float
    l1_ratio: float
    objective: str
    n_nonzero: int  # slopes (not the intercept) that are not exactly zero
    zero_terms: tuple[str, ...]
    solver: str
    kkt_violation: float
    kkt_tolerance: float
    sklearn_c: float  # the equivalent scikit-learn C = 1/(n * alpha)
    cv: CrossValidation | None = None
    #: the unpenalized refit on the terms the penalty kept (``refit=True``), with its own
    #: warnings; shown under a post-selection warning
    refit: tuple[Coefficient, ...] | None = None
    regrouped: tuple[str, ...] = ()  # categoricals refitted whole although the penalty zeroed a level


@dataclass(frozen=True)
class PenaltySpec:
    penalty: str
    alpha: float
    l1_ratio: float

    @classmethod
    def create(cls, penalty: str, alpha: float, l1_ratio: float | None) -> PenaltySpec:
        if penalty not in PENALTIES:
            raise UsageError(f"penalty must be one of 'l1', 'l2', 'elasticnet'; got {penalty!r}")
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha > 0:
            raise UsageError(f"alpha must be a positive number (or 'cv'); got {alpha!r}")
        if penalty == "elasticnet":
            if l1_ratio is None:
                raise UsageError(
                    f"{option('--penalty', 'elasticnet')} needs {option('--l1-ratio')}, the share of "
                    f"the l1 penalty, strictly between 0 and 1 (e.g. {option('--l1-ratio', 0.5)})"
                )
            if not 0.0 < l1_ratio < 1.0:
                raise UsageError(
                    f"{option('--l1-ratio')} must be strictly between 0 and 1 for elasticnet; "
                    f"got {l1_ratio!r}"
                )
            ratio = float(l1_ratio)
        else:
            expected = 1.0 if penalty == "l1" else 0.0
            if l1_ratio is not None and float(l1_ratio) != expected:
                raise UsageError(
                    f"{option('--l1-ratio')} is {expected:g} for penalty '{penalty}'; got {l1_ratio!r} "
                    f"(use {option('--penalty', 'elasticnet')} to mix)"
                )
            ratio = expected
        return cls(penalty, float(alpha), ratio)


def objective(X: np.ndarray, y: np.ndarray, b: np.ndarray, spec: PenaltySpec) -> float:
    """The documented objective at ``b`` (column 0 of X is the unpenalized intercept)."""
    eta = X @ b
    loglik = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
    slopes = b[1:]
    penalty = spec.l1_ratio * np.abs(slopes).sum() + (1 - spec.l1_ratio) / 2 * (slopes**2).sum()
    return -loglik / y.shape[0] + spec.alpha * float(penalty)


def kkt_violation(X: np.ndarray, y: np.ndarray, b: np.ndarray, spec: PenaltySpec) -> float:
    """Largest violation of the optimality conditions of the objective at ``b``.

    For the intercept the gradient must vanish; for a non-zero slope the
    gradient plus the penalty's derivative must vanish; for a zero slope the
    gradient must lie within +/- alpha * l1_ratio.
    """
    from scipy.special import expit

    n = y.shape[0]
    gradient = -(X.T @ (y - expit(X @ b))) / n
    worst = abs(float(gradient[0]))
    for j in range(1, b.shape[0]):
        ridge = spec.alpha * (1 - spec.l1_ratio) * b[j]
        if b[j] != 0.0:
            value = abs(gradient[j] + ridge + spec.alpha * spec.l1_ratio * np.sign(b[j]))
        else:
            value = max(0.0, abs(gradient[j]) - spec.alpha * spec.l1_ratio)
        worst = max(worst, float(value))
    return worst


def lambda_max(X: np.ndarray, y: np.ndarray, l1_ratio: float) -> float:
    """Smallest alpha at which every slope is zero (for l1_ratio > 0)."""
    gradient = np.abs((X[:, 1:] - X[:, 1:].mean(axis=0)).T @ (y - y.mean())) / y.shape[0]
    return float(gradient.max() / max(l1_ratio, 1e-3))


def check_penalizable(design: Design) -> None:
    """A penalized fit needs the intercept first and at least one non-constant slope."""
    if not design.has_intercept or design.column_names[0] != "Intercept":
        raise UsageError("a penalized fit needs an intercept (remove '- 1' or '+ 0' from the formula)")
    if design.X.shape[1] < 2:
        raise UsageError("a penalized fit needs at least one predictor besides the intercept")
    if lambda_max(design.X, design.y, 1.0) <= 0:
        raise FitError("every predictor is constant or uncorrelated with the outcome in these rows; "
                       "there is nothing to penalize")


def fit_penalized(design: Design, spec: PenaltySpec) -> Estimate:
    """Minimize the documented objective; see the module docstring for the solvers."""
    check_penalizable(design)
    params, iterations, solver, caught = _solve(design.X, design.y, spec)
    violation = kkt_violation(design.X, design.y, params, spec)
    if violation > KKT_TOLERANCE * 1e-3:
        polished = _polish(design.X, design.y, params, spec)
        better = kkt_violation(design.X, design.y, polished, spec)
        if better < violation:
            params, violation = polished, better
            solver += " + Newton polish of the nonzero coefficients"
    converged = violation <= KKT_TOLERANCE
    found = [ReportWarning("solver", f"{solver}: {m}") for m in caught]
    if not converged:
        found.insert(0, ReportWarning(
            "not_converged",
            f"the penalized fit did not reach the optimum: the optimality (KKT) conditions are "
            f"violated by {violation:.2g} (tolerance {KKT_TOLERANCE:g}) after {solver}; "
            "the coefficients are not the minimizer of the stated objective",
        ))
    from scipy.special import expit

    eta = design.X @ params
    return Estimate(
        method=spec.penalty,
        params=params,
        cov=None,
        log_likelihood=float(np.sum(design.y * eta - np.logaddexp(0.0, eta))),
        converged=converged,
        iterations=iterations,
        probabilities=expit(eta),
        warnings=tuple(found),
        max_iterations=0,
        solver=solver,
        details=PenaltyInfo(
            penalty=spec.penalty,
            alpha=spec.alpha,
            l1_ratio=spec.l1_ratio,
            objective=OBJECTIVE,
            n_nonzero=int(np.count_nonzero(params[1:])),
            zero_terms=tuple(name for name, b in zip(design.column_names[1:], params[1:], strict=True)
                             if b == 0.0),
            solver=solver,
            kkt_violation=violation,
            kkt_tolerance=KKT_TOLERANCE,
            sklearn_c=1.0 / (design.n_obs * spec.alpha),
        ),
    )


def _solve(
    X: np.ndarray, y: np.ndarray, spec: PenaltySpec, start: np.ndarray | None = None
) -> tuple[np.ndarray, int, str, list[str]]:
    """Return (params, iterations, solver description, solver warnings)."""
    n, k = X.shape
    means = X[:, 1:].mean(axis=0)
    centred = X.copy()
    centred[:, 1:] -= means
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if spec.penalty == "l2":
            b, iterations, solver = _ridge_newton(X, y, spec, start)
        else:
            start_c = None if start is None else _to_centred(start, means)
            if spec.penalty == "l1":
                b_c, iterations = _lasso_logit(centred, y, spec, start_c)
                solver = "statsmodels Logit.fit_regularized (l1)"
                if kkt_violation(centred, y, b_c, spec) > KKT_TOLERANCE:
                    b_c, more = _glm_descent(centred, y, spec, b_c)
                    iterations += more
                    solver += " + GLM.fit_regularized (elastic_net) polish"
            else:
                b_c, iterations = _glm_descent(centred, y, spec, start_c)
                solver = "statsmodels GLM(Binomial).fit_regularized (elastic_net)"
            solver += ", centred predictors"
            b = b_c.copy()
            b[0] = b_c[0] - means @ b_c[1:]
    messages = sorted({" ".join(str(w.message).split()) for w in caught
                       if not issubclass(w.category, (DeprecationWarning, FutureWarning))})
    return b, iterations, solver, messages[:3]


def _polish(X: np.ndarray, y: np.ndarray, b: np.ndarray, spec: PenaltySpec, steps: int = 8) -> np.ndarray:
    """Newton's method on the intercept and the nonzero slopes, their signs held.

    On that set the objective is smooth, so a few steps take a solution that
    coordinate descent left near the optimum to it. Descent in centred
    coordinates leaves an intercept gradient of ~1e-7, which a raw-scale column
    (age 20-80) multiplies into a KKT violation of ~1e-5 in the original ones.
    statsmodels offers no such polish. A step that would flip a sign (a slope
    reaching zero) ends it, and the caller keeps whichever point has the smaller
    KKT violation.
    """
    from scipy.special import expit

    n = y.shape[0]
    active = np.union1d([0], np.flatnonzero(b))
    XA = X[:, active]
    signs = np.sign(b[active])
    signs[0] = 0.0
    ridge = np.full(active.size, spec.alpha * (1 - spec.l1_ratio))
    ridge[0] = 0.0
    current = b[active].copy()
    for _ in range(steps):
        probability = expit(XA @ current)
        gradient = -(XA.T @ (y - probability)) / n + spec.alpha * spec.l1_ratio * signs + ridge * current
        hessian = (XA.T * (probability * (1 - probability))) @ XA / n + np.diag(ridge)
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            break
        moved = current - step
        if np.any(np.sign(moved[1:]) != signs[1:]):
            break
        current = moved
        if np.max(np.abs(step)) <= 1e-15 * max(1.0, float(np.max(np.abs(current)))):
            break
    out = b.copy()
    out[active] = current
    return out


def _to_centred(b: np.ndarray, means: np.ndarray) -> np.ndarray:
    out = b.copy()
    out[0] = b[0] + means @ b[1:]
    return out


def _ridge_newton(
    X: np.ndarray, y: np.ndarray, spec: PenaltySpec, start: np.ndarray | None
) -> tuple[np.ndarray, int, str]:
    from statsmodels.base._penalized import PenalizedMixin
    from statsmodels.base._penalties import L2
    from statsmodels.discrete.discrete_model import Logit

    class PenalizedLogit(PenalizedMixin, Logit):  # type: ignore[misc]
        pass

    n, k = X.shape
    weights = np.r_[0.0, np.full(k - 1, spec.alpha / 2.0)]
    model = PenalizedLogit(y, X, penal=L2(weights=weights), pen_weight=n)
    fitted = model.fit(method="newton", tol=1e-12, maxiter=100, disp=False, start_params=start)
    iterations = int(fitted.mle_retvals.get("iterations", 0))
    return np.asarray(fitted.params, dtype=np.float64), iterations, (
        "statsmodels PenalizedMixin Logit + L2 penalty, Newton"
    )


def _lasso_logit(
    X: np.ndarray, y: np.ndarray, spec: PenaltySpec, start: np.ndarray | None
) -> tuple[np.ndarray, int]:
    from statsmodels.discrete.discrete_model import Logit

    n, k = X.shape
    weights = np.r_[0.0, np.full(k - 1, n * spec.alpha)]
    fitted = Logit(y, X).fit_regularized(
        method="l1", alpha=weights, disp=False, acc=1e-12, maxiter=1000,
        trim_mode="size", size_trim_tol=1e-8, qc_tol=0.03, start_params=start,
    )
    return np.asarray(fitted.params, dtype=np.float64), int(fitted.mle_retvals.get("iterations", 0))


def _glm_descent(
    X: np.ndarray, y: np.ndarray, spec: PenaltySpec, start: np.ndarray | None
) -> tuple[np.ndarray, int]:
    import statsmodels.api as sm

    k = X.shape[1]
    weights = np.r_[0.0, np.full(k - 1, spec.alpha)]
    model = sm.GLM(y, X, family=sm.families.Binomial())
    fitted = model.fit_regularized(
        method="elastic_net", alpha=weights, L1_wt=spec.l1_ratio, cnvrg_tol=1e-12,
        maxiter=2000, zero_tol=1e-10, start_params=start,
    )
    return np.asarray(fitted.params, dtype=np.float64), 0


METHOD_LABELS = {
    "l1": "Penalized likelihood, L1 (lasso)",
    "l2": "Penalized likelihood, L2 (ridge)",
    "elasticnet": "Penalized likelihood, elastic net",
}


@dataclass(frozen=True)
class Penalized:
    """A penalized fit on glmnet's scale (see the module docstring); alpha given or
    cross-validated, optionally refitted without penalty on the terms it kept.

    No standard errors, tests or intervals: after a penalty they would claim a
    validity they do not have.
    """

    penalty: str
    alpha: float | str  # a positive number, or "cv"
    l1_ratio: float
    folds: int = 5
    seed: int = 0
    cv_rule: str = "min"
    refit_selected: bool = False
    cv: CrossValidation | None = None  # set by `tune` when alpha is cross-validated

    name: ClassVar[str] = "penalized"
    capabilities: ClassVar[Capabilities] = Capabilities(
        intervals="none", tests="none", model_test=False, information_criteria=False,
        standard_errors=False, shrunk=True,
    )
    tolerances: ClassVar[tuple[float, float]] = (1e-5, 1e-4)
    refit_needs_estimate: ClassVar[bool] = False

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Penalized:
        """From validated options (`statreport.options.validate` resolved l1_ratio)."""
        return cls(penalty=options["penalty"], alpha=options["alpha"], l1_ratio=options["l1_ratio"],
                   folds=options.get("folds", 5), seed=options.get("seed", 0),
                   cv_rule=options.get("cv_rule", "min"), refit_selected=bool(options.get("refit")))

    @property
    def label(self) -> str:
        return METHOD_LABELS[self.penalty]

    def check(self, design: Design) -> None:
        check_penalizable(design)

    def tune(self, design: Design, *, stage: Stages) -> Penalized:
        """With ``alpha="cv"``, alpha chosen by cross-validated deviance (`choose_alpha`)."""
        if self.alpha != "cv":
            return self
        from .cv import choose_alpha

        with stage("cross-validating alpha"):
            cv = choose_alpha(design, self.penalty, self.l1_ratio, folds=self.folds, seed=self.seed,
                              rule=self.cv_rule, on_progress=stage.progress("cross-validating alpha"))
        return dataclasses.replace(self, alpha=cv.alpha, cv=cv)

    def fit(self, design: Design, *, ci_level: float, stage: Stages) -> Estimate:
        """Fit at the (tuned) alpha and refit the kept terms if asked; the `PenaltyInfo`
        is the estimate's details."""
        tuned = self.tune(design, stage=stage)
        spec = PenaltySpec(tuned.penalty, float(tuned.alpha), tuned.l1_ratio)
        estimate = fit_penalized(design, spec)
        info = dataclasses.replace(estimate.details, cv=tuned.cv)
        found = list(estimate.warnings)
        if tuned.refit_selected:
            rows, regrouped, refit_warnings = refit_selected(design, info, ci_level=ci_level)
            info = dataclasses.replace(info, refit=rows, regrouped=regrouped)
            found += refit_warnings
        return dataclasses.replace(estimate, details=info, warnings=tuple(found))

    def refit(self, design: Design, estimate: Estimate | None) -> SklearnRefit:
        """scikit-learn with the same penalty (`refit_sklearn_penalized`), at the tuned alpha."""
        alpha = self.tune(design, stage=_silent()).alpha if estimate is None else estimate.details.alpha
        return refit_sklearn_penalized(design, PenaltySpec(self.penalty, float(alpha), self.l1_ratio))


def _silent() -> Stages:
    from ..progress import Stages

    return Stages(None)


def refit_selected(
    design: Design, info: PenaltyInfo, *, ci_level: float
) -> tuple[tuple[Coefficient, ...], tuple[str, ...], list[ReportWarning]]:
    """Unpenalized MLE on the intercept and the terms the penalty kept: its rows, the
    categoricals refitted whole, and its warnings (post-selection first)."""
    from ..inference import coefficient_table
    from .mle import MaximumLikelihood, fit_mle

    kept = set(design.column_names) - set(info.zero_terms)
    selected = len(kept - {"Intercept"})
    # a categorical is refitted whole when the penalty kept any of its levels: refitting
    # without a zeroed level would merge that level into the reference, and every
    # estimate would compare with that mixture while the table names the reference alone
    regrouped: list[str] = []
    for categorical, group in _level_groups(design):
        if group & kept and group - kept and categorical.variable not in regrouped:
            regrouped.append(categorical.variable)
        if group & kept:
            kept |= group
    keep = [i for i, name in enumerate(design.column_names) if name in kept]
    names = tuple(design.column_names[i] for i in keep)
    subset = dataclasses.replace(design, X=np.asfortranarray(design.X[:, keep]), column_names=names)
    estimate = fit_mle(subset)
    rows = coefficient_table(estimate, names, ci_level=ci_level, capabilities=MaximumLikelihood.capabilities)
    found = [ReportWarning(
        "post_selection",
        f"the refit table re-estimates the {selected} term(s) the {info.penalty} penalty kept, "
        "without a penalty; its p-values and intervals ignore that the terms were selected on "
        "the same data, so they are too optimistic (post-selection inference)"
        + (f"; {_join(regrouped)} {'is' if len(regrouped) == 1 else 'are'} refitted with every level, "
           "including those the penalty set to zero, so that each level is still compared with "
           "the reference alone" if regrouped else ""),
    )]
    found += [ReportWarning(w.code, f"refit: {w.message}") for w in estimate.warnings]
    return rows, tuple(regrouped), found


def _level_groups(design: Design) -> Iterator[tuple[CategoricalInfo, set[str]]]:
    """The design's columns grouped by categorical term: its dummies, and in each
    interaction the columns that differ only in that categorical's level
    (``x:C(site)[T.b]``, ``x:C(site)[T.c]``, ...)."""
    from collections import defaultdict

    groups: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for categorical in design.categoricals:
        dummies = {categorical.column(level) for level in categorical.levels}
        for name in design.column_names:
            parts = name.split(":")
            for i, part in enumerate(parts):
                if part in dummies:
                    key = (categorical.term, *parts[:i], "*", *parts[i + 1:])
                    groups[key].add(name)
        for key, members in groups.items():
            if key[0] == categorical.term:
                yield categorical, members


def _join(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def refit_sklearn_penalized(design: Design, spec: PenaltySpec) -> SklearnRefit:
    """scikit-learn's fit of the same penalized model: ``C = 1/(n*alpha)`` and the same
    l1_ratio on centred predictors with scikit-learn's own (unpenalized) intercept;
    Newton-Cholesky for l2, saga for l1 and elastic net, started from the
    intercept-only model (saga started at zero can stop early on the intercept)."""
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    from ..crosscheck import WARM_START_ROWS, finished_refit, subsample

    solver = "newton-cholesky" if spec.penalty == "l2" else "saga"
    model = LogisticRegression(
        C=1.0 / (design.n_obs * spec.alpha), l1_ratio=spec.l1_ratio, solver=solver,
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
    theirs = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if solver == "newton-cholesky" and design.n_obs >= WARM_START_ROWS:
                rows = subsample(design.n_obs)  # scikit-learn's own fit on a subsample first
                model.set_params(warm_start=True)
                model.fit(X[rows], design.y[rows])
                caught.clear()  # only the full-data fit decides convergence
            model.fit(X, design.y)
            slopes = model.coef_.ravel()
            intercept = float(model.intercept_[0])
            if solver == "saga":
                intercept = _finish_intercept(X @ slopes, design.y, intercept)
            theirs = np.r_[intercept - means @ slopes, slopes]
            if not np.all(np.isfinite(theirs)):
                theirs = None
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            theirs = None
    return finished_refit(f"{solver}, C = 1/(n\u00b7alpha), same l1_ratio", theirs, caught,
                          sklearn.__version__,
                          ConvergenceWarning, design.X.shape[1])


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
