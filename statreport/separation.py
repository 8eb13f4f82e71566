"""Detecting complete and quasi-complete separation by linear programming.

statsmodels warns only when every fitted probability is 0 or 1 (complete
separation); quasi-complete separation, where some rows are predicted
perfectly and the maximum-likelihood estimate is infinite all the same, passes
silently. No maintained Python library checks for it, so statreport does,
following Konis (2007, "Linear programming algorithms for detecting separated
data in binary logistic regression models"; R package detectseparation):

    maximise  sum_i s_i x_i'b   subject to  s_i x_i'b >= 0 for all i,  -1 <= b <= 1,

with s_i = +1 for events and -1 otherwise. A positive optimum means a
direction b exists along which the likelihood keeps increasing for ever: the
data are separated, the terms with non-zero b_j have infinite estimates, and
the rows with s_i x_i'b > 0 are predicted perfectly. If moreover some b makes
every s_i x_i'b strictly positive, separation is complete.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_TOL = 1e-7


@dataclass(frozen=True)
class Separation:
    kind: str  # "none", "quasi", "complete", or "unknown" (the LP did not solve)
    terms: tuple[str, ...]  # design columns whose estimates diverge
    n_perfect: int  # rows predicted perfectly along the separating direction
    perfect: np.ndarray | None = None  # which rows (a mask over X's rows), when separated


def looks_separated(probabilities: np.ndarray, converged: bool) -> bool:
    """Cheap symptoms that justify the linear program: non-convergence or p at 0 or 1."""
    if not converged:
        return True
    margin = np.minimum(probabilities, 1.0 - probabilities)
    return bool(np.any(margin < 1e-8))


def detect_separation(X: np.ndarray, y: np.ndarray, names: tuple[str, ...]) -> Separation:
    """Solve Konis' linear programs (scipy HiGHS) on the distinct signed rows of X."""
    from scipy.optimize import linprog

    scale = np.max(np.abs(X), axis=0)
    scale[scale == 0] = 1.0
    signed = (X / scale) * np.where(y == 1.0, 1.0, -1.0)[:, None]
    rows, counts = np.unique(signed, axis=0, return_counts=True)
    k = X.shape[1]
    bounds = [(-1.0, 1.0)] * k
    objective = -(counts[:, None] * rows).sum(axis=0)
    first = linprog(objective, A_ub=-rows, b_ub=np.zeros(len(rows)), bounds=bounds, method="highs")
    if first.status != 0:
        return Separation("unknown", (), 0)
    if -first.fun <= _TOL * max(1.0, counts.sum()):
        return Separation("none", (), 0)
    direction = first.x
    margins = rows @ direction
    terms = tuple(names[j] for j in range(k) if abs(direction[j]) > 1e-6)
    n_perfect = int(counts[margins > _TOL].sum())
    # Complete separation: maximise t with s_i x_i'b >= t for every row, 0 <= t <= 1.
    a_ub = np.hstack([-rows, np.ones((len(rows), 1))])
    second = linprog(
        np.r_[np.zeros(k), -1.0], A_ub=a_ub, b_ub=np.zeros(len(rows)),
        bounds=bounds + [(0.0, 1.0)], method="highs",
    )
    complete = second.status == 0 and -second.fun > _TOL
    perfect = signed @ direction > _TOL
    return Separation("complete" if complete else "quasi", terms, n_perfect, perfect)
