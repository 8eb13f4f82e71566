"""Every option of ``statreport fit``, declared once.

`OPTIONS` is the one table (in the spirit of scikit-learn's
``_parameter_constraints``): each row names the `statreport.fit` keyword, the
command-line flags, what values are allowed, the default, and the help text.
From it:

- `validate` checks a call's options up front, types included, and the rules
  between them (a penalty needs alpha, ...), and returns them normalized;
- `add_arguments` declares the arguments of ``statreport fit``;
- `for_command_line` rewrites advice worded for Python (``penalty='l2'``)
  into the command line's options (``--penalty l2``).

Imports stay light (no numpy, pandas or statsmodels): ``statreport --help``
builds its parser from this table.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import numbers
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import OptionTypeError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    import argparse


# --- what an option allows ---------------------------------------------------------------------


def _a(name: str) -> str:
    return f"an {name}" if name[:1] in "aeiou" else f"a {name}"


def _type_error(keyword: str, allowed: str, value: object) -> OptionTypeError:
    return OptionTypeError(f"{keyword} must be {allowed}; got {value!r} ({_a(type(value).__name__)})")


def _value_error(keyword: str, allowed: str, value: object) -> UsageError:
    return UsageError(f"{keyword} must be {allowed}; got {value!r}")


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not _is_bool(value)


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not _is_bool(value)


def _is_bool(value: object) -> bool:
    kind = type(value)
    return isinstance(value, bool) or (kind.__module__ == "numpy" and kind.__name__ in ("bool", "bool_"))


class Constraint(Protocol):
    """What one option allows: `check` a Python value, `parse` command-line text."""

    @property
    def allowed(self) -> str:
        """Completes "<keyword> must be ...": "a number strictly between 0 and 1"."""
        ...

    def check(self, keyword: str, value: object) -> object:
        """The value, normalized; `OptionTypeError` for a wrong type, `UsageError` for a wrong value."""
        ...

    def parse(self, text: str) -> object:
        """The value a command-line text stands for (`ValueError` if it stands for none)."""
        ...


@dataclass(frozen=True)
class Real:
    """A finite number, optionally within bounds (open unless ``closed``)."""

    allowed: str = "a number"
    low: float | None = None
    high: float | None = None
    closed: bool = False

    def check(self, keyword: str, value: object) -> float:
        if not _is_real(value):
            raise _type_error(keyword, self.allowed, value)
        number = float(value)  # type: ignore[arg-type]
        inside = math.isfinite(number)
        if self.low is not None:
            inside = inside and (number >= self.low if self.closed else number > self.low)
        if self.high is not None:
            inside = inside and (number <= self.high if self.closed else number < self.high)
        if not inside:
            raise _value_error(keyword, self.allowed, value)
        return number

    def parse(self, text: str) -> float:
        return float(text)


@dataclass(frozen=True)
class Integer:
    """A whole number (an ``int``, not a float or a string) within bounds."""

    allowed: str
    low: int | None = None
    high: int | None = None

    def check(self, keyword: str, value: object) -> int:
        if not _is_int(value):
            raise _type_error(keyword, self.allowed, value)
        number = int(value)  # type: ignore[call-overload]
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            raise _value_error(keyword, self.allowed, value)
        return number

    def parse(self, text: str) -> int:
        return int(text)


@dataclass(frozen=True)
class Choice:
    """One of a few strings."""

    values: tuple[str, ...]

    @property
    def allowed(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)

    def check(self, keyword: str, value: object) -> str:
        if not isinstance(value, str):
            raise _type_error(keyword, self.allowed, value)
        if value not in self.values:
            raise _value_error(keyword, self.allowed, value)
        return value

    def parse(self, text: str) -> str:
        return text


@dataclass(frozen=True)
class PositiveOrCV:
    """A finite positive number, or the word 'cv' (any case)."""

    allowed: str = "a positive number or 'cv'"

    def check(self, keyword: str, value: object) -> float | str:
        if isinstance(value, str):
            if value.strip().lower() == "cv":
                return "cv"
            try:
                float(value)
            except ValueError:
                raise _value_error(keyword, self.allowed, value) from None
            raise _type_error(keyword, self.allowed, value)  # '0.1': a number written as text
        if not _is_real(value):
            raise _type_error(keyword, self.allowed, value)
        number = float(value)  # type: ignore[arg-type]
        if not math.isfinite(number):
            raise _value_error(keyword, "a finite positive number or 'cv'", value)
        if not number > 0:
            raise _value_error(keyword, self.allowed, value)
        return number

    def parse(self, text: str) -> float | str:
        return "cv" if text.strip().lower() == "cv" else float(text)


@dataclass(frozen=True)
class Text:
    """A string (or one of ``also``, turned into its string)."""

    allowed: str = "text (a str)"
    also: tuple[type, ...] = ()

    def check(self, keyword: str, value: object) -> str:
        if not isinstance(value, (str, *self.also)):
            raise _type_error(keyword, self.allowed, value)
        text = str(value)
        try:  # a lone surrogate (bytes that were not UTF-8 on a command line) cannot be written out
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise _value_error(keyword, f"text that can be written as UTF-8 (character {exc.start + 1} "
                               "is half of a surrogate pair)", value) from None
        return text

    def parse(self, text: str) -> str:
        return text


@dataclass(frozen=True)
class MemorySize:
    """Bytes: a whole number, or a size with its unit ("4GB" is 10**9 bytes a GB, "4GiB" or "4G" 2**30)."""

    allowed: str = "a size such as '4GB', '500MB' or '2GiB', or a whole number of bytes, above 0"

    def check(self, keyword: str, value: object) -> int:
        from .budget import parse_size

        if not (_is_int(value) or isinstance(value, str)):
            raise _type_error(keyword, self.allowed, value)
        try:
            size = parse_size(value) if isinstance(value, str) else int(value)  # type: ignore[call-overload]
        except ValueError:
            raise _value_error(keyword, self.allowed, value) from None
        if size <= 0:
            raise _value_error(keyword, self.allowed, value)
        return size

    def parse(self, text: str) -> str:
        return text


@dataclass(frozen=True)
class Label:
    """A value of the data, as text or a number; kept as its text (``2`` -> ``"2"``)."""

    allowed: str = "an outcome value (a str or a number)"

    def check(self, keyword: str, value: object) -> str:
        if not isinstance(value, (str, numbers.Real)):
            raise _type_error(keyword, self.allowed, value)
        return str(value)

    def parse(self, text: str) -> str:
        return text


@dataclass(frozen=True)
class Units:
    """Units for odds ratios: a mapping column -> positive number, or on the command line
    ``age=10,income=1000`` (SAS's UNITS)."""

    allowed: str = "a mapping of predictor to a positive number, e.g. {'age': 10} (age=10,income=1000)"

    def check(self, keyword: str, value: object) -> tuple[tuple[str, float], ...]:
        if value is None:
            return ()
        if isinstance(value, tuple) and all(isinstance(item, tuple) for item in value):
            value = dict(value)  # already checked, as the command line passes it on
        if not isinstance(value, Mapping):
            raise _type_error(keyword, self.allowed, value)
        units = []
        for name, unit in value.items():
            if not isinstance(name, str) or not _is_real(unit):
                raise _type_error(keyword, self.allowed, value)
            if not (math.isfinite(float(unit)) and float(unit) > 0):  # type: ignore[arg-type]
                raise _value_error(keyword, f"a positive number for each predictor ({name!r})", value)
            units.append((name, float(unit)))  # type: ignore[arg-type]
        return tuple(units)

    def parse(self, text: str) -> dict[str, float]:
        wrong = UsageError(f"units must be name=number pairs such as age=10,income=1000; got {text!r}")
        units: dict[str, float] = {}
        for item in text.split(","):
            name, equals, number = item.partition("=")
            if not equals or not name.strip():
                raise wrong
            try:
                units[name.strip()] = float(number)
            except ValueError:
                raise wrong from None
        return units


@dataclass(frozen=True)
class TextList:
    """A list of texts (numbers become their text); a lone string is one text (as pandas'
    ``na_values``), never split into characters."""

    allowed: str

    def check(self, keyword: str, value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, bytes) or not isinstance(value, Sequence):
            raise _type_error(keyword, self.allowed, value)
        for item in value:
            if not isinstance(item, (str, numbers.Real)) or _is_bool(item):
                raise _type_error(keyword, self.allowed, value)
        return tuple(str(item) for item in value)

    def parse(self, text: str) -> str:
        return text


@dataclass(frozen=True)
class Switch:
    """True or False; on the command line, a flag without a value."""

    allowed: str = "True or False"

    def check(self, keyword: str, value: object) -> bool:
        if not _is_bool(value):
            raise _type_error(keyword, self.allowed, value)
        return bool(value)

    def parse(self, text: str) -> bool:  # pragma: no cover - a switch takes no text
        raise ValueError(text)


@dataclass(frozen=True)
class Paths:
    """Command line only: files to write, one per flag."""

    allowed: str = "a file path"

    def check(self, keyword: str, value: object) -> Path:  # pragma: no cover - not a fit keyword
        return Path(value)  # type: ignore[arg-type]

    def parse(self, text: str) -> Path:
        return Path(text)


# --- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One option of ``statreport fit``: a `statreport.fit` keyword and its flags.

    ``None`` is allowed exactly when it is the default ("not given").
    ``estimator`` names the estimator the option belongs to (None: every fit).
    ``cli_only`` rows are command-line options with no `fit` keyword.
    ``quote``: the values are data (a label, a delimiter), always quoted on
    the command line (``--positive 'Dole'``); otherwise a plain word or number
    is written bare (``--penalty l2``).
    """

    keyword: str
    flags: tuple[str, ...]
    kind: Constraint
    default: Any = None
    help: str = ""
    metavar: str | None = None
    group: str | None = None
    estimator: str | None = None
    cli_only: bool = False
    quote: bool = False

    @property
    def flag(self) -> str:
        """The long flag (``--na-value``)."""
        return next(f for f in self.flags if f.startswith("--"))

    def check(self, value: object) -> object:
        if value is None and self.default is None:
            return None
        return self.kind.check(self.keyword, value)

    def library_form(self, value: object = None) -> str:
        """How a Python caller passes it: ``positive='Dole'``, ``refit=True``, ``na_values=['.']``,
        or the bare keyword without a value."""
        if isinstance(self.kind, Switch):
            return f"{self.keyword}=True"
        if value is None:
            return self.keyword
        if isinstance(self.kind, TextList):
            items = list(value) if isinstance(value, (list, tuple)) else [value]
            return f"{self.keyword}={items!r}"
        return f"{self.keyword}={value!r}"

    def command_line_form(self, value: object = None) -> str:
        """How the command line passes it: ``--positive 'Dole'``, ``--refit``, ``--na-value '.'``."""
        if isinstance(self.kind, Switch) or value is None:
            return self.flag
        if isinstance(self.kind, TextList):
            items = list(value) if isinstance(value, (list, tuple)) else [value]
            return " ".join(f"{self.flag} {self._shell(item)}" for item in items)
        return f"{self.flag} {self._shell(value)}"

    def _shell(self, value: object) -> str:
        text = str(value)
        if not self.quote and re.fullmatch(r"[\w.+-]+", text):
            return text
        return f"'{text}'" if "'" not in text else shlex.quote(text)


PENALIZED = "penalized fits"

#: Each argparse group's description, by name (options with no group are plain options).
GROUPS: dict[str, str] = {
    PENALIZED: (
        "minimize -loglik/n + alpha*(l1_ratio*||b||_1 + (1-l1_ratio)/2*||b||_2^2), intercept "
        "unpenalized (glmnet's lambda = alpha; scikit-learn's C = 1/(n*alpha)). No p-values or "
        "confidence intervals are reported for a penalized fit."
    ),
}

#: The estimators `validate` resolves ``method`` to.
METHODS = ("mle", "firth")
PENALTIES = ("l1", "l2", "elasticnet")
CI_METHODS = ("auto", "profile", "wald")
SE_TYPES = ("model", "hc0", "hc1", "hc3")
SEED_MAX = 2**32 - 1  # scikit-learn's StratifiedKFold takes seeds up to this

OPTIONS: tuple[Option, ...] = (
    Option("output", ("-o", "--output"), Paths(), (), metavar="PATH", cli_only=True,
           help="report file; the format comes from the extension (.html, .pdf, .json); repeat for more"),
    Option("positive", ("--positive",), Label(), None, metavar="LABEL", quote=True,
           help="outcome value counted as 1 (needed unless the outcome is 0/1 or true/false)"),
    Option("threshold", ("--threshold",), Real("a number strictly between 0 and 1", 0.0, 1.0), 0.5,
           metavar="P", help="probability cut-off for the classification table (default: 0.5)"),
    Option("ci_level", ("--ci-level",), Real("a number strictly between 0 and 1", 0.0, 1.0), 0.95,
           metavar="LEVEL", help="confidence level of the intervals (default: 0.95)"),
    Option("ci_method", ("--ci-method",), Choice(CI_METHODS), "auto",
           help="confidence intervals: profile likelihood (R's confint; the default up to 100,000 rows "
           "with model-based standard errors) or Wald (the default above, and with robust standard "
           "errors); auto chooses"),
    Option("se", ("--se",), Choice(SE_TYPES), None,
           help="standard errors: model-based (the default; hc0 with --class-weight), or robust sandwich "
           "ones, hc0, hc1 (times n/(n-k), Stata's vce(robust)) or hc3 (leverage-adjusted); z, p and "
           "intervals follow"),
    Option("cluster", ("--cluster",), Text("a column name (a str)"), None, metavar="COLUMN", quote=True,
           help="cluster-robust standard errors by this column (matched sets, repeated measures): "
           "Stata's vce(cluster COLUMN), with the G/(G-1) adjustment"),
    Option("weights", ("--weights",), Text("a column name (a str)"), None, metavar="COLUMN", quote=True,
           help="frequency weights: each row stands for this many identical observations (whole "
           "numbers; the report is that of the expanded rows)"),
    Option("trials", ("--trials",), Text("a column name (a str)"), None, metavar="COLUMN", quote=True,
           help="events/trials data: the outcome column counts the events out of this many trials "
           "per row (a published table of counts)"),
    Option("class_weight", ("--class-weight",), Choice(("balanced",)), None,
           help="weight each class by n/(2 n_class) (scikit-learn's 'balanced'), for rare outcomes: "
           "robust (HC0) standard errors; the probabilities are then those of a balanced sample, "
           "not event risks"),
    Option("units", ("--units",), Units(), None, metavar="X=U,...",
           help="odds ratios also per these units of numeric predictors, e.g. age=10,income=1000 "
           "(per 10 years of age, per 1000 of income)"),
    Option("title", ("--title",), Text(), None, quote=True,
           help="report title (default: 'Logistic regression report')"),
    Option("page_size", ("--page-size",), Choice(("a4", "letter")), "a4", cli_only=True,
           help="paper size of a PDF report (default: a4)"),
    Option("date", ("--date",), Text("text (a str or a datetime.date)", (dt.date,)), None,
           metavar="TEXT", quote=True,
           help="date printed on the report (default: SOURCE_DATE_EPOCH if set, else none)"),
    Option("sep", ("--sep",), Text(), None, metavar="CHAR", quote=True,
           help="field delimiter of a text file: a character, or tab, comma, semicolon, pipe, space "
           "(default: detected among , ; tab |; an ambiguous file is an error)"),
    Option("encoding", ("--encoding",), Text(), "utf-8",
           help="text encoding of the data file (default: utf-8)"),
    Option("decimal", ("--decimal",), Choice((".", ",")), ".", quote=True, metavar="MARK",
           help="decimal mark of numbers in a text file: '.' (default) or ','"),
    Option("na_values", ("--na-value",), TextList("a list of cell texts, e.g. ['.']"), (),
           metavar="TEXT", quote=True,
           help="a cell text that means a missing value, besides an empty cell, NA, N/A, NaN and "
           "null (e.g. --na-value . for Stata or SAS files); repeat for more"),
    Option("missing", ("--missing",), Choice(("drop", "raise")), "drop",
           help="rows with missing values: drop them and report it (default), or stop with an error"),
    Option("strict", ("--strict",), Switch(), False, cli_only=True,
           help="treat report warnings (non-convergence, separation, a failed cross-check) as "
           "errors: exit 4 and write nothing"),
    Option("method", ("--method",), Choice(METHODS), None,
           help="estimator: maximum likelihood (mle, the default) or Firth's bias-reduced likelihood "
           "(firth), whose estimates stay finite under separation; a --penalty fits a penalized "
           "likelihood instead"),
    Option("penalty", ("--penalty",), Choice(PENALTIES), None, group=PENALIZED, estimator="penalized",
           help="penalty type"),
    Option("alpha", ("--alpha",), PositiveOrCV(), None, metavar="A|cv", group=PENALIZED,
           estimator="penalized",
           help="penalty strength (> 0), or 'cv' to choose it by cross-validated deviance"),
    Option("l1_ratio", ("--l1-ratio",), Real("a number strictly between 0 and 1", 0.0, 1.0, closed=True),
           None, metavar="R", group=PENALIZED, estimator="penalized",
           help="elastic-net mixing, 0 < R < 1"),
    Option("folds", ("--folds",), Integer("an integer of at least 2", low=2), 5, group=PENALIZED,
           estimator="penalized", help="cross-validation folds (default: 5)"),
    Option("seed", ("--seed",), Integer(f"an integer from 0 to {SEED_MAX}", low=0, high=SEED_MAX), 0,
           group=PENALIZED, estimator="penalized", help="cross-validation seed (default: 0)"),
    Option("cv_rule", ("--cv-rule",), Choice(("min", "1se")), "min", group=PENALIZED,
           estimator="penalized",
           help="use the alpha with the smallest CV deviance (default) or the largest within one SE"),
    Option("refit", ("--refit",), Switch(), False, group=PENALIZED, estimator="penalized",
           help="also refit without penalty on the selected terms (shown under a post-selection warning)"),
    Option("max_memory", ("--max-memory",), MemorySize(), None, metavar="SIZE",
           help="memory budget for the data, the design matrix and the fit, e.g. 4GB or 500MB "
           "(default: half of the memory available); a file, design or fit that would need more "
           "stops before the memory is spent (exit 3 for data, 4 for the fit)"),
    Option("allow_python_formula", ("--allow-python-formula",), Switch(), False,
           help="let formula terms run arbitrary Python (e.g. a function of your own; log, exp, sqrt, "
           "bs and the other transforms need no flag). UNSAFE for formulas from untrusted sources"),
    Option("quiet", ("-q", "--quiet"), Switch(), False, cli_only=True, help="print nothing but errors"),
    Option("verbose", ("-v", "--verbose"), Switch(), False, cli_only=True,
           help="print the time each stage took"),
    Option("debug", ("--debug",), Switch(), False, cli_only=True,
           help="show the full traceback on errors"),
)

BY_KEYWORD: dict[str, Option] = {o.keyword: o for o in OPTIONS}
BY_FLAG: dict[str, Option] = {flag: o for o in OPTIONS for flag in o.flags}
#: The `statreport.fit` keywords, in table order.
LIBRARY_OPTIONS: tuple[Option, ...] = tuple(o for o in OPTIONS if not o.cli_only)


def option(flag: str, value: object = None) -> str:
    """An option as a library caller passes it, for advice in a message.

    ``option("--decimal", ",")`` is ``decimal=','``; a switch (``--refit``) is
    ``refit=True``; a list option takes one item (``option("--na-value", ".")``
    is ``na_values=['.']``); without a value, the bare keyword (``folds``). The
    command line rewrites these forms into its options when it prints a message
    (`statreport.options.for_command_line`).
    """
    return BY_FLAG[flag].library_form(value)



# --- checking a call ---------------------------------------------------------------------------


def validate(values: Mapping[str, object]) -> dict[str, Any]:
    """Check `statreport.fit` options up front and return them normalized.

    Parameters
    ----------
    values : mapping
        Keyword -> value for any of the `fit` options in `OPTIONS`; those not
        given take their default.

    Returns
    -------
    dict
        Every `fit` option, normalized: numbers as float or int, ``positive``
        and ``date`` as str, ``na_values`` a tuple of str, ``alpha`` a float or
        ``"cv"`` (None without a penalty), ``l1_ratio`` resolved (1.0 for l1,
        0.0 for l2, None without a penalty), and ``method`` the estimator to
        use: ``"mle"``, ``"firth"`` or ``"penalized"``.

    Raises
    ------
    OptionTypeError
        An option of the wrong type (``folds="5"``); also a `TypeError`.
    UsageError
        A value that is not allowed, or options that do not go together.
    """
    for keyword in values:
        if keyword not in BY_KEYWORD or BY_KEYWORD[keyword].cli_only:
            known = ", ".join(o.keyword for o in LIBRARY_OPTIONS)
            raise OptionTypeError(f"fit() has no option {keyword!r}; its options are {known}")
    checked = {o.keyword: o.check(values.get(o.keyword, o.default)) for o in LIBRARY_OPTIONS}
    checked.update(_resolve_estimator(checked))
    return checked


def _resolve_estimator(checked: dict[str, Any]) -> dict[str, object]:
    """The rules between options: the estimator, and the penalty's alpha and l1_ratio."""
    penalty, alpha, l1_ratio = checked["penalty"], checked["alpha"], checked["l1_ratio"]
    method, refit = checked["method"], checked["refit"]
    resolved = _resolve_inference(checked)
    if penalty is None:
        stray = [BY_KEYWORD[k].library_form(checked[k]) for k in ("alpha", "l1_ratio", "refit")
                 if checked[k] not in (None, False)]
        if stray:
            raise UsageError(f"options of a penalized fit need a penalty; got {_join(stray)} without one: "
                             f"add penalty='l1' (or l2, elasticnet)")
        return {"method": method or "mle", **resolved}
    if method is not None:
        why = ("Firth's bias reduction is an estimator of its own" if method == "firth"
               else "a penalized fit is not maximum likelihood")
        raise UsageError(f"method={method!r} and penalty={penalty!r} do not go together: {why}; "
                         "leave out one of them (a penalty alone fits the penalized likelihood)")
    if alpha is None:
        raise UsageError(f"a penalized fit (penalty={penalty!r}) needs alpha: a positive number, or 'cv' "
                         "to cross-validate it (e.g. alpha='cv')")
    if refit and penalty == "l2":
        raise UsageError("refit=True needs a penalty that selects terms (l1 or elasticnet); "
                         "a ridge (l2) fit keeps every term")
    if penalty == "elasticnet":
        if l1_ratio is None:
            raise UsageError("penalty='elasticnet' needs l1_ratio, the share of the l1 penalty, "
                             "strictly between 0 and 1 (e.g. l1_ratio=0.5)")
        if not 0.0 < l1_ratio < 1.0:
            raise UsageError(f"l1_ratio must be strictly between 0 and 1 for elasticnet; got {l1_ratio!r}")
    else:
        expected = 1.0 if penalty == "l1" else 0.0
        if l1_ratio is not None and l1_ratio != expected:
            raise UsageError(f"penalty={penalty!r} means l1_ratio={expected:g}; got l1_ratio={l1_ratio!r} "
                             "(use penalty='elasticnet' to mix)")
        l1_ratio = expected
    return {"method": "penalized", "l1_ratio": l1_ratio, **resolved}


def _resolve_inference(checked: dict[str, Any]) -> dict[str, object]:
    """The rules between the inference and counts options: robust standard errors, the
    choice of intervals and class weights are maximum likelihood's; a cluster column makes
    ``se`` "cluster"; class weights make it "hc0" unless it is given."""
    se, ci_method, cluster = checked["se"], checked["ci_method"], checked["cluster"]

    def form(keyword: str) -> str:
        return BY_KEYWORD[keyword].library_form(checked[keyword])

    chosen = [form(k) for k, default in (("se", None), ("ci_method", "auto"), ("cluster", None))
              if checked[k] != default]
    if checked["penalty"] is not None:
        conflicting, why = chosen, "a penalized fit has no p-values or intervals"
    elif checked["method"] == "firth":
        conflicting = [c for c in chosen if c != "ci_method='profile'"]
        why = "Firth's fit has profile penalized-likelihood intervals and model-based standard errors"
    else:
        conflicting, why = [], ""
    if conflicting:
        one = len(conflicting) == 1
        raise UsageError(f"{_join(conflicting)} {'applies' if one else 'apply'} to maximum likelihood; "
                         f"{why}: leave out {_join(conflicting)}")
    for keyword in ("cluster", "weights", "trials"):
        if checked[keyword] is not None and not checked[keyword]:
            raise UsageError(f"{keyword} must name a column of the data; got ''")
    if cluster is not None and se not in (None, "model", "hc0"):
        raise UsageError(f"{form('cluster')} gives cluster-robust standard errors (the HC0 sandwich summed "
                         f"by cluster, times G/(G-1)); {form('se')} does not go with it: leave out "
                         f"{form('se')}")
    given = [form(k) for k in ("weights", "trials", "class_weight") if checked[k] is not None]
    if len(given) > 1:
        raise UsageError(f"{_join(given)} do not go together: give frequency weights, events out of trials, "
                         "or class weights, one of them")
    if checked["trials"] is not None and checked["positive"] is not None:
        raise UsageError(f"{form('positive')} does not apply with {form('trials')}: the outcome column "
                         f"counts the events; leave out {form('positive')}")
    if (checked["weights"] or checked["trials"]) and checked["alpha"] == "cv":
        raise UsageError("alpha='cv' with counts would split the observations of one row across folds; "
                         "give alpha a number, or expand the data yourself with a row identifier to fold by")
    robust = [form(k) for k in ("se", "cluster", "class_weight")
              if checked[k] is not None and not (k == "se" and se == "model")]
    if checked["class_weight"] is not None:
        if checked["penalty"] is not None or checked["method"] == "firth":
            raise UsageError(f"{form('class_weight')} applies to maximum likelihood; leave it out")
        if se == "model":
            raise UsageError(f"{form('se')} does not go with {form('class_weight')}: model-based standard "
                             "errors would treat the weights as counts of observations; leave out "
                             f"{form('se')} (robust HC0 standard errors)")
    if robust and ci_method == "profile":
        raise UsageError(f"ci_method='profile' and {_join(robust)} do not go together: a profile-likelihood "
                         "interval trusts the model's likelihood, robust standard errors do not; leave out "
                         "ci_method='profile' (Wald intervals with the robust standard errors)")
    if cluster is not None:
        return {"se": "cluster"}
    if se is None:
        return {"se": "hc0" if checked["class_weight"] is not None else "model"}
    return {"se": se}


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- the command line --------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare every `OPTIONS` row as an argument of ``parser`` (``statreport fit``)."""
    groups: dict[str, argparse._ArgumentGroup] = {}
    for option in OPTIONS:
        target: Any = parser
        if option.group is not None:
            if option.group not in groups:
                groups[option.group] = parser.add_argument_group(option.group, GROUPS.get(option.group))
            target = groups[option.group]
        target.add_argument(*option.flags, dest=option.keyword, help=option.help, **argparse_kwargs(option))


def argparse_kwargs(option: Option) -> dict[str, Any]:
    kind = option.kind
    if isinstance(kind, Switch):
        return {"action": "store_true", "default": bool(option.default)}
    kwargs: dict[str, Any] = {"default": option.default, "metavar": option.metavar}
    if isinstance(kind, (TextList, Paths)):
        kwargs.update(action="append", default=list(option.default), type=kind.parse)
    elif isinstance(kind, Choice):
        kwargs["choices"] = kind.values
    elif isinstance(kind, (Real, Integer, PositiveOrCV, Units)):
        kwargs["type"] = _converter(option)
    return kwargs


def _converter(option: Option) -> Any:
    """argparse's ``type=``: the text parsed and checked, or argparse's one-line error."""
    import argparse

    def convert(text: str) -> object:
        try:
            return option.check(option.kind.parse(text))
        except ValueError as exc:  # a UsageError is a ValueError too
            message = str(exc) if isinstance(exc, UsageError) else ""
            prefix = f"{option.keyword} "
            if message.startswith(prefix):
                message = message[len(prefix):].split("; got ")[0]
            else:
                message = f"must be {option.kind.allowed}"
            raise argparse.ArgumentTypeError(f"{message}; got {text!r}") from None

    convert.__name__ = option.keyword
    return convert


_LITERAL = (
    r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|-?inf|nan|True|False"""
)
_WORDS = "|".join(sorted((re.escape(o.keyword) for o in LIBRARY_OPTIONS), key=len, reverse=True))
_ASSIGNED = re.compile(
    rf"(?<![\w.])(?P<keyword>{_WORDS})=(?P<value>\[(?:(?:{_LITERAL})(?:, (?:{_LITERAL}))*)?\]|{_LITERAL})"
    r"(?![\w'\"]|\.\d)"
)
#: A bare keyword where it can only mean the option: the subject that opens a
#: message ("folds must be ..."), or what advice says to pass ("pass positive to ...").
_SUBJECT = re.compile(rf"^(?P<keyword>{_WORDS})(?= (?:must|needs|applies|is) )")
_ADVISED = re.compile(rf"(?<=\bpass )(?P<keyword>{_WORDS})(?![\w=])")


def for_command_line(message: str) -> str:
    """A library message with its advice worded as command-line options.

    ``keyword=<Python literal>`` of a `fit` option becomes the option:
    ``penalty='l2'`` -> ``--penalty l2``, ``refit=True`` -> ``--refit``,
    ``na_values=['.']`` -> ``--na-value '.'``, ``positive='Dole'`` ->
    ``--positive 'Dole'``. A bare keyword becomes its flag only where it can
    mean nothing else: opening the message as its subject (``sep must be ...``)
    or after "pass" (``pass positive to say ...``). Anything else is left as it is.
    """

    def assigned(match: re.Match[str]) -> str:
        option = BY_KEYWORD[match["keyword"]]
        text = match["value"]
        try:
            value = float(text) if text.lstrip("-") in ("inf", "nan") else ast.literal_eval(text)
        except (ValueError, SyntaxError):  # pragma: no cover - the pattern admits literals only
            return match[0]
        if isinstance(option.kind, Switch):
            return option.flag if value is True else match[0]
        if isinstance(value, list) and not value:
            return match[0]
        return option.command_line_form(value)

    def bare(match: re.Match[str]) -> str:
        return BY_KEYWORD[match["keyword"]].flag

    message = _ASSIGNED.sub(assigned, message)
    message = _SUBJECT.sub(bare, message)
    return _ADVISED.sub(bare, message)


__all__ = [
    "BY_FLAG",
    "BY_KEYWORD",
    "GROUPS",
    "LIBRARY_OPTIONS",
    "OPTIONS",
    "Option",
    "add_arguments",
    "for_command_line",
    "validate",
]
