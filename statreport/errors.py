"""One hierarchy for every error and warning statreport raises.

Each error class carries the exit code the command line maps it to, so the
CLI and the README cannot disagree about what a code means.
"""

from __future__ import annotations


class StatReportError(Exception):
    """Root of every error statreport raises on purpose."""

    exit_code: int = 1


class UsageError(StatReportError):
    """An option or argument that is not allowed (exit 2)."""

    exit_code = 2


class FormulaError(StatReportError):
    """A formula that does not parse or names a column that is not there (exit 2)."""

    exit_code = 2


class DataError(StatReportError):
    """A data file or column that cannot be used as given (exit 3)."""

    exit_code = 3


class FitError(StatReportError):
    """A model that cannot be estimated from these data (exit 4)."""

    exit_code = 4


class RenderError(StatReportError):
    """A report that cannot be rendered or written (exit 5)."""

    exit_code = 5


class StatReportWarning(UserWarning):
    """Root of the warnings statreport emits."""


EXIT_CODES: dict[int, str] = {
    0: "report written",
    2: "usage or formula error",
    3: "data error",
    4: "the model cannot be estimated (or, with --strict, the report has warnings)",
    5: "rendering or output error",
}
