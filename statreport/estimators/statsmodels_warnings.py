"""statsmodels' warnings, caught during a fit, as the report's warnings (stable codes)."""

from __future__ import annotations

import warnings

from ..result import ReportWarning


def report_warnings(caught: list[warnings.WarningMessage]) -> tuple[ReportWarning, ...]:
    """One warning per distinct statsmodels message, coded by its class."""
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
