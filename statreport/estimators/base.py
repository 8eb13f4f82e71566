"""What every estimator declares: the seam between fitting and everything after.

An estimator takes the `Design` and returns an `Estimate` (`statreport.estimate`):
coefficients, what inference needs, and its own details (a small frozen
dataclass of plain values that its report section shows). It also declares, in
`Capabilities`, what inference its estimates support; downstream code asks
those, never which estimator ran.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ..estimate import Estimate, SklearnRefit
from ..result import Capabilities

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from ..design import Design
    from ..progress import Stages


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

    def submodel_log_likelihood(
        self, design: Design, columns: tuple[int, ...], full: np.ndarray
    ) -> float | None:
        """The log-likelihood of the same model on ``columns`` of the design (the tests of
        terms refit without each term; ``full`` are the full model's estimates, a start),
        or None if it cannot be fitted; needed only when ``capabilities.term_tests``."""
        ...

    def check(self, design: Design) -> None:
        """Refuse a design this estimator cannot fit (a `UsageError` or `FitError`),
        before any work."""
        ...


class WithoutOptions:
    """Defaults for an estimator with no options and nothing to tune: ``from_options``
    makes it, ``check`` accepts every design (a singular one fails in ``fit``, its
    columns named), ``tune`` returns it."""

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Any:
        return cls()

    def check(self, design: Design) -> None:
        """Every design can be tried."""

    def tune(self, design: Design, *, stage: Stages) -> Any:
        return self


__all__ = ["Capabilities", "Estimate", "Estimator", "SklearnRefit", "WithoutOptions"]
