"""The effect plot of a single predictor: fitted probability and log-odds side by side."""

from __future__ import annotations

import math
from typing import Any

from .. import formatting
from .legends import LegendPlace, Segment, draw_legend, place_legend, polyline
from .style import BLUE, GREY, ORANGE, Drawable, Margins, draw_svg
from .ticks import padded

EFFECT_SIZE, EFFECT_MARGINS = (7.2, 3.2), Margins(between=0.75)
EFFECT_YLIM = (-0.05, 1.05)


def _effect_labels(result: Drawable) -> list[str]:
    assert result.figures is not None and result.figures.effect is not None
    effect = result.figures.effect
    labels = ["observed proportion (50 bins)" if effect.binned else "observations", "fitted probability"]
    if effect.boundary is not None:
        labels.append(f"decision boundary ({formatting.significant(effect.boundary, 3)})")
    return labels


def effect_legend(result: Drawable) -> LegendPlace:
    """Where the effect plot's legend goes: a corner of the probability panel that the
    points, the curve and the boundary leave free, else below the panels."""
    assert result.figures is not None and result.figures.effect is not None
    effect = result.figures.effect
    (x0, x1), (y0, y1) = padded([*effect.x, *effect.grid]), EFFECT_YLIM

    def fx(v: float) -> float:
        return (v - x0) / (x1 - x0)

    def fy(v: float) -> float:
        return (v - y0) / (y1 - y0)

    segments: list[Segment] = [(fx(x), fy(y), fx(x), fy(y)) for x, y in zip(effect.x, effect.y, strict=True)]
    segments += polyline([fx(v) for v in effect.grid], [fy(v) for v in effect.probability])
    if effect.boundary is not None:
        segments.append((fx(effect.boundary), 0.0, fx(effect.boundary), 1.0))
    return place_legend(_effect_labels(result), segments, EFFECT_SIZE, EFFECT_MARGINS, columns=2,
                        corners=("upper left", "lower right", "upper right", "lower left"))


def effect_plot(result: Drawable) -> bytes:
    assert result.figures is not None and result.figures.effect is not None
    effect = result.figures.effect
    place = effect_legend(result)
    observed, fitted, *boundary = _effect_labels(result)

    def draw(figure: Any) -> None:
        left, right = figure.subplots(1, 2)
        if effect.binned:
            left.plot(effect.x, effect.y, linestyle="none", marker="o", markersize=3.5,
                      color=GREY, label=observed)
        else:
            left.plot(effect.x, effect.y, linestyle="none", marker="o", markersize=4,
                      color=GREY, alpha=0.7, label=observed)
        left.plot(effect.grid, effect.probability, color=BLUE, linewidth=1.6, label=fitted)
        right.plot(effect.grid, effect.logit, color=BLUE, linewidth=1.6)
        right.axhline(math.log(result.classification.threshold / (1 - result.classification.threshold)),
                      color=GREY, linewidth=0.9, linestyle="--")
        if effect.boundary is not None:
            for ax in (left, right):
                ax.axvline(effect.boundary, color=ORANGE, linewidth=1.2)
            left.plot([], [], color=ORANGE, label=boundary[0])
        left.set_xlim(*padded([*effect.x, *effect.grid]))
        left.set_ylim(*EFFECT_YLIM)
        left.set_xlabel(effect.predictor)
        left.set_ylabel(f"P({result.model.outcome} = {result.model.positive_class})")
        draw_legend(figure, left, place)
        right.set_xlabel(effect.predictor)
        right.set_ylabel("Log-odds (linear predictor)")

    return draw_svg(draw, place.size, place.margins)
