"""Choosing alpha by k-fold cross-validated deviance (stratified, seeded), and the path.

For each fold the penalized model is fitted along a decreasing grid of alphas
(each fit starting from the previous one) and scored by the held-out deviance
per observation. The report shows the whole curve (mean +/- standard error per
alpha), the alpha with the smallest mean deviance, the largest alpha within one
standard error of it (the "one-standard-error rule"), and which one it used.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..design import Design
from ..errors import UsageError
from ..options import option
from .penalty_solvers import PenaltySpec, lambda_max, solve

CV_RULES = ("min", "1se")


@dataclass(frozen=True)
class CrossValidation:
    """k-fold cross-validated deviance per alpha, and the alphas it points to."""

    folds: int
    seed: int
    rule: str  # "min" or "1se": which choice the fit used
    alphas: tuple[float, ...]  # decreasing
    mean_deviance: tuple[float, ...]  # held-out deviance per observation
    se_deviance: tuple[float, ...]
    alpha_min: float
    alpha_1se: float
    alpha: float  # the alpha used
    path_terms: tuple[str, ...] = ()  # slopes, in design order
    path: tuple[tuple[float, ...], ...] = ()  # full-data slopes at each alpha (rows follow alphas)


def _progress(on_progress: Callable[[str], None] | None, total: int) -> Callable[[str], None]:
    """Count finished fits out of ``total`` and pass on where the work is, with the
    time left estimated from the pace so far (once there is a pace to go by)."""
    started, done = time.perf_counter(), 0

    def tell(where: str) -> None:
        nonlocal done
        done += 1
        if on_progress is None:
            return
        elapsed = time.perf_counter() - started
        left = elapsed / done * (total - done)
        if done < total and elapsed > 2.0:
            when = f"{left / 60:.0f} min" if left >= 90 else f"{max(left, 1):.0f} s"
            where += f", about {when} left"
        on_progress(where)

    return tell


def alpha_grid(design: Design, penalty: str, l1_ratio: float, n_alphas: int = 20) -> np.ndarray:
    """Log-spaced alphas from the smallest all-zero alpha down by a factor 1000."""
    top = lambda_max(design.X, design.y, l1_ratio if penalty != "l2" else 1.0)
    if penalty == "l2":
        top *= 10.0  # ridge never zeroes coefficients; start where shrinkage is strong
    return np.geomspace(top, top * 1e-3, n_alphas)


def choose_alpha(
    design: Design, penalty: str, l1_ratio: float, *, folds: int = 5, seed: int = 0, rule: str = "min",
    on_progress: Callable[[str], None] | None = None,
) -> CrossValidation:
    """Cross-validate alpha; returns the curve and both the minimum and 1-SE choices.

    ``on_progress`` is told, after each of the folds x alphas fits and the path's
    fits, how far the work is ("fold 2/5, alpha 7/20, about 3 min left").
    """
    from scipy.special import expit
    from sklearn.model_selection import StratifiedKFold

    if rule not in CV_RULES:
        raise UsageError(f"cv rule must be one of 'min', '1se'; got {rule!r}")
    events = int(design.y.sum())
    smallest = min(events, design.n_obs - events)
    if not 2 <= folds <= smallest:
        raise UsageError(
            f"{option('--folds')} must be between 2 and {smallest} (the rarer outcome has {smallest} rows); "
            f"got {folds}"
        )
    alphas = alpha_grid(design, penalty, l1_ratio)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    deviance = np.empty((folds, alphas.size))
    tell = _progress(on_progress, total=(folds + 1) * alphas.size)
    for f, (train, test) in enumerate(splitter.split(design.X, design.y)):
        part = dataclasses.replace(design, X=design.X[train], y=design.y[train])
        start = None
        for a, alpha in enumerate(alphas):
            spec = PenaltySpec(penalty, float(alpha), l1_ratio)
            start, _, _, _ = solve(part.X, part.y, spec, start)
            p = np.clip(expit(design.X[test] @ start), 1e-15, 1 - 1e-15)
            y = design.y[test]
            deviance[f, a] = -2.0 * float(np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))
            tell(f"fold {f + 1}/{folds}, alpha {a + 1}/{alphas.size}")
    path = []  # the same grid on all the data: the coefficient path
    start = None
    for a, alpha in enumerate(alphas):
        start, _, _, _ = solve(design.X, design.y, PenaltySpec(penalty, float(alpha), l1_ratio), start)
        path.append(tuple(map(float, start[1:])))
        tell(f"path on all the data, alpha {a + 1}/{alphas.size}")
    mean = deviance.mean(axis=0)
    se = deviance.std(axis=0, ddof=1) / np.sqrt(folds)
    best = int(np.argmin(mean))
    within = np.nonzero(mean <= mean[best] + se[best])[0]
    one_se = int(within.min())  # alphas decrease: the smallest index is the largest alpha
    chosen = best if rule == "min" else one_se
    return CrossValidation(
        folds=folds,
        seed=seed,
        rule=rule,
        alphas=tuple(map(float, alphas)),
        mean_deviance=tuple(map(float, mean)),
        se_deviance=tuple(map(float, se)),
        alpha_min=float(alphas[best]),
        alpha_1se=float(alphas[one_se]),
        alpha=float(alphas[chosen]),
        path_terms=tuple(design.column_names[1:]),
        path=tuple(path),
    )
