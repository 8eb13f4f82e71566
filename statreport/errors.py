"""One hierarchy for every error and warning statreport raises.

Each error class carries the exit code the command line maps it to, so the
CLI and the README cannot disagree about what a code means. Each also derives
from the builtin a Python caller would catch for it (as scikit-learn's errors
do): a bad option or bad data is a `ValueError`, an option of the wrong type a
`TypeError`, a missing data file a `FileNotFoundError`, a report that cannot
be written an `OSError`.

Warnings are classes a script can filter (``warnings.simplefilter("error",
statreport.errors.ConvergenceWarning)``); `WARNING_CLASSES` says which class
each report warning code is raised with.

Messages speak the library's language (``penalty='l2'``, ``refit=True``);
the command line rewrites those into its options (`statreport.options.for_command_line`).
"""

from __future__ import annotations


class StatReportError(Exception):
    """Root of every error statreport raises on purpose."""

    exit_code: int = 1


class UsageError(StatReportError, ValueError):
    """An option or argument that is not allowed (exit 2)."""

    exit_code = 2


class OptionTypeError(UsageError, TypeError):
    """An option of the wrong type, e.g. ``folds="5"`` (exit 2).

    Both a `ValueError` (as every `UsageError`) and a `TypeError`, as Python
    itself raises for an argument of the wrong type.
    """


class FormulaError(StatReportError, ValueError):
    """A formula that does not parse or names a column that is not there (exit 2)."""

    exit_code = 2


class MissingColumnError(FormulaError):
    """A column the formula or an option names is not in the data (exit 2).

    ``column`` is the name, ``where`` the data ("'data.csv'") and ``detail`` what
    follows in the message (a close match, the columns there), so that a caller
    that knows who named it can say so (`rename`)."""

    def __init__(self, column: str, where: str, detail: str, named_by: str = "the formula") -> None:
        super().__init__(f"column '{column}' named in {named_by} is not in {where}{detail}")
        self.column, self.where, self.detail = column, where, detail

    def rename(self, named_by: str) -> MissingColumnError:
        """The same error, saying who named the column ("cluster=...")."""
        return MissingColumnError(self.column, self.where, self.detail, named_by)


class DataError(StatReportError, ValueError):
    """A data file or column that cannot be used as given (exit 3)."""

    exit_code = 3


class DataFileNotFoundError(DataError, FileNotFoundError):
    """The data file does not exist (exit 3); also a `FileNotFoundError`."""


class ModelFileError(DataError):
    """A saved model file that cannot be read or used: not a statreport model, a newer
    format, a hand-edited state (exit 3)."""


class FitError(StatReportError, ValueError):
    """A model that cannot be estimated from these data (exit 4).

    A `ValueError`: the data are the wrong value for this model (separated,
    collinear, constant), as scikit-learn raises for data it cannot fit.
    """

    exit_code = 4


class RenderError(StatReportError, RuntimeError):
    """A report that cannot be rendered or written (exit 5).

    A `RuntimeError`: rendering fails on the way (a template, a figure, the PDF
    engine), not because a value passed in is wrong. Failing to write a file is
    the subclass `OutputError`, also an `OSError`.
    """

    exit_code = 5


class OutputError(RenderError, OSError):
    """A report file that cannot be written: missing or read-only folder, full disk (exit 5)."""


class StatReportWarning(UserWarning):
    """Root of the warnings statreport emits."""


class ConvergenceWarning(StatReportWarning):
    """The fit stopped before its optimum (the estimates are where it stopped)."""


class SeparationWarning(StatReportWarning):
    """Complete or quasi-complete separation: some estimates are infinite."""


class NumericalWarning(StatReportWarning):
    """Floating-point trouble in the fit: a singular Hessian, overflow."""


class CrossCheckWarning(StatReportWarning):
    """The independent scikit-learn refit disagrees with the fit."""


class DataWarning(StatReportWarning):
    """Something about the data the reader must know: rows dropped, sparse levels."""


class InferenceWarning(StatReportWarning):
    """p-values or tests that do not mean what they usually do (post-selection, no intercept)."""


class SolverWarning(StatReportWarning):
    """A message a solver (statsmodels, the penalized solvers) gave, passed on as it came."""


#: The class each report warning code (`ReportWarning.code`) is warned with.
WARNING_CLASSES: dict[str, type[StatReportWarning]] = {
    "not_converged": ConvergenceWarning,
    "quasi_separation": SeparationWarning,
    "perfect_separation": SeparationWarning,
    "singular_hessian": NumericalWarning,
    "numerical": NumericalWarning,
    "crosscheck_failed": CrossCheckWarning,
    "rows_dropped": DataWarning,
    "levels_left_out": DataWarning,
    "collinearity": InferenceWarning,
    "sparse_levels": DataWarning,
    "sparse_reference": DataWarning,
    "missing_code_as_level": DataWarning,
    "no_intercept": InferenceWarning,
    "post_selection": InferenceWarning,
    "wald_intervals": InferenceWarning,
    "wald_tests": InferenceWarning,
    "few_clusters": InferenceWarning,
    "class_weights": InferenceWarning,
    "solver": SolverWarning,
    "estimation": SolverWarning,
}


def warning_class(code: str) -> type[StatReportWarning]:
    """The warning class of a report warning code; `StatReportWarning` for an unknown code."""
    return WARNING_CLASSES.get(code, StatReportWarning)


EXIT_CODES: dict[int, str] = {
    0: "report written",
    2: "usage or formula error",
    3: "data error",
    4: "the model cannot be estimated (or, with --strict, the report has warnings)",
    5: "rendering or output error; no report written",
    130: "interrupted (SIGINT); no report written",
}
