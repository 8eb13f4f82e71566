"""Data given as counts: frequency weights and events out of trials, as the rows they stand for.

A row with frequency weight w stands for w identical observations; a row with e events
out of t trials stands for e observations with outcome 1 and t - e with outcome 0 (a
published table, a cross-tabulation). Both are expanded here into those rows, after
the design matrix is built (a repeat of its rows, not of the data frame), so every
statistic of the report is the one of the expanded data, exactly: "frequency-weighted
counts give the same report as the expanded rows" by construction, with nothing
re-derived for weights. The cost is memory in proportion to the total count, which
the memory budget checks before the rows are repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .budget import MemoryBudget


@dataclass(frozen=True, eq=False)
class Expansion:
    """Which design row each expanded row repeats (``rows``), and the expanded outcome
    (``y``: the rows' own, or 1 for a trial's events and 0 for the rest)."""

    rows: np.ndarray  # (N,) indices into the design's rows
    y: np.ndarray  # (N,) 0.0/1.0
    description: str  # "frequency weights 'count'", "events 'ncases' of trials 'total'"


def whole_counts(values: pd.Series, name: str, what: str) -> np.ndarray:
    """A column of counts as int64: numbers, finite, whole and not negative, or a
    `DataError` naming the column and the first bad value."""
    import pandas as pd

    if not pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        numeric = pd.to_numeric(values, errors="coerce")
        first = int(np.argmax(numeric.isna().to_numpy())) if numeric.isna().any() else 0
        raise DataError(f"{what} column '{name}' must hold whole numbers; it holds text such as "
                        f"{values.iloc[first]!r} (data row {first + 1} of those used)")
    numbers = values.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(numbers) | (numbers < 0) | (np.mod(numbers, 1) != 0)
    if bad.any():
        first = int(np.argmax(bad))
        weights = "frequency weights" in what
        raise DataError(
            f"{what} column '{name}' has {numbers[first]:g} (data row {first + 1} of those used); "
            f"{what} must be whole numbers of 0 or more"
            + (" (each row stands for that many observations; sampling weights are not supported)"
               if weights else ""))
    return numbers.astype(np.int64)


def by_weights(y: np.ndarray, weights: np.ndarray, column: str) -> Expansion:
    """Each row repeated as many times as its frequency weight."""
    rows = np.repeat(np.arange(len(weights)), weights)
    return Expansion(rows, y[rows], f"frequency weights '{column}'")


def by_trials(events: np.ndarray, trials: np.ndarray, outcome: str, column: str) -> Expansion:
    """Each row as ``events`` rows with outcome 1 and ``trials - events`` with outcome 0."""
    over = events > trials
    if over.any():
        first = int(np.argmax(over))
        raise DataError(
            f"outcome '{outcome}' counts {events[first]} events out of {trials[first]} trials in "
            f"'{column}' (data row {first + 1} of those used); events cannot exceed trials")
    rows = np.repeat(np.arange(len(trials)), trials)
    starts = np.repeat(np.cumsum(trials) - trials, trials)
    y = ((np.arange(len(rows)) - starts) < np.repeat(events, trials)).astype(np.float64)
    return Expansion(rows, y, f"events '{outcome}' out of trials '{column}'")


def check_size(total: int, columns: int, budget: MemoryBudget | None) -> None:
    """Refuse an expansion whose design matrix would not fit the memory budget."""
    from .budget import MemoryBudget, format_size

    budget = budget if budget is not None else MemoryBudget.from_option(None)
    needed = 3 * total * columns * 8  # the design, its repeat and the fit's working copy
    if needed > budget.limit:
        raise DataError(
            f"the counts stand for {total:,} rows; their design matrix ({total:,} x {columns}) would need "
            f"about {format_size(needed)}, more than {budget.describe()}; group the table more coarsely, "
            + budget.more(needed))
