"""The classification table at a threshold and the metrics derived from it.

A row is predicted positive when its fitted probability is strictly greater
than the threshold (statsmodels' ``pred_table`` and R's ``fitted > t`` agree).
"""

from __future__ import annotations

import math

import numpy as np

from .result import Classification


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def classify(
    y: np.ndarray, probabilities: np.ndarray, *, threshold: float, auc: float | None = None
) -> Classification:
    """Confusion counts, threshold metrics, ROC AUC and Brier score.

    Parameters
    ----------
    y : ndarray, shape (n,)
        Observed outcome, 0.0 or 1.0.
    probabilities : ndarray, shape (n,)
        Fitted P(y = 1).
    threshold
        Cut-off in (0, 1); predicted 1 when probability > threshold.
    auc
        ROC AUC if already computed from the full ROC curve (`curves.full_roc`);
        otherwise scikit-learn's ``roc_auc_score`` computes it.
    """
    if auc is None:
        from sklearn.metrics import roc_auc_score

        auc = float(roc_auc_score(y == 1.0, probabilities))

    observed = y == 1.0
    predicted = probabilities > threshold
    tp = int(np.count_nonzero(observed & predicted))
    fn = int(np.count_nonzero(observed)) - tp
    fp = int(np.count_nonzero(predicted)) - tp
    tn = int(y.shape[0]) - tp - fn - fp
    sensitivity = _ratio(tp, tp + fn)
    specificity = _ratio(tn, tn + fp)
    return Classification(
        threshold=threshold,
        tn=tn,
        fp=fp,
        fn=fn,
        tp=tp,
        accuracy=_ratio(tp + tn, tp + tn + fp + fn),
        sensitivity=sensitivity,
        specificity=specificity,
        ppv=_ratio(tp, tp + fp),
        npv=_ratio(tn, tn + fn),
        f1=_ratio(2 * tp, 2 * tp + fp + fn),
        balanced_accuracy=(sensitivity + specificity) / 2.0,
        auc=auc,
        brier=float(np.mean((probabilities - y) ** 2)),
    )
