"""The penalized estimator: a fit on glmnet's scale (alpha given or cross-validated),
what it minimized and how well (`PenaltyInfo`, shown by its report section), the
unpenalized refit on the terms it kept, and scikit-learn's refit of the same
penalized model for the cross-check. The solvers are in `penalty_solvers`, the
cross-validation of alpha in `cv`.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..design import Design
from ..result import Capabilities, CategoricalInfo, Coefficient, ReportWarning
from .base import Estimate, SklearnRefit
from .cv import CrossValidation
from .penalty_solvers import (
    KKT_TOLERANCE,
    OBJECTIVE,
    PenaltySpec,
    check_penalizable,
    kkt_violation,
    polish,
    solve,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..progress import Stages


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


def fit_penalized(design: Design, spec: PenaltySpec) -> Estimate:
    """Minimize the documented objective; see the module docstring for the solvers."""
    check_penalizable(design)
    params, iterations, solver, caught = solve(design.X, design.y, spec)
    violation = kkt_violation(design.X, design.y, params, spec)
    if violation > KKT_TOLERANCE * 1e-3:
        polished = polish(design.X, design.y, params, spec)
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
        standard_errors=False, shrunk=True, term_tests=False,
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
        """scikit-learn with the same penalty (`refit_sklearn_penalized`), at the tuned alpha
        (``tune`` first: a refit never cross-validates on its own)."""
        alpha = self.alpha if estimate is None else estimate.details.alpha
        if alpha == "cv":
            raise ValueError("the penalized refit needs alpha settled: call tune() first")
        return refit_sklearn_penalized(design, PenaltySpec(self.penalty, float(alpha), self.l1_ratio))


def refit_selected(
    design: Design, info: PenaltyInfo, *, ci_level: float
) -> tuple[tuple[Coefficient, ...], tuple[str, ...], list[ReportWarning]]:
    """Unpenalized MLE on the intercept and the terms the penalty kept: its rows, the
    categoricals refitted whole, and its warnings (post-selection first)."""
    from ..inference import coefficient_table
    from .mle import fit_mle

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
    rows = coefficient_table(estimate, names, ci_level=ci_level, capabilities=Capabilities())
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
