"""The unit-square figures (ROC curve, calibration, probability histogram): size and axes."""

from __future__ import annotations

from typing import Any

from .style import GREY

SQUARE = (3.6, 3.5)  # the unit-square figures' size, inches
UNIT_YLIM = 1.01


def unit_square(figure: Any, diagonal: str, xlabel: str, ylabel: str,
                 span: tuple[float, float] = (0.0, 1.0)) -> Any:
    """Square axes on ``span`` x ``span`` ([0, 1] unless zoomed), with the dashed
    diagonal labelled ``diagonal``."""
    low, high = span
    ax = figure.add_subplot()
    ax.plot([low, high], [low, high], color=GREY, linewidth=0.9, linestyle="--", label=diagonal)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_xlim(low, high)
    ax.set_ylim(low, low + (high - low) * UNIT_YLIM)
    ax.set_aspect("equal")
    return ax
