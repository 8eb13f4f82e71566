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

from ..result import Capabilities, ReportWarning

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from ..crosscheck import SklearnRefit
    from ..design import Design
    from ..progress import Stages


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
    capabilities: ClassVar[Capabilities]
    #: the cross-check's tolerances: largest probability difference, and coefficient
    #: difference relative to max(1, |estimate|)
    tolerances: ClassVar[tuple[float, float]]
    #: whether the cross-check's refit needs the estimate (else it may run beside the fit)
    refit_needs_estimate: ClassVar[bool]

    @property
    def label(self) -> str:
        """How the report names the method ("Penalized likelihood, L1 (lasso)")."""
        ...

    def tune(self, design: Design, *, stage: Stages) -> Estimator:
        """This estimator with its tuning settled on ``design`` (a cross-validated
        penalty strength, say); itself when there is nothing to tune."""
        ...

    def fit(self, design: Design, *, ci_level: float, stage: Stages) -> Estimate:
        """Fit the model to ``design``; ``stage`` reports progress of long steps."""
        ...

    def refit(self, design: Design, estimate: Estimate | None) -> SklearnRefit:
        """The cross-check's independent refit (scikit-learn) of the same model;
        ``estimate`` is None unless ``refit_needs_estimate``."""
        ...

    def check(self, design: Design) -> None:
        """Refuse a design this estimator cannot fit (a `UsageError` or `FitError`),
        before any work."""
        ...


__all__ = ["Capabilities", "Estimate", "Estimator"]
