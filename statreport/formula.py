"""Parsing a model formula (with formulaic) into its outcome and predictor parts."""

from __future__ import annotations

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


def parse_formula(text: str) -> ParsedFormula:
    """Parse ``outcome ~ predictors`` and list the data columns it needs.

    Raises
    ------
    FormulaError
        If the formula does not parse or does not have exactly one outcome.
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("the formula is empty; write it as 'outcome ~ x1 + x2'")
    if "~" not in text:
        raise FormulaError(
            f"formula '{text}' has no '~'; write it as 'outcome ~ x1 + x2'"
        )
    from formulaic import Formula
    from formulaic.errors import FormulaicError

    try:
        formula = Formula(text)
        lhs, rhs = formula.lhs, formula.rhs
    except FormulaicError as exc:
        raise FormulaError(f"formula '{text}' does not parse: {clean_message(exc)}") from exc
    except AttributeError as exc:  # a formula with more than two parts
        raise FormulaError(f"formula '{text}' must have one '~' between outcome and predictors") from exc
    outcome_terms = [str(term) for term in lhs]
    if len(outcome_terms) != 1 or outcome_terms[0] == "1":
        raise FormulaError(
            f"formula '{text}' must have exactly one outcome on the left of '~'; "
            f"got {len(outcome_terms)} terms"
        )
    return ParsedFormula(
        text=text.strip(),
        outcome=outcome_terms[0],
        rhs=rhs,
        lhs=lhs,
        outcome_columns=frozenset(lhs.required_variables),
        columns=frozenset(formula.required_variables),
    )


def clean_message(exc: BaseException) -> str:
    """First line of a formulaic error, without terminal colour codes."""
    text = _ANSI.sub("", str(exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__
