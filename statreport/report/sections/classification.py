"""The Classification section: the table at the threshold, its metrics, and the ROC,
calibration, predicted-probability and classification-table figures."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ...result import ResultData
from .. import formatting, labels
from ..document import Figures, FigureSpec, Grid, Note, Row, Section, Table, cell, number, strong, text


def build(result: ResultData) -> Section:
    from .. import figures

    c, m = result.classification, result.model
    confusion = Table("confusion", (
        Row((cell(m.non_event_label, header=True), number(formatting.integer(c.tn)),
             number(formatting.integer(c.fp)), number(formatting.integer(c.tn + c.fp)))),
        Row((cell(m.event_label, header=True), number(formatting.integer(c.fn)),
             number(formatting.integer(c.tp)), number(formatting.integer(c.fn + c.tp)))),
    ), header=(Row(tuple(cell(h, header=True) for h in ("Observed \\ predicted", "0", "1", "Total"))),))
    metrics = Table("metrics", tuple(
        Row((cell(label, role="label"), number(formatting.number(getattr(c, key), 4))))
        for key, label in labels.CLASSIFICATION_METRICS.items()
    ), header=(Row((cell("Metric", header=True), cell("Value", header=True))),))
    blocks: list[Any] = [Grid((confusion, metrics)), Note(text(
        f"A row is predicted 1 when its fitted probability is greater than {c.threshold}. ROC AUC and "
        "Brier score do not depend on the threshold. A dash marks a ratio with a zero denominator."))]
    if m.probabilities:
        blocks.append(Note(text("The predicted probabilities here and in the figures are "
                                f"{m.probabilities}.")))
    if c.tp + c.fp == 0 or c.tn + c.fn == 0:
        blocks.append(Note(_one_class(result), kind="caution"))
    specs: list[FigureSpec] = []
    if result.figures is not None:
        span = result.figures.span
        edges = result.figures.histogram.edges
        specs = [
            FigureSpec("roc", "ROC curve", "Sensitivity against 1 \u2212 specificity over all thresholds.",
                       figures.roc_plot),
            FigureSpec("calibration", "Calibration", "Observed event rate against mean predicted "
                       "probability, in groups of equal size ordered by prediction."
                       + zoomed(span, "Both axes run", "the predictions and the groups' event rates"),
                       figures.calibration_plot),
            FigureSpec("probabilities", "Predicted probabilities by observed class",
                       "Distribution of fitted probabilities within each observed outcome (each class "
                       "sums to 1), with the classification threshold."
                       + zoomed((edges[0], edges[-1]), "The axis runs", "the predictions"),
                       figures.probability_plot),
            FigureSpec("confusion", "Classification table",
                       f"Counts and shares at threshold {c.threshold:g}.", figures.confusion_plot),
        ]
        # two rows, so that a page can break between them
        blocks += [Figures(("roc", "calibration"), grid=True),
                   Figures(("probabilities", "confusion"), grid=True)]
    return Section("classification", f"Classification at threshold {c.threshold}", tuple(blocks),
                   tuple(specs),
                   json={"classification": asdict(c)})


def _one_class(result: ResultData) -> Any:
    c = result.classification
    rate = (c.tp + c.fn) / (c.tn + c.fp + c.fn + c.tp)
    if c.tp + c.fp == 0:
        says = (f"no fitted probability is greater than {c.threshold}. Accuracy is then the share of 0s "
                f"({formatting.number(c.accuracy, 4)}), sensitivity is 0 and PPV is undefined.")
    else:
        says = (f"every fitted probability is greater than {c.threshold}. Accuracy is then the share of 1s "
                f"({formatting.number(c.accuracy, 4)}), specificity is 0 and NPV is undefined.")
    return text(strong(f"Every row is predicted {0 if c.tp + c.fp == 0 else 1}:"), f" {says} To classify, "
                f"choose a threshold nearer the event rate ({rate:.3g}).")


def zoomed(span: tuple[float, float], axes: str, of: str) -> str:
    """A caption's note that a probability axis does not run from 0 to 1 ("Both axes
    run", "the predictions")."""
    low, high = span
    if (low, high) == (0.0, 1.0):
        return ""
    return f" {axes} from {low:g} to {high:g}, the range of {of}."
