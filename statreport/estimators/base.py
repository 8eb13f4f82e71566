"""What every estimator returns and declares: the seam between fitting and everything after.

An estimator takes the `Design` and returns an `Estimate`: coefficients, what
inference needs, and its own details (a small frozen dataclass of plain values
that its report section shows). It also declares, in `Capabilities`, what
inference its estimates support; downstream code asks those, never which
estimator ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from ..crosscheck import SklearnRefit
    from ..design import Design
    from ..progress import Stages
    from ..result import ReportWarning


@dataclass(frozen=True)
class Capabilities:
    """What an estimator's estimates support.

    intervals : "wald", "profile" or "none"
        Confidence intervals the coefficient table may show: Wald from ``Estimate.cov``,
        the estimator's own (``Estimate.intervals``, e.g. profile likelihood), or none.
    tests : "wald", "lr" or "none"
        Per-coefficient tests: Wald z from ``cov``, the estimator's own likelihood-ratio
        p-values (``Estimate.p_values``), or none.
    model_test : bool
        Whether the likelihood-ratio test against the intercept-only model, AIC and
        BIC mean what they say (they assume maximum likelihood or its penalized analogue).
    standard_errors : bool
        Whether ``cov`` is a valid sampling covariance (standard errors shown).
    shrunk : bool
        Estimates are shrunk toward zero on purpose (a penalty): the report says so.
    refit_before_fit : bool
        The cross-check's independent refit does not need the estimate, so it can run
        beside the fit.
    """

    intervals: str = "wald"
    tests: str = "wald"
    model_test: bool = True
    standard_errors: bool = True
    shrunk: bool = False
    refit_before_fit: bool = True


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
    details: Any = None  # estimator-specific frozen data for its report section


class Estimator(Protocol):
    """An estimation method, registered by name in `statreport.estimators`.

    Instances are frozen dataclasses holding the method's own options.
    """

    name: ClassVar[str]
    label: ClassVar[str]  # how the report names the method
    capabilities: ClassVar[Capabilities]

    def fit(self, design: Design, *, ci_level: float, stage: Stages) -> Estimate:
        """Fit the model to ``design``; ``stage`` reports progress of long steps."""
        ...

    def refit(self, design: Design, estimate: Estimate | None) -> SklearnRefit:
        """The cross-check's independent refit (scikit-learn) of the same model;
        ``estimate`` is None when ``capabilities.refit_before_fit``."""
        ...

    def check(self, design: Design) -> None:
        """Refuse a design this estimator cannot fit (a `UsageError` or `FitError`),
        before any work."""
        ...
