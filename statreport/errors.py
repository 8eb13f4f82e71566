"""One hierarchy for every error and warning statreport raises.

Each error class carries the exit code the command line maps it to, so the
CLI and the README cannot disagree about what a code means.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


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


#: The command-line options a message can advise, and the `statreport.fit`
#: keyword each one is in Python.
KEYWORDS: dict[str, str] = {
    "--positive": "positive",
    "--decimal": "decimal",
    "--sep": "sep",
    "--encoding": "encoding",
    "--na-value": "na_values",
    "--missing": "missing",
    "--penalty": "penalty",
    "--alpha": "alpha",
    "--l1-ratio": "l1_ratio",
    "--folds": "folds",
    "--refit": "refit",
    "--allow-python-formula": "allow_python_formula",
}
_LIST_KEYWORDS = frozenset({"na_values"})
_SWITCHES = frozenset({"--refit", "--allow-python-formula"})
#: Options whose values are words or numbers, written unquoted (``--penalty l2``);
#: other values are data and are quoted (``--positive 'Dole'``).
_UNQUOTED = frozenset({"--encoding", "--missing", "--penalty", "--alpha", "--l1-ratio", "--folds"})
_ON_COMMAND_LINE: ContextVar[bool] = ContextVar("statreport_on_command_line", default=False)


@contextmanager
def command_line_messages() -> Iterator[None]:
    """Inside, `option` words advice as command-line options; outside, as `fit` keywords."""
    token = _ON_COMMAND_LINE.set(True)
    try:
        yield
    finally:
        _ON_COMMAND_LINE.reset(token)


def option(flag: str, value: object = None) -> str:
    """An option as the reader of a message passes it.

    ``option("--decimal", ",")`` is ``--decimal ','`` in the command line's
    messages and ``decimal=','`` in the library's; a switch (``--refit``) is
    ``refit=True``; without a value, the bare name (``--folds`` / ``folds``).
    """
    keyword = KEYWORDS[flag]
    if _ON_COMMAND_LINE.get():
        if value is None:
            return flag
        text = str(value)
        if flag in _UNQUOTED and re.fullmatch(r"[\w.-]+", text):
            return f"{flag} {text}"
        return f"{flag} '{text}'" if "'" not in text else f"{flag} {shlex.quote(text)}"
    if flag in _SWITCHES:
        return f"{keyword}=True"
    if value is None:
        return keyword
    return f"{keyword}={[value]!r}" if keyword in _LIST_KEYWORDS else f"{keyword}={value!r}"
