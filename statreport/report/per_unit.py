"""Odds ratios per unit of a predictor in small units: which terms read as 1, and a scale
at which they read plainly.

A coefficient of 2.7e-5 per dollar of income is an odds ratio of 1.000027 per dollar,
1.31 per 10 000 dollars. The table shows the per-unit value with the decimals it needs
(`formatting.odds_ratio`); the note under it gives the value per a power of ten of units,
computed from the estimate and its Wald interval (both scale linearly on the log-odds scale).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..result import ResultData, levels_by_column
from . import formatting

#: A design column that is a plain variable name, so ``I(name / 1000)`` is a valid formula term.
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class SmallUnit:
    """A numeric term whose per-unit odds ratio reads as 1.000, shown per ``scale`` units too."""

    term: str  # the design column
    scale: int  # a power of ten: per this many units the odds ratio is between 1.1 and 2.7 (or its inverse)
    odds_ratio: str  # per ``scale`` units, formatted
    ci_low: str
    ci_high: str

    @property
    def rescaled_term(self) -> str | None:
        """The formula term giving the odds ratio per ``scale`` units; None for an expression."""
        return f"I({self.term} / {self.scale})" if _PLAIN_NAME.fullmatch(self.term) else None


def small_unit_terms(result: ResultData) -> tuple[SmallUnit, ...]:
    """Numeric (not categorical, not separated) terms whose odds ratio per unit rounds to
    1.000, and so does each bound of its interval, if it has one.

    An odds ratio of 0.99983 per year of age with an interval 0.995 to 1.005 is a
    small effect at a readable scale, and stays out; 1.000022 with an interval
    1.000009 to 1.000034 is a unit too small to read.
    """
    dummies = levels_by_column(result.model.categoricals)
    found = []
    for row in result.coefficient_rows:
        bounds = [b for b in (row.ci_low, row.ci_high) if math.isfinite(b)]
        if (row.term == "Intercept" or row.term in dummies or row.separated
                or not all(formatting.rounds_to_one(v) for v in (row.estimate, *bounds))):
            continue
        scale = 10 ** (math.ceil(-math.log10(abs(row.estimate))) - 1)
        found.append(SmallUnit(
            term=row.term, scale=scale,
            odds_ratio=formatting.odds_ratio(row.estimate * scale),
            ci_low=formatting.odds_ratio(row.ci_low * scale),
            ci_high=formatting.odds_ratio(row.ci_high * scale),
        ))
    return tuple(found)
