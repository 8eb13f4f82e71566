"""The data behind the report's figures, computed once, small and frozen.

Figures never see the raw rows: at a million observations the ROC curve is
thinned to a few hundred points, the calibration plot uses deciles, the
probability distributions are histograms and the one-predictor plot shows
binned proportions. Everything here is deterministic and O(n log n) at worst.
"""

from __future__ import annotations

import numpy as np

from .design import Design
from .result import CalibrationBin, EffectCurve, FigureData, ProbabilityHistogram, RocCurve

MAX_ROC_POINTS = 400
MAX_SCATTER_POINTS = 1000
HISTOGRAM_BINS = 40


def full_roc(y: np.ndarray, probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The ROC curve at every distinct score (scikit-learn) and its area.

    The trapezoidal area under this curve is exactly what ``roc_auc_score``
    returns; computing both from one sort saves a pass over the data.
    """
    from sklearn.metrics import roc_curve as sk_roc_curve

    fpr, tpr, _ = sk_roc_curve(y, probabilities, drop_intermediate=True)
    return fpr, tpr, float(np.trapezoid(tpr, fpr))


def figure_data(
    design: Design,
    params: np.ndarray,
    probabilities: np.ndarray,
    *,
    threshold: float,
    roc: tuple[np.ndarray, np.ndarray] | None = None,
) -> FigureData:
    """Everything the figures draw, from the fitted model."""
    return FigureData(
        roc=thin_roc(*roc) if roc is not None else roc_curve(design.y, probabilities),
        calibration=calibration_bins(design.y, probabilities),
        histogram=probability_histogram(design.y, probabilities),
        effect=effect_curve(design, params, threshold=threshold),
    )


def roc_curve(y: np.ndarray, probabilities: np.ndarray) -> RocCurve:
    """ROC curve (scikit-learn), thinned evenly to at most `MAX_ROC_POINTS` points."""
    fpr, tpr, _ = full_roc(y, probabilities)
    return thin_roc(fpr, tpr)


def thin_roc(fpr: np.ndarray, tpr: np.ndarray) -> RocCurve:
    """Keep at most `MAX_ROC_POINTS` evenly spaced points, always the two ends."""
    if fpr.size > MAX_ROC_POINTS:
        keep = np.unique(np.linspace(0, fpr.size - 1, MAX_ROC_POINTS).round().astype(int))
        fpr, tpr = fpr[keep], tpr[keep]
    return RocCurve(tuple(map(float, fpr)), tuple(map(float, tpr)))


def calibration_bins(
    y: np.ndarray, probabilities: np.ndarray, bins: int = 10
) -> tuple[CalibrationBin, ...]:
    """Observed event rate against mean predicted probability, by deciles of prediction."""
    n = y.shape[0]
    bins = max(2, min(bins, n // 10))  # at least ~10 observations per group
    # equal-size groups ordered by prediction: a partition at the group edges is O(n),
    # a full sort is not needed
    edges = [len(part) for part in np.array_split(np.empty(n), bins)]
    cuts = np.cumsum(edges)[:-1]
    order = np.argpartition(probabilities, cuts) if n > 1 else np.arange(n)
    groups = np.split(order, cuts)
    return tuple(
        CalibrationBin(float(probabilities[g].mean()), float(y[g].mean()), int(g.size))
        for g in groups
        if g.size
    )


def probability_histogram(y: np.ndarray, probabilities: np.ndarray) -> ProbabilityHistogram:
    edges = np.linspace(0.0, 1.0, HISTOGRAM_BINS + 1)
    events, _ = np.histogram(probabilities[y == 1.0], bins=edges)
    non_events, _ = np.histogram(probabilities[y != 1.0], bins=edges)
    return ProbabilityHistogram(
        tuple(map(float, edges)), tuple(map(int, events)), tuple(map(int, non_events))
    )


def effect_curve(design: Design, params: np.ndarray, *, threshold: float) -> EffectCurve | None:
    """For intercept + one continuous predictor: the fitted curve and the decision boundary."""
    names = design.column_names
    if len(names) != 2 or names[0] != "Intercept" or design.categoricals:
        return None
    x = design.X[:, 1]
    if np.unique(x[: 10_000]).size <= 2:
        return None
    from scipy.special import expit

    b0, b1 = float(params[0]), float(params[1])
    low, high = float(x.min()), float(x.max())
    grid = np.linspace(low, high, 200)
    logit = b0 + b1 * grid
    boundary = None
    if b1 != 0:
        crossing = (np.log(threshold / (1 - threshold)) - b0) / b1
        boundary = float(crossing) if low <= crossing <= high else None
    if x.size <= MAX_SCATTER_POINTS:
        shown_x, shown_y, binned = x, design.y, False
    else:  # proportions in 50 equal-count bins of the predictor
        order = np.argsort(x, kind="stable")
        groups = np.array_split(order, 50)
        shown_x = np.array([x[g].mean() for g in groups])
        shown_y = np.array([design.y[g].mean() for g in groups])
        binned = True
    return EffectCurve(
        predictor=names[1],
        grid=tuple(map(float, grid)),
        probability=tuple(map(float, expit(logit))),
        logit=tuple(map(float, logit)),
        boundary=boundary,
        x=tuple(map(float, shown_x)),
        y=tuple(map(float, shown_y)),
        binned=binned,
    )
