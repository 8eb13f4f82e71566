"""Maximum likelihood: statsmodels `Logit` by Newton's method, its per-step costs cut.

The estimator `MaximumLikelihood` (registered as "mle") wraps `fit_mle`; under
quasi-complete separation it also fits Firth's bias-reduced model of the same
design, which the report shows beside the limit fit.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..crosscheck import WARM_START_ROWS, subsample
from ..design import Design
from ..errors import DataError, FitError
from ..options import option
from ..result import Capabilities, ReportWarning, term_namer
from ..separation import Separation, detect_separation, looks_separated
from .base import Estimate, SklearnRefit
from .singular import redundant_columns, singular_message
from .statsmodels_warnings import report_warnings

if TYPE_CHECKING:  # pragma: no cover
    from ..progress import Stages
    from ..result import Coefficient

MAX_NEWTON_ITERATIONS = 50


#: Rows per block in the score and Hessian pass (a block of a 14-column design is 1.8 MB).
HESSIAN_BLOCK_ROWS = 16_384


#: Rows whose predictions `fast_logit`'s perfect-prediction check looks at first.
PERFECT_CHECK_ROWS = 1_024


@cache
def fast_logit() -> type:
    """statsmodels' `Logit` with its per-iteration costs cut; the same results.

    - The score and the Hessian: statsmodels computes the predictions for
      each (two products with the n x k design per Newton step), then forms
      ``(L * (1 - L) * X.T) @ X`` in one go, an n x k temporary (112 MB at 1e6
      rows, 1.1 GB at 1e7). Here one pass over blocks of rows computes the
      predictions, the score and the Hessian together while each block is in
      cache, and keeps them for the step's parameters, which Newton asks both
      of: the same vectors and matrices to rounding (tested against
      statsmodels').
    - The perfect-prediction check statsmodels runs after every step predicts
      all n rows to see whether every prediction equals its outcome (within
      1e-8). If one of the first rows already differs, the answer is no; only
      otherwise is statsmodels' own check run, with its own warning.
    - The log-likelihood (statsmodels' own) is kept for the last parameters
      it was asked at.

    What each change saves is measured in benchmarks/README.md.
    """
    from statsmodels.discrete.discrete_model import Logit

    class FastLogit(Logit):  # type: ignore[misc]
        _derivatives_at: tuple[bytes, np.ndarray, np.ndarray] | None = None
        _loglike_at: tuple[bytes, float] | None = None

        def loglike(self, params: np.ndarray) -> float:
            """statsmodels' log-likelihood, kept for the last ``params`` (Newton's
            last step and the results object both ask for it)."""
            key = np.asarray(params, dtype=np.float64).tobytes()
            if self._loglike_at is None or self._loglike_at[0] != key:
                self._loglike_at = (key, super().loglike(params))
            return self._loglike_at[1]

        def score(self, params: np.ndarray) -> np.ndarray:
            return self._derivatives(params)[0]

        def hessian(self, params: np.ndarray) -> np.ndarray:
            return self._derivatives(params)[1]

        def _derivatives(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """Score and Hessian of the log-likelihood at ``params``, in one pass over X."""
            params = np.asarray(params, dtype=np.float64)
            key = params.tobytes()
            if self._derivatives_at is not None and self._derivatives_at[0] == key:
                return self._derivatives_at[1].copy(), self._derivatives_at[2].copy()
            X, y = self.exog, self.endog
            score = np.zeros(X.shape[1])
            hessian = np.zeros((X.shape[1], X.shape[1]))
            for start in range(0, X.shape[0], HESSIAN_BLOCK_ROWS):
                block = X[start:start + HESSIAN_BLOCK_ROWS]
                fitted = self.cdf(block @ params)  # statsmodels' predict, a block at a time
                score += (y[start:start + HESSIAN_BLOCK_ROWS] - fitted) @ block
                hessian -= (block.T * (fitted * (1 - fitted))) @ block
            self._derivatives_at = (key, score, hessian)
            return score.copy(), hessian.copy()

        def _check_perfect_pred(self, params: np.ndarray, *args: object) -> None:
            head = slice(0, PERFECT_CHECK_ROWS)
            fitted = self.cdf(self.exog[head] @ params)
            if np.any(np.abs(fitted - self.endog[head]) > 1e-8):  # statsmodels' allclose atol
                return
            super()._check_perfect_pred(params, *args)

    return FastLogit


def _warm_start(design: Design) -> np.ndarray | None:
    """Starting values from the same model on a subsample: fewer full-data Newton steps
    (from `WARM_START_ROWS` rows).

    The maximum-likelihood estimate does not depend on the start (the
    log-likelihood is concave), only the number of iterations does; any
    trouble on the subsample just means a cold start.
    """
    if design.n_obs < WARM_START_ROWS:
        return None
    rows = subsample(design.n_obs)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fitted = fast_logit()(design.y[rows], design.X[rows], check_rank=False).fit(
                method="newton", maxiter=MAX_NEWTON_ITERATIONS, disp=False
            )
    except Exception:  # noqa: BLE001 - a failed warm start only costs iterations
        return None
    start = np.asarray(fitted.params, dtype=np.float64)
    return start if fitted.mle_retvals.get("converged") and np.all(np.isfinite(start)) else None


@dataclass(frozen=True)
class FirthCompanion:
    """Firth's bias-reduced fit of the same model, shown beside a fit under
    quasi-complete separation: finite estimates with profile penalized-likelihood
    intervals for every term, the separated ones included."""

    rows: tuple[Coefficient, ...]
    info: Any  # statreport.estimators.firth.FirthInfo


#: Up to this many rows the intervals are profile-likelihood ones by default (about four
#: constrained fits per bound, warm-started, each a few passes over the rows); above,
#: Wald's, and the report says how to ask for profile intervals.
PROFILE_ROWS = 100_000

@dataclass(frozen=True)
class MaximumLikelihood:
    """Maximum likelihood by Newton's method (statsmodels `Logit`); Wald tests, and
    profile-likelihood or Wald intervals (``ci_method``) with model-based or robust
    standard errors (``se``).

    ``ci_method`` "auto" becomes "profile" up to `PROFILE_ROWS` rows with model-based
    standard errors and "wald" otherwise, when `tune` sees the design; robust
    standard errors always come with Wald intervals (a profile interval is the
    model's likelihood, which robust standard errors do not trust).
    """

    name: ClassVar[str] = "mle"
    label: ClassVar[str] = "Maximum likelihood (Newton), statsmodels Logit"
    tolerances: ClassVar[tuple[float, float]] = (1e-6, 1e-4)
    refit_needs_estimate: ClassVar[bool] = False

    ci_method: str = "auto"  # "auto", "profile" or "wald"
    se: str = "model"  # "model", "hc0", "hc1", "hc3" or "cluster"
    class_weight: str | None = None  # "balanced": each class weighted by n / (2 n_class)
    #: why the intervals are Wald's when profile ones were the default ("" otherwise)
    interval_note: str = ""

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> MaximumLikelihood:
        """From validated options (`statreport.options.validate` checked how they combine)."""
        return cls(ci_method=options.get("ci_method") or "auto", se=options.get("se") or "model",
                   class_weight=options.get("class_weight"))

    @property
    def capabilities(self) -> Capabilities:
        # the tests of terms compare likelihoods, which robust standard errors do not trust
        # a class-weighted fit maximizes no likelihood of the data: no AIC or BIC (its test of the
        # model is the robust Wald test, as every fit's with robust standard errors)
        return Capabilities(intervals="profile" if self.ci_method == "profile" else "wald", se_type=self.se,
                            term_tests=self.se == "model", information_criteria=self.class_weight is None)

    def check(self, design: Design) -> None:
        """Every design can be tried (a singular one fails in ``fit``, its columns named);
        clustered standard errors need two clusters at least."""
        if self.se == "cluster" and (design.n_clusters or 0) < 2:
            raise DataError(f"the cluster column '{design.cluster}' has {design.n_clusters or 0} value(s) "
                            "in the rows used: clustered standard errors need at least two clusters "
                            f"(and about 30 to be trusted); check the column, or leave out "
                            f"{option('--cluster', design.cluster)}")

    def tune(self, design: Design, *, stage: Stages) -> MaximumLikelihood:
        """``ci_method`` "auto" settled by the design's size and the standard errors."""
        if self.ci_method != "auto":
            return self
        if self.se != "model":
            return dataclasses.replace(self, ci_method="wald")
        if design.n_obs <= PROFILE_ROWS:
            return dataclasses.replace(self, ci_method="profile")
        return dataclasses.replace(self, ci_method="wald", interval_note=(
            f"Wald intervals: above {PROFILE_ROWS:,} observations profile-likelihood intervals are computed "
            f"only on request ({option('--ci-method', 'profile')}, or --ci-method profile on the command "
            "line; two searches per coefficient, each a few refits), and with this many observations the "
            "two agree closely"))

    def fit(self, design: Design, *, ci_level: float, stage: Stages) -> Estimate:
        """`fit_mle`, then the chosen standard errors and intervals; under quasi-separation,
        with Firth's fit of the same model as details."""
        if self.class_weight is not None:
            from .weighted import fit_class_weighted

            estimate = fit_class_weighted(design)
        else:
            estimate = dataclasses.replace(fit_mle(design), interval_note=self.interval_note)
        if self.se != "model" and estimate.cov is not None and not estimate.separated_terms:
            from .sandwich import robust_covariance, wald_test
            from .weighted import balanced_weights

            weights = None if self.class_weight is None else balanced_weights(design.y)
            cov = robust_covariance(design, estimate.probabilities, estimate.cov, self.se, weights)
            estimate = dataclasses.replace(
                estimate, cov=cov, model_test=wald_test(estimate.params, cov, design.column_names),
                model_test_kind="robust Wald",
                warnings=estimate.warnings + _cluster_warnings(design))
        if self.ci_method == "profile" and estimate.converged and not estimate.separated_terms \
                and estimate.cov is not None:
            estimate = _with_profile_intervals(design, estimate, ci_level, stage)
        if not estimate.separated_terms:
            return estimate
        from ..inference import coefficient_table
        from .firth import Firth

        with stage("fitting Firth's model beside the separated fit"):
            firth = Firth().fit(design, ci_level=ci_level, stage=stage)
        rows = coefficient_table(firth, design.column_names, ci_level=ci_level,
                                 capabilities=Firth.capabilities)
        return dataclasses.replace(estimate, details=FirthCompanion(rows, firth.details))

    def submodel_log_likelihood(
        self, design: Design, columns: tuple[int, ...], full: np.ndarray
    ) -> float | None:
        """The maximum log-likelihood of the model on ``columns`` of the design (for the
        tests of terms); None if that model cannot be estimated, does not converge or is
        separated.

        Newton starts from the full fit's estimates ``full`` on those columns, the
        intercept shifted by the mean of what the left-out columns contributed: about
        half the iterations of a cold start. The log-likelihood is concave, so where
        Newton converges is the maximum whatever the start; where that start fails,
        a cold start is tried.
        """
        if not columns:  # no parameter at all: every probability is 1/2
            return float(design.n_obs * -math.log(2.0))
        kept = list(columns)
        sub = dataclasses.replace(design, X=np.asfortranarray(design.X[:, kept]),
                                  column_names=tuple(design.column_names[j] for j in columns), terms=())
        start = full[kept].copy()
        if "Intercept" in sub.column_names:
            left_out = [j for j in range(len(full)) if j not in columns]
            shift = float(np.mean(design.X[:, left_out] @ full[left_out]))
            start[sub.column_names.index("Intercept")] += shift
        for first in (start, None):
            try:
                estimate = fit_mle(sub, start=first)
            except FitError:
                continue
            if estimate.converged and not estimate.separated_terms:
                return estimate.log_likelihood
        return None

    def refit(self, design: Design, estimate: Estimate | None) -> SklearnRefit:
        """scikit-learn without a penalty on the same design (`refit_unpenalized`); with
        class weights, scikit-learn's own "balanced" weights."""
        from ..crosscheck import refit_unpenalized

        if self.class_weight is None:
            return refit_unpenalized(design.X, design.y, solver_note=", no penalty")
        from sklearn.utils.class_weight import compute_sample_weight

        weights = compute_sample_weight("balanced", design.y)
        return refit_unpenalized(design.X, design.y, sample_weight=weights,
                                 solver_note=", no penalty, class_weight='balanced'")


#: Below this many clusters cluster-robust standard errors are biased downward (Cameron &
#: Miller 2015, J Hum Resour 50:317, put "few" at 20 to 50); the report says so.
FEW_CLUSTERS = 30


def _cluster_warnings(design: Design) -> tuple[ReportWarning, ...]:
    """A warning when standard errors are clustered by few clusters."""
    clusters = design.n_clusters
    if clusters is None or clusters >= FEW_CLUSTERS:
        return ()
    return (ReportWarning(
        "few_clusters",
        f"the standard errors are clustered by '{design.cluster}', which has only {clusters} clusters: "
        f"with fewer than about {FEW_CLUSTERS}, cluster-robust standard errors are too small and their "
        "p-values too small (a wild cluster bootstrap is the usual remedy)"),)


def _with_profile_intervals(design: Design, estimate: Estimate, ci_level: float, stage: Stages) -> Estimate:
    """``estimate`` with profile-likelihood intervals (`statreport.estimators.profile`):
    where 2 (l_max - l_profile(b_j)) reaches the chi-square quantile of ``ci_level``,
    each found to 1e-10 standard errors. A coefficient whose bounds are not found
    keeps its Wald interval, and a warning names it."""
    from .profile import Likelihood, profile_intervals

    model = Likelihood(design.X, design.y, penalized=False)
    everything = np.arange(len(design.column_names), dtype=np.intp)
    with stage("profile-likelihood intervals"):
        best, _, converged, _ = model.maximize(estimate.params, everything)  # l_max to the last digit
        if not converged or best.root is None:
            return estimate
        intervals, missing = profile_intervals(model, best, ci_level, stage.progress("fitting"))
    found = list(estimate.warnings)
    if missing:
        from scipy.stats import norm

        half = norm.ppf(0.5 + ci_level / 2) * np.sqrt(np.diag(best.covariance()))
        for j in missing:
            intervals[j] = (estimate.params[j] - half[j], estimate.params[j] + half[j])
        names = _term_list([term_namer(design.categoricals)(design.column_names[j]) for j in missing])
        found.append(ReportWarning(
            "wald_intervals",
            f"the profile-likelihood interval was not found for {names}; Wald intervals are shown for "
            f"{'it' if len(missing) == 1 else 'them'} instead"))
    return dataclasses.replace(estimate, intervals=intervals, warnings=tuple(found))


def fit_mle(design: Design, *, start: np.ndarray | None = None) -> Estimate:
    """Fit the logistic model by maximum likelihood (statsmodels `Logit`, Newton;
    its per-step costs cut, `fast_logit`).

    Warnings statsmodels raises are captured into ``Estimate.warnings``. A
    singular design raises `FitError` naming the redundant columns, and so does
    complete separation (the estimates do not exist); quasi-complete separation
    is reported in ``separated_terms`` and a warning. If Newton then did not
    converge and the separation is along dummies, the other terms get their
    limits (`_limit_fit`) and the estimate counts as converged for them, with
    the separated terms' covariance NaN. When Newton does not
    converge on the design as given and the data are not separated, it is run
    again on centred and scaled columns (`Standardized`): the same model in
    other coordinates, for designs like ``year + I(year**2)`` whose Hessian is
    too ill-conditioned in the original units (R's glm, which solves by QR,
    converges on them).
    """
    from scipy.special import expit

    redundant = redundant_columns(design.X, design.column_names)
    if redundant:
        raise FitError(singular_message(design, redundant))
    fitted, params, cov, found = _newton(design, design.X, _warm_start(design) if start is None else start)
    converged = bool(fitted.mle_retvals.get("converged", False))
    separation = None
    if not converged:
        separation = detect_separation(design.X, design.y, design.column_names)
        if separation.kind not in ("complete", "quasi"):
            coordinates = Standardized.of(design)
            retried, gamma, gamma_cov, retry_found = _newton(design, coordinates.Z, None)
            if retried.mle_retvals.get("converged", False):
                fitted, converged, found = retried, True, retry_found
                params, cov = coordinates.params(gamma), coordinates.cov(gamma_cov)
    with np.errstate(over="ignore", invalid="ignore"):
        probabilities = expit(design.X @ params)
    if not (np.all(np.isfinite(params)) and np.all(np.isfinite(probabilities))):
        magnitude = np.maximum(design.X.max(axis=0), -design.X.min(axis=0))
        worst = design.column_names[int(np.argmax(magnitude))]
        raise FitError(
            "the fit broke down numerically (non-finite estimates); column "
            f"'{worst}' has values as large as {magnitude.max():.3g}: rescale it "
            "(e.g. other units, or log) and refit"
        )
    iterations = int(fitted.mle_retvals.get("iterations", 0))
    log_likelihood = float(fitted.llf)
    separated: tuple[str, ...] = ()
    if looks_separated(probabilities, converged):
        if separation is None:
            separation = detect_separation(design.X, design.y, design.column_names)
        if separation.kind != "unknown":  # the LP decided: its verdict replaces statsmodels' hint
            found = [w for w in found if w.code != "perfect_separation"]
        name = term_namer(design.categoricals)  # 'site: E', not 'C(site)[T.E]'
        terms = [name(t) for t in separation.terms if t != "Intercept"] or list(separation.terms)
        shown = _term_list(terms)
        if separation.kind == "complete":
            raise FitError(
                f"complete separation: {shown} {'predicts' if len(terms) == 1 else 'predict'} "
                f"'{design.outcome}' perfectly, so the "
                "maximum-likelihood estimates do not exist (they are infinite); remove or merge "
                f"those terms, or fit Firth's bias-reduced model ({option('--method', 'firth')}) "
                f"or a penalized one (e.g. {option('--penalty', 'l2')} {option('--alpha', 'cv')}), "
                "whose estimates are finite"
            )
        if separation.kind == "quasi":
            separated = separation.terms
            limit = None if converged else _limit_fit(design, separation)
            if limit is not None:
                limit_params, cov, log_likelihood, iterations = limit
                stopped = np.isnan(limit_params)  # the separated terms: where Newton stopped
                limit_params[stopped] = params[stopped]
                params = limit_params
                with np.errstate(over="ignore"):
                    probabilities = expit(design.X @ params)
                converged = True  # as far as anything converges: the warning below says what
                found = [w for w in found if w.code != "not_converged"]
            found.insert(0, ReportWarning(
                "quasi_separation",
                f"quasi-complete separation: {separation.n_perfect} of {design.n_obs} rows are "
                f"predicted perfectly along {shown}; their maximum-likelihood estimates are "
                "infinite, so the values shown are where the optimizer stopped and their "
                "standard errors, p-values and intervals are not shown"
                + ("" if limit is None else
                   f"; the other terms' estimates and standard errors are their limits, the "
                   f"maximum-likelihood fit to the {design.n_obs - separation.n_perfect} other rows")
                + f"; Firth's fit of the same model, whose estimates are finite, is shown beside it "
                f"({option('--method', 'firth')} reports it alone)",
            ))
    if not converged:  # statsmodels' ConvergenceWarning, replaced by what was tried
        found = [w for w in found if w.code != "not_converged"]
        found.insert(0, ReportWarning(
            "not_converged",
            f"the fit did not converge: Newton's method stopped after "
            f"{iterations} of {MAX_NEWTON_ITERATIONS} iterations without "
            "meeting its tolerance; no standard errors, p-values or intervals are shown",
        ))
    # statsmodels could not invert the Hessian: its covariance is no sampling covariance
    singular = any(w.code == "singular_hessian" for w in found)
    return Estimate(
        method="mle",
        params=params,
        cov=None if singular else cov,
        log_likelihood=log_likelihood,
        converged=converged,
        iterations=iterations,
        probabilities=probabilities,
        warnings=tuple(found),
        separated_terms=separated,
        max_iterations=MAX_NEWTON_ITERATIONS,
        solver="statsmodels Logit, Newton",
    )


def _limit_fit(design: Design, separation: Separation) -> tuple[np.ndarray, np.ndarray, float, int] | None:
    """Where Newton heads under quasi-complete separation, for the terms that have a limit.

    Along the separating direction the perfectly predicted rows' likelihood tends
    to 1, so the other terms' estimates and information tend to those of the fit
    to the other rows (Clarkson & Jennrich 1991). That fit is taken when the
    separating terms are zero on those rows (a level with no events, a dummy that
    predicts): the separated terms keep where Newton stopped, their covariance is
    NaN (not shown), the log-likelihood is the supremum, the other rows', and the
    iterations are that fit's.
    Otherwise (a direction mixing continuous columns) None: nothing is claimed.
    """
    perfect = separation.perfect
    if perfect is None or not perfect.any() or perfect.all():
        return None
    names = design.column_names
    separated = np.array([names.index(term) for term in separation.terms])
    rest = ~perfect
    if "Intercept" in separation.terms or np.any(design.X[np.ix_(rest, separated)] != 0.0):
        return None
    kept = np.array([j for j in range(len(names)) if j not in separated])
    sub = dataclasses.replace(design, X=np.asfortranarray(design.X[np.ix_(rest, kept)]), y=design.y[rest],
                              column_names=tuple(names[j] for j in kept))
    if redundant_columns(sub.X, sub.column_names):
        return None
    fitted, sub_params, sub_cov, _ = _newton(sub, sub.X, None)
    if not fitted.mle_retvals.get("converged", False):
        return None
    fitted_separated = detect_separation(sub.X, sub.y, sub.column_names)
    if fitted_separated.kind != "none":  # separated again: no limit to report
        return None
    params = np.full(len(names), np.nan)
    cov = np.full((len(names), len(names)), np.nan)
    params[kept] = sub_params
    cov[np.ix_(kept, kept)] = sub_cov
    return params, cov, float(fitted.llf), int(fitted.mle_retvals.get("iterations", 0))


def _newton(
    design: Design, X: np.ndarray, start: np.ndarray | None
) -> tuple[Any, np.ndarray, np.ndarray, list[ReportWarning]]:
    """statsmodels' Newton on ``X`` (the design's matrix, or the same in other
    coordinates): the results, parameters, covariance and warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # the rank was checked (redundant_columns); statsmodels' own check is a full QR
            model = fast_logit()(design.y, X, check_rank=False)
            fitted = model.fit(
                method="newton", maxiter=MAX_NEWTON_ITERATIONS, disp=False, start_params=start
            )
            cov = np.asarray(fitted.cov_params(), dtype=np.float64)
            params = np.asarray(fitted.params, dtype=np.float64)
        except np.linalg.LinAlgError as exc:
            raise FitError(singular_message(design, [])) from exc
    return fitted, params, cov, list(report_warnings(caught))


@dataclass(frozen=True, eq=False)
class Standardized:
    """The design in centred and scaled coordinates: ``Z = (X - mean) / scale`` for
    every column but the intercept, so ``X @ b == Z @ g`` with ``b = T @ g``.

    Without an intercept the columns are only scaled (nothing would absorb
    the means). Scales are powers of two (dividing by them changes no digit).
    """

    Z: np.ndarray  # shape (n, k)
    T: np.ndarray  # shape (k, k): original parameters = T @ these coordinates' parameters

    @classmethod
    def of(cls, design: Design) -> Standardized:
        X = design.X
        slopes = np.array([name != "Intercept" for name in design.column_names])
        means = np.where(slopes, X.mean(axis=0), 0.0) if design.has_intercept else np.zeros(len(slopes))
        centred = X - means
        largest = np.maximum(centred.max(axis=0), -centred.min(axis=0))
        _, exponent = np.frexp(largest)  # largest = m * 2**exponent, 0.5 <= m < 1
        scales = np.where(slopes & (largest > 0), np.ldexp(1.0, exponent - 1), 1.0)
        T = np.diag(1.0 / scales)
        if design.has_intercept:
            T[design.column_names.index("Intercept")] -= means / scales
        return cls(np.asfortranarray(centred / scales), T)

    def params(self, gamma: np.ndarray) -> np.ndarray:
        return self.T @ gamma

    def cov(self, gamma_cov: np.ndarray) -> np.ndarray:
        return self.T @ gamma_cov @ self.T.T


def _term_list(terms: list[str] | tuple[str, ...]) -> str:
    quoted = [f"'{t}'" for t in terms]
    if len(quoted) <= 1:
        return "".join(quoted) or "the design"
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
