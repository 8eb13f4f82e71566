"""The fitting seam: every estimation method returns the same `Estimate`.

Today there is one method, maximum likelihood by Newton's method through
statsmodels' `Logit`. Penalized fits, an out-of-core engine or a multinomial
model plug in here by returning an `Estimate`; nothing downstream changes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .design import Design
from .errors import FitError
from .result import ReportWarning

MAX_NEWTON_ITERATIONS = 50


@dataclass(frozen=True, eq=False)
class Estimate:
    """Coefficients and what inference needs, from any estimation method.

    ``cov`` is None when the method gives no valid sampling covariance (a
    penalized fit, say); inference then reports no standard errors.
    """

    method: str
    params: np.ndarray  # shape (k,)
    cov: np.ndarray | None  # shape (k, k)
    log_likelihood: float
    converged: bool
    iterations: int
    probabilities: np.ndarray  # fitted P(y = 1), shape (n,)
    warnings: tuple[ReportWarning, ...] = ()


def fit_mle(design: Design) -> Estimate:
    """Fit the logistic model by maximum likelihood (statsmodels `Logit`, Newton).

    Warnings statsmodels raises are captured into ``Estimate.warnings``; a
    singular design raises `FitError` naming the redundant columns.
    """
    from scipy.special import expit
    from statsmodels.discrete.discrete_model import Logit

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = Logit(design.y, design.X)
            fitted = model.fit(method="newton", maxiter=MAX_NEWTON_ITERATIONS, disp=False)
            cov = np.asarray(fitted.cov_params(), dtype=np.float64)
        except np.linalg.LinAlgError as exc:
            raise FitError(_singular_message(design)) from exc
    retvals = fitted.mle_retvals
    params = np.asarray(fitted.params, dtype=np.float64)
    return Estimate(
        method="mle",
        params=params,
        cov=cov,
        log_likelihood=float(fitted.llf),
        converged=bool(retvals.get("converged", False)),
        iterations=int(retvals.get("iterations", 0)),
        probabilities=expit(design.X @ params),
        warnings=_report_warnings(caught),
    )


def _report_warnings(caught: list[warnings.WarningMessage]) -> tuple[ReportWarning, ...]:
    from statsmodels.tools import sm_exceptions as sme

    codes: list[tuple[type[Warning], str]] = [
        (sme.PerfectSeparationWarning, "perfect_separation"),
        (sme.HessianInversionWarning, "singular_hessian"),
        (sme.ConvergenceWarning, "not_converged"),
        (RuntimeWarning, "numerical"),
    ]
    found: dict[tuple[str, str], None] = {}
    for item in caught:
        code = next((c for cls, c in codes if issubclass(item.category, cls)), "estimation")
        message = " ".join(str(item.message).split())
        found[(code, f"statsmodels: {message}")] = None
    return tuple(ReportWarning(code, message) for code, message in found)


def redundant_columns(X: np.ndarray, names: tuple[str, ...], *, tol: float = 1e-9) -> list[str]:
    """Columns that are linear combinations of earlier ones, in formula order (as R's NA).

    Walks the columns left to right on the Gram matrix: a column whose residual
    sum of squares, after regressing it on the columns kept so far, is below
    ``tol`` times its own sum of squares is redundant.
    """
    gram = X.T @ X
    kept: list[int] = []
    redundant: list[str] = []
    for j in range(gram.shape[0]):
        own = gram[j, j]
        if kept:
            cross = gram[np.ix_(kept, [j])]
            coef = np.linalg.lstsq(gram[np.ix_(kept, kept)], cross, rcond=None)[0]
            residual = own - float((cross.T @ coef).item())
        else:
            residual = own
        if own == 0 or residual <= tol * own:
            redundant.append(names[j])
        else:
            kept.append(j)
    return redundant


def _singular_message(design: Design) -> str:
    redundant = redundant_columns(design.X, design.column_names)
    if redundant:
        listed = ", ".join(f"'{name}'" for name in redundant)
        return (
            f"the design matrix is singular: {listed} "
            f"{'is a linear combination' if len(redundant) == 1 else 'are linear combinations'} "
            "of other columns; remove the redundant term from the formula"
        )
    return (
        "the model cannot be estimated: the information matrix is singular "
        "(often complete separation); consider fewer predictors or a penalized fit"
    )
