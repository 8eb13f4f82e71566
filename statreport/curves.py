"""The data behind the report's figures, computed once, small and frozen.

Figures never see the raw rows: at a million observations the ROC curve is
thinned to a few hundred points, the calibration plot uses deciles, the
probability distributions are histograms and the one-predictor plot shows
binned proportions. Everything here is deterministic and O(n log n) at worst.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .design import Design
from .result import CalibrationBin, EffectCurve, FigureData, ProbabilityHistogram, RocCurve

MAX_ROC_POINTS = 400
MAX_SCATTER_POINTS = 1000
HISTOGRAM_BINS = 40


@dataclass(frozen=True, eq=False)
class Ranked:
    """Outcomes and fitted probabilities in ascending order of probability.

    The one sort that the ROC curve and the calibration groups share. It is
    unstable (about four times faster than a stable one), so tied
    predictions come in any order; neither result depends on that order.
    """

    y: np.ndarray
    probabilities: np.ndarray


def rank(y: np.ndarray, probabilities: np.ndarray) -> Ranked:
    order = np.argsort(probabilities)
    return Ranked(y[order], probabilities[order])


def full_roc(ranked: Ranked) -> tuple[np.ndarray, np.ndarray, float]:
    """The ROC curve at every distinct score (scikit-learn) and its area.

    The trapezoidal area under this curve is exactly what ``roc_auc_score``
    returns. scikit-learn sorts the scores again (a stable sort, which finds
    them already in order), and its curve only counts outcomes up to each
    distinct score, so the order within ties cannot change it.
    """
    from sklearn.metrics import roc_curve as sk_roc_curve

    fpr, tpr, _ = sk_roc_curve(ranked.y, ranked.probabilities, drop_intermediate=True)
    return fpr, tpr, float(np.trapezoid(tpr, fpr))


def figure_data(
    design: Design,
    params: np.ndarray,
    ranked: Ranked,
    roc: tuple[np.ndarray, np.ndarray],
    *,
    threshold: float,
) -> FigureData:
    """Everything the figures draw, from the fitted model (``roc`` from `full_roc`)."""
    calibration = calibration_bins(ranked)
    ends = [float(p) for p in ranked.probabilities[[0, -1]]] if ranked.probabilities.size else []
    return FigureData(
        roc=thin_roc(*roc),
        calibration=calibration,
        histogram=probability_histogram(ranked.y, ranked.probabilities, probability_span(ends)),
        effect=effect_curve(design, params, threshold=threshold),
        span=probability_span([*ends, *(b.observed_rate for b in calibration)]),
    )


#: Where the probability axes may stop short of 0 or 1: a rare (or a very common)
#: outcome's predictions are then spread over the axis, not piled in a corner.
SPAN_ENDS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)


def probability_span(values: list[float]) -> tuple[float, float]:
    """The probability range an axis shows for ``values``: [0, 1], or from 0 to the first
    of `SPAN_ENDS` that clears the largest value by 5% (and likewise down from 1), so
    that the values are not crowded into a corner."""
    if len(values) == 0:
        return 0.0, 1.0
    low, high = min(values), max(values)
    top = next((end for end in SPAN_ENDS if high * 1.05 <= end), 1.0)
    bottom = 1.0 - next((end for end in SPAN_ENDS if (1.0 - low) * 1.05 <= end), 1.0)
    return bottom, top


def roc_curve(y: np.ndarray, probabilities: np.ndarray) -> RocCurve:
    """ROC curve (scikit-learn), thinned evenly to at most `MAX_ROC_POINTS` points."""
    fpr, tpr, _ = full_roc(rank(y, probabilities))
    return thin_roc(fpr, tpr)


def thin_roc(fpr: np.ndarray, tpr: np.ndarray) -> RocCurve:
    """Keep at most `MAX_ROC_POINTS` evenly spaced points, always the two ends."""
    if fpr.size > MAX_ROC_POINTS:
        keep = np.unique(np.linspace(0, fpr.size - 1, MAX_ROC_POINTS).round().astype(int))
        fpr, tpr = fpr[keep], tpr[keep]
    return RocCurve(tuple(map(float, fpr)), tuple(map(float, tpr)))


def calibration_bins(ranked: Ranked, bins: int = 10) -> tuple[CalibrationBin, ...]:
    """Observed event rate against mean predicted probability, in equal-size groups
    ordered by prediction (deciles).

    Where a run of tied predictions straddles two groups, its events are shared
    between them in proportion to the rows each takes, so the groups do not
    depend on the order of the rows (which ``np.argsort`` leaves open among ties).
    """
    y, p = ranked.y, ranked.probabilities
    n = y.shape[0]
    bins = max(2, min(bins, n // 10))  # at least ~10 observations per group
    sizes = [len(part) for part in np.array_split(np.empty(n), bins)]
    cuts = np.concatenate([[0], np.cumsum(sizes)])
    events = np.concatenate([[0.0], np.cumsum(y)])
    shared = events[cuts]
    for i, cut in enumerate(cuts[1:-1], start=1):
        if cut >= n:  # fewer rows than groups: the last groups are empty
            continue
        low = int(np.searchsorted(p, p[cut], side="left"))
        if low < cut:  # the tie run [low, high) straddles the cut
            high = int(np.searchsorted(p, p[cut], side="right"))
            shared[i] = events[low] + (events[high] - events[low]) * (cut - low) / (high - low)
    return tuple(
        CalibrationBin(float(p[a:b].mean()), float((shared[i + 1] - shared[i]) / (b - a)), int(b - a))
        for i, (a, b) in enumerate(zip(cuts[:-1], cuts[1:], strict=True))
        if b > a
    )


def probability_histogram(
    y: np.ndarray, probabilities: np.ndarray, span: tuple[float, float] = (0.0, 1.0)
) -> ProbabilityHistogram:
    """Counts of each class's fitted probabilities in `HISTOGRAM_BINS` equal bins of ``span``."""
    edges = np.linspace(span[0], span[1], HISTOGRAM_BINS + 1)
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
