"""The ROC curve: sensitivity against 1 - specificity, with the AUC in its legend."""

from __future__ import annotations

from typing import Any

from .legends import LegendPlace, Segment, draw_legend, place_legend, polyline
from .square import SQUARE, UNIT_YLIM, unit_square
from .style import BLUE, RC, Drawable, Margins, draw_svg


def _roc_legend(result: Drawable) -> tuple[list[str], list[Segment]]:
    assert result.figures is not None
    roc = result.figures.roc
    texts = ["chance", f"model (AUC = {result.classification.auc:.3f})"]
    return texts, [(0.0, 0.0, 1.0, 1 / UNIT_YLIM),
                   *polyline(list(roc.fpr), [t / UNIT_YLIM for t in roc.tpr])]


def roc_legend(result: Drawable) -> LegendPlace:
    """Where the ROC curve's legend goes: lower right, below the diagonal where a
    useful model leaves room; upper left for a curve below the diagonal."""
    texts, segments = _roc_legend(result)
    return place_legend(texts, segments, SQUARE, Margins(), corners=("lower right", "upper left"),
                        fontsize=RC["font.size"], square=UNIT_YLIM)


def roc_plot(result: Drawable) -> bytes:
    assert result.figures is not None
    roc = result.figures.roc
    place = roc_legend(result)

    def draw(figure: Any) -> None:
        ax = unit_square(figure, "chance", "False positive rate (1 \u2212 specificity)",
                          "True positive rate (sensitivity)")
        ax.plot(roc.fpr, roc.tpr, color=BLUE, linewidth=1.6,
                label=f"model (AUC = {result.classification.auc:.3f})")
        draw_legend(figure, ax, place)

    return draw_svg(draw, place.size, place.margins)
