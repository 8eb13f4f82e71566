"""Designs that cannot be estimated: columns that are linear combinations of others.

Shared by every estimator that fits the design as given (maximum likelihood,
Firth): `redundant_columns` finds them in formula order, as R marks them NA,
and `singular_message` says which to remove and how.
"""

from __future__ import annotations

import re

import numpy as np

from ..design import Design


def redundant_columns(X: np.ndarray, names: tuple[str, ...], *, tol: float = 1e-9) -> list[str]:
    """Columns that are linear combinations of earlier ones, in formula order (as R's NA).

    Walks the columns left to right on the Gram matrix: a column whose residual
    sum of squares, after regressing it on the columns kept so far, is below
    ``tol`` times its own sum of squares is redundant.
    """
    scale = np.maximum(X.max(axis=0), -X.min(axis=0)) if X.size else np.ones(X.shape[1])
    scale[scale == 0] = 1.0
    # Scaling the columns to [-1, 1] does not change linear dependence and keeps the
    # Gram from overflowing; it is applied to the small Gram, not to a copy of X.
    with np.errstate(over="ignore", invalid="ignore"):
        gram = (X.T @ X) / np.outer(scale, scale)
    if not np.all(np.isfinite(gram)):
        gram = (X / scale).T @ (X / scale)
    kept: list[int] = []
    redundant: list[str] = []
    for j in range(gram.shape[0]):
        own = gram[j, j]
        if kept:
            cross = gram[np.ix_(kept, [j])]
            coef = np.linalg.lstsq(gram[np.ix_(kept, kept)], cross, rcond=None)[0]
            residual = own - float((cross.T @ coef).item())
        else:
            residual = own
        if own == 0 or residual <= tol * own:
            redundant.append(names[j])
        else:
            kept.append(j)
    if not redundant:
        return redundant
    return _confirm_redundant(X / scale, names)


def _confirm_redundant(scaled: np.ndarray, names: tuple[str, ...], tol: float = 1e-7) -> list[str]:
    """Exact check (Gram-Schmidt twice, on the columns) for what the Gram screen flagged.

    The Gram matrix squares the condition number, so it only screens; a column
    is redundant when its residual norm, after projecting out the columns kept
    before it, is below ``tol`` times its norm (R's glm uses 1e-7 on QR).
    """
    basis: list[np.ndarray] = []
    redundant: list[str] = []
    for j in range(scaled.shape[1]):
        column = scaled[:, j].astype(np.float64, copy=True)
        norm = float(np.linalg.norm(column))
        for _ in range(2):  # re-orthogonalize once for stability
            for q in basis:
                column -= (q @ column) * q
        residual = float(np.linalg.norm(column))
        if norm == 0 or residual <= tol * norm:
            redundant.append(names[j])
        else:
            basis.append(column / residual)
    return redundant


def singular_message(design: Design, redundant: list[str]) -> str:
    constant = [name for name in redundant if name != "Intercept"
                and np.ptp(design.X[:, design.column_names.index(name)]) == 0]
    if constant:
        name = constant[0]
        value = float(design.X[0, design.column_names.index(name)])
        return (
            f"'{name}' has the same value ({value:g}) in every row used"
            + (" (after dropping incomplete rows)" if design.n_dropped else "")
            + ", so its effect cannot be estimated"
            + (" apart from the intercept's" if design.has_intercept else "")
            + "; remove it from the formula"
        )
    spline = next((name for name in redundant
                   if re.match(r"c[rsc]\(", name) and "constraints" not in name), None)
    if spline is not None:  # a natural spline basis sums to a constant, as the intercept is
        call = spline[:spline.rindex("[")] if spline.endswith("]") else spline
        return (
            f"the spline '{call}' spans the intercept, so one of its columns is redundant; "
            f"write {call[:-1]}, constraints='center') to centre it"
        )
    if redundant:
        listed = ", ".join(f"'{name}'" for name in redundant)
        return (
            f"the design matrix is singular: {listed} "
            f"{'is a linear combination' if len(redundant) == 1 else 'are linear combinations'} "
            "of other columns; remove the redundant term from the formula"
        )
    return (
        "the model cannot be estimated: the information matrix is singular "
        "(often complete separation); consider fewer predictors or a penalized fit"
    )
