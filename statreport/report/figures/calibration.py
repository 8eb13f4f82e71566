"""The calibration plot: observed event rate against mean predicted probability, by group."""

from __future__ import annotations

from typing import Any

from .legends import LegendPlace, draw_legend, place_legend, polyline
from .square import SQUARE, UNIT_YLIM, unit_square
from .style import BLUE, RC, Drawable, Margins, draw_svg


def calibration_legend(result: Drawable) -> LegendPlace:
    """Where the calibration plot's legend goes: the corner off the diagonal that its
    groups leave free, upper left first."""
    assert result.figures is not None
    bins = result.figures.calibration
    low, high = result.figures.span

    def fraction(v: float) -> float:  # of the axis
        return (v - low) / (high - low)

    texts = ["perfect calibration", f"model ({len(bins)} groups)"]
    segments = [(0.0, 0.0, 1.0, 1 / UNIT_YLIM),
                *polyline([fraction(b.mean_predicted) for b in bins],
                           [fraction(b.observed_rate) / UNIT_YLIM for b in bins])]
    return place_legend(texts, segments, SQUARE, Margins(), corners=("upper left", "lower right"),
                        fontsize=RC["font.size"], square=UNIT_YLIM)


def calibration_plot(result: Drawable) -> bytes:
    assert result.figures is not None
    bins, span = result.figures.calibration, result.figures.span
    place = calibration_legend(result)

    def draw(figure: Any) -> None:
        ax = unit_square(figure, "perfect calibration", "Mean predicted probability",
                          "Observed event rate", span)
        ax.plot([b.mean_predicted for b in bins], [b.observed_rate for b in bins], color=BLUE,
                marker="o", markersize=4, linewidth=1.2, label=f"model ({len(bins)} groups)")
        draw_legend(figure, ax, place)

    return draw_svg(draw, place.size, place.margins)
