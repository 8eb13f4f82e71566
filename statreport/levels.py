"""Rows and events at each level of each categorical predictor (the n and events of a
"Table 2"), counted in the rows the model used: after listwise deletion, from the design.

A row is at a coded level when that level's dummy column is 1, and at the reference level
when every one of its categorical's dummy columns is 0 (treatment coding). A categorical
without a reference level (full dummy coding, in a model without an intercept) or seen
only inside an interaction has no such columns and is not counted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .errors import DataError
from .result import LevelCount

if TYPE_CHECKING:  # pragma: no cover
    from .design import Design


def level_counts(design: Design, weights: np.ndarray | None = None) -> tuple[LevelCount, ...]:
    """Rows and events per level of every categorical in ``design`` with a reference level.

    Parameters
    ----------
    design : Design
        The outcome ``y`` (n,), the design matrix ``X`` (n, k) with its column names and
        the categoricals (`statreport.result.CategoricalInfo`).
    weights : ndarray of shape (n,), optional
        Frequency weights, whole numbers >= 0: a row counts as many times as its weight.
        None: every row counts once.

    Returns
    -------
    tuple of LevelCount
        Per categorical in design order, its reference level first, then its other levels
        in design order; ``n`` rows and ``events`` rows with y == 1 at each level.
    """
    y = design.y
    w = _frequency_weights(weights, y.shape[0])
    wy = w * y
    columns = {name: j for j, name in enumerate(design.column_names)}
    counts: list[LevelCount] = []
    for cat in design.categoricals:
        coded = [level for level in cat.levels if level != cat.reference]
        if not all(cat.column(level) in columns for level in coded):
            continue  # no main-effect dummies (full coding, or only inside an interaction)
        at_coded = np.zeros(y.shape[0], dtype=bool)
        rows: list[LevelCount] = []
        for level in coded:
            dummy = design.X[:, columns[cat.column(level)]]
            at_coded |= dummy != 0
            rows.append(LevelCount(cat.term, cat.variable, level, _whole(w @ dummy), _whole(wy @ dummy),
                                   reference=False))
        at_reference = ~at_coded
        counts.append(LevelCount(cat.term, cat.variable, cat.reference, _whole(w[at_reference].sum()),
                                 _whole(wy[at_reference].sum()), reference=True))
        counts.extend(rows)
    return tuple(counts)


def _frequency_weights(weights: np.ndarray | None, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n,):
        raise DataError(f"frequency weights must be one per row used ({n}); got shape {w.shape}")
    bad = ~np.isfinite(w) | (w < 0) | (w != np.round(w))
    if bad.any():
        raise DataError(f"frequency weights must be whole numbers of 0 or more; got {float(w[bad][0])!r} "
                        f"({int(bad.sum())} such weight{'s' if bad.sum() > 1 else ''})")
    return w


def _whole(value: float) -> int:
    """A sum of whole numbers (below 2**53 it is exact in float64) as an int."""
    return int(round(float(value)))


__all__ = ["level_counts"]
