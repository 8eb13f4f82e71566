"""statreport: verified logistic-regression reports from a formula and a data file.

>>> import statreport
>>> result = statreport.fit("y ~ x", "examples/tutorial.csv")   # doctest: +SKIP
>>> result.coefficients                                          # doctest: +SKIP
>>> result.to_html("report.html")                                # doctest: +SKIP

Heavy libraries load on first use, so ``import statreport`` and
``statreport --help`` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    DataError,
    FitError,
    FormulaError,
    RenderError,
    StatReportError,
    StatReportWarning,
    UsageError,
)

if TYPE_CHECKING:  # pragma: no cover
    from .api import fit
    from .fit_result import FitResult
    from .model_comparison import compare
    from .model_file import Model, load_model

__all__ = [
    "DataError",
    "FitError",
    "FitResult",
    "FormulaError",
    "Model",
    "RenderError",
    "StatReportError",
    "StatReportWarning",
    "UsageError",
    "__version__",
    "compare",
    "fit",
    "load_model",
]


def __getattr__(name: str) -> Any:
    if name == "fit":
        from .api import fit

        return fit
    if name == "FitResult":
        from .fit_result import FitResult

        return FitResult
    if name in ("Model", "load_model"):
        from . import model_file

        return getattr(model_file, name)
    if name == "compare":
        from .model_comparison import compare

        return compare
    raise AttributeError(f"module 'statreport' has no attribute {name!r}")
