"""What every estimator returns (`Estimate`) and what the cross-check's independent refit
returns (`SklearnRefit`): the data that crosses the seam between fitting and
everything after it (inference, classification, the cross-check, the result).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .result import ReportWarning

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


@dataclass(frozen=True, eq=False)
class SklearnRefit:
    """scikit-learn's coefficients on the design's scale (intercept first); NaN if it failed."""

    solver: str
    params: np.ndarray
    converged: bool
    version: str  # scikit-learn's, as imported where the refit ran


@dataclass(frozen=True, eq=False)
class Estimate:
    """Coefficients and what inference needs, from any estimator.

    ``cov`` is None when the method gives no valid sampling covariance (a
    penalized fit); ``intervals`` (k, 2) and ``p_values`` (k,) are the
    estimator's own, at the requested confidence level, when its capabilities
    say it has them (profile-likelihood intervals, likelihood-ratio tests);
    otherwise inference uses ``cov`` (Wald). ``probabilities`` are what the
    classification section uses (for Firth, the FLIC-corrected ones).
    ``model_test`` is the estimator's own test against the intercept-only model
    (statistic, df, p-value) when it is not the plain likelihood ratio.
    ``details`` is the estimator's own frozen data for its report section.
    """

    method: str
    params: np.ndarray  # shape (k,)
    cov: np.ndarray | None  # shape (k, k)
    log_likelihood: float  # the (unpenalized) log-likelihood at params
    converged: bool
    iterations: int
    probabilities: np.ndarray  # fitted P(y = 1), shape (n,)
    warnings: tuple[ReportWarning, ...] = ()
    separated_terms: tuple[str, ...] = ()  # estimates that diverge (quasi-separation)
    max_iterations: int = 0
    solver: str = ""
    intervals: np.ndarray | None = None  # shape (k, 2): own interval bounds
    p_values: np.ndarray | None = None  # shape (k,): own per-coefficient tests
    model_test: tuple[float, int, float] | None = None  # (chi2, df, p) when not the plain LR
    model_test_kind: str = "likelihood-ratio"  # what model_test is ("penalized likelihood-ratio")
    #: what ``probabilities`` are when not the fitted model's own (Firth's FLIC-corrected ones)
    probabilities_note: str = ""
    details: Any = None  # estimator-specific frozen data for its report section
    #: why the intervals are not the kind the estimator would choose by default ("" otherwise)
    interval_note: str = ""
    #: the null model's log-likelihood when not the plain one of the outcome (a weighted fit's)
    null_log_likelihood: float | None = None
    #: the coefficients whose linear predictor gives ``probabilities``, when not ``params``
    #: (Firth's slopes with the FLIC intercept): what a saved model scores new data with
    prediction_params: np.ndarray | None = None


__all__ = ["Estimate", "SklearnRefit"]
