"""Parsing a model formula (with formulaic) into its outcome and predictor parts."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Any

from .errors import FormulaError

_ANSI = re.compile(r"\x1b\[[0-9;]*m|[\u29da\u29db]")


@dataclass(frozen=True)
class ParsedFormula:
    """A formula split into outcome and predictors, with the columns it reads."""

    text: str
    outcome: str
    rhs: Any  # formulaic.Formula for the right-hand side
    lhs: Any  # formulaic.Formula for the left-hand side
    outcome_columns: frozenset[str]
    columns: frozenset[str]
    column_order: tuple[str, ...]  # the columns as the formula first names them, the outcome's first
    plain_columns: frozenset[str]  # predictors used as they are
    categorical_columns: frozenset[str]  # predictors wrapped in C(...)
    allow_python: bool = False


def parse_formula(text: str, *, allow_python: bool = False) -> ParsedFormula:
    """Parse ``outcome ~ predictors`` and list the data columns it needs.

    Unless ``allow_python`` is set, the formula must pass `check_formula` (an
    allow-list of names, operators and transforms) before formulaic parses it.

    Raises
    ------
    FormulaError
        If the formula does not parse, is not on the allow-list, or does not
        have exactly one outcome.
    """
    outcome_columns, column_order = _columns(text, allow_python=allow_python)
    from formulaic import Formula

    from .formula_safety import check_factors, shown_formula

    shown = shown_formula(text)
    try:
        formula = Formula(text)
        lhs, rhs = formula.lhs, formula.rhs
    except AttributeError as exc:  # a formula with more than two parts
        raise FormulaError(f"formula '{shown}' must have one '~' between outcome and predictors") from exc
    except Exception as exc:  # formulaic raises its own errors, SyntaxError, RecursionError and others
        raise FormulaError(f"formula '{shown}' does not parse: {clean_message(exc)}") from exc
    if not allow_python:
        check_factors(formula, text)
    outcome_terms = [str(term) for term in lhs]
    if len(outcome_terms) != 1 or outcome_terms[0] == "1":
        raise FormulaError(
            f"formula '{shown}' must have exactly one outcome on the left of '~'; "
            f"got {len(outcome_terms)} terms"
        )
    return ParsedFormula(
        text=text.strip(),
        outcome=outcome_terms[0],
        rhs=rhs,
        lhs=lhs,
        outcome_columns=outcome_columns,
        columns=frozenset(column_order),
        column_order=column_order,
        plain_columns=frozenset(
            str(f.expr) for term in rhs for f in term.factors if f.eval_method.name == "LOOKUP"
        ),
        categorical_columns=frozenset(
            name for term in rhs for f in term.factors if (name := _categorical_column(str(f.expr)))
        ),
        allow_python=allow_python,
    )


def has_dot(text: str) -> bool:
    """Whether the formula's right-hand side uses ``.``, "every other column of the data"."""
    return bool(_dots(text))


def expand_dot(text: str, columns: list[str], *, exclude: frozenset[str] = frozenset()) -> str:
    """The formula with ``.`` on its right-hand side written out as every column of the data
    but the outcome's and ``exclude`` (columns that options use: clusters, weights), in the
    data's order, as R's ``y ~ .``; a name that is not a plain identifier in backticks."""
    spans = _dots(text)
    if not spans:
        return text
    lhs_columns, _ = _columns(_without_dots(text, spans), allow_python=True)
    others = [c for c in columns if c not in lhs_columns and c not in exclude]
    if not others:
        raise FormulaError(f"'.' in the formula '{text}' stands for every other column, and the data have "
                           "none")
    written = " + ".join(c if c.isidentifier() and not keyword.iskeyword(c) else f"`{c}`" for c in others)
    alone = len(spans) == 1 and not text[spans[0][1]:].strip()  # "y ~ a + .": no parentheses needed
    for start, end in reversed(spans):
        text = text[:start] + (written if alone else f"({written})") + text[end:]
    return text


def _without_dots(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in reversed(spans):
        text = text[:start] + "1" + text[end:]
    return text


def _dots(text: str) -> list[tuple[int, int]]:
    """Where ``.`` stands alone on the right of ``~`` (not in a number, a name or a string)."""
    import io
    import tokenize

    if not isinstance(text, str) or "~" not in text or "." not in text:
        return []
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(text.replace("\n", " ")).readline)
                  if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    tilde = next((i for i, t in enumerate(tokens) if t.string == "~"), None)
    if tilde is None:
        return []
    found = []
    for i in range(tilde + 1, len(tokens)):
        token = tokens[i]
        if token.type != tokenize.OP or token.string != ".":
            continue
        before = tokens[i - 1].string
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if before in (")", "]") or tokens[i - 1].type == tokenize.NAME and before not in ("and", "or", "not"):
            continue  # x.y: an attribute, left to the allow-list
        if after is not None and after.type in (tokenize.NAME, tokenize.NUMBER):
            continue
        found.append((token.start[1], token.end[1]))
    return found


def needed_columns(text: str, *, allow_python: bool = False) -> frozenset[str]:
    """The data columns a formula reads, from the allow-list check alone (no formulaic).

    Cheap enough to run before anything heavy is imported, so the data file can
    be read while formulaic and statsmodels import. Raises `FormulaError` as
    `parse_formula` would for a formula off the allow-list.
    """
    return frozenset(_columns(text, allow_python=allow_python)[1])


def _columns(text: str, *, allow_python: bool) -> tuple[frozenset[str], tuple[str, ...]]:
    """(outcome columns, all columns in the order the formula first names them), after
    the allow-list check."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("the formula is empty; write it as 'outcome ~ x1 + x2'")
    if "~" not in text:
        raise FormulaError(
            f"formula '{text}' has no '~'; write it as 'outcome ~ x1 + x2'"
        )
    from .formula_safety import check_formula, safe_namespace

    outcome_columns, columns = check_formula(text, strict=not allow_python)
    namespace = frozenset(safe_namespace()) | ({"np", "numpy"} if allow_python else frozenset())
    return frozenset(outcome_columns) - namespace, tuple(c for c in columns if c not in namespace)


def _categorical_column(expr: str) -> str | None:
    """The column inside ``C(column, ...)`` (or ``C(Q("col"))``), else None."""
    import ast

    try:
        node = ast.parse(expr, mode="eval").body
    except (SyntaxError, RecursionError, MemoryError):
        return None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "C"):
        return None
    if not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Name):
        return first.id
    if (isinstance(first, ast.Call) and isinstance(first.func, ast.Name) and first.func.id == "Q"
            and first.args and isinstance(first.args[0], ast.Constant)):
        return str(first.args[0].value)
    return None


def clean_message(exc: BaseException) -> str:
    """First line of a formulaic error, without terminal colour codes."""
    text = _ANSI.sub("", str(exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__
