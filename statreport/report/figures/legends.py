"""Where a figure's legend goes, decided from the data before anything is drawn.

The data a legend must not cover are given as segments in axes fractions
(`polyline`, `bars`); `place_legend` picks the first free corner, or puts the
legend below the axes in a taller figure, and `draw_legend` draws it there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .style import Margins
from .text import line_width

#: A line segment in axes fractions, (x0, y0, x1, y1): what a legend must not cover.
Segment = tuple[float, float, float, float]
#: Where a legend may go: a corner of the axes, or below them (``BELOW``, at the foot of the figure).
BELOW = "below"
#: Points between a legend and the nearest data: half a 1.6-point line, a 4-point marker's radius.
LEGEND_CLEARANCE = 3.0


def legend_size(texts: list[str], fontsize: float) -> tuple[float, float]:
    """Width and height in points of an unframed legend of one-line ``texts``.

    Matplotlib's layout at its default paddings, in units of the font size:
    0.4 border on each side, a 2.0 handle and a 0.8 gap before the text; rows
    one font size tall, 0.5 apart. Measured, not drawn: no renderer needed."""
    width = max((line_width(t, fontsize) for t in texts), default=0.0) * 72 + 3.6 * fontsize
    rows = len(texts)
    return width, rows * fontsize + 0.5 * fontsize * max(rows - 1, 0) + 0.8 * fontsize


def legend_box(corner: str, size: tuple[float, float], axes: tuple[float, float],
               fontsize: float) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1, axes fractions) a legend of ``size`` points takes in
    ``corner`` ("upper left", ...) of axes ``axes`` points wide and tall, 0.5 font
    size in from the edges as matplotlib puts it."""
    (width, height), (axes_width, axes_height) = size, axes
    pad = 0.5 * fontsize
    x0 = pad if corner.endswith("left") else axes_width - pad - width
    y0 = pad if corner.startswith("lower") else axes_height - pad - height
    return x0 / axes_width, y0 / axes_height, (x0 + width) / axes_width, (y0 + height) / axes_height


def legend_corner(segments: list[Segment], size: tuple[float, float], axes: tuple[float, float],
                  *, corners: tuple[str, ...], fontsize: float) -> str:
    """The first of ``corners`` where a legend of ``size`` points covers none of
    ``segments`` (nor comes within `LEGEND_CLEARANCE` points of one); `BELOW` when
    every corner would.

    Decided from the data before anything is drawn, so the figure's height (which
    grows to hold a legend below the axes) is known up front and the same data
    always gives the same place: no ``loc="best"``, which measures at draw time."""
    grow_x, grow_y = LEGEND_CLEARANCE / axes[0], LEGEND_CLEARANCE / axes[1]
    for corner in corners:
        x0, y0, x1, y1 = legend_box(corner, size, axes, fontsize)
        box = (x0 - grow_x, y0 - grow_y, x1 + grow_x, y1 + grow_y)
        if box[0] >= 0 and box[1] >= 0 and box[2] <= 1 and box[3] <= 1 and not any(
                _crosses(segment, box) for segment in segments):
            return corner
    return BELOW


def _crosses(segment: Segment, box: tuple[float, float, float, float]) -> bool:
    """Whether ``segment`` has a point in ``box`` (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = segment
    low, high = 0.0, 1.0
    for p, q in ((x0 - x1, x0 - box[0]), (x1 - x0, box[2] - x0),
                 (y0 - y1, y0 - box[1]), (y1 - y0, box[3] - y0)):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            low = max(low, q / p)
        else:
            high = min(high, q / p)
        if low > high:
            return False
    return True


def polyline(xs: list[float], ys: list[float]) -> list[Segment]:
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if math.isfinite(x) and math.isfinite(y)]
    if len(points) == 1:
        return [(*points[0], *points[0])]
    return [(a[0], a[1], b[0], b[1]) for a, b in zip(points, points[1:], strict=False)]


def bars(edges: list[float], heights: list[float]) -> list[Segment]:
    """A histogram's bars as their outlines (sides and top; the baseline is the axis)."""
    return [s for left, right, h in zip(edges, edges[1:], heights, strict=False) if h > 0
            for s in ((left, 0.0, left, h), (left, h, right, h), (right, h, right, 0.0))]


@dataclass(frozen=True)
class LegendPlace:
    """Where a figure's legend goes, and the figure size and margins that make room for it."""

    corner: str  # a matplotlib loc, or BELOW
    fontsize: float
    size: tuple[float, float]  # inches
    margins: Margins


#: A legend below the axes sits this far (inches) under the figure's usual bottom margin.
BELOW_GAP = 0.04


def place_legend(texts: list[str], segments: list[Segment], size: tuple[float, float],
                 margins: Margins, *, corners: tuple[str, ...], fontsize: float = 7.5,
                 square: float | None = None, columns: int = 1) -> LegendPlace:
    """`legend_corner` for axes of a figure ``size`` inches with ``margins``, and the
    taller figure a legend below the axes needs. ``square``: the axes' height over
    width when their aspect is fixed (ylim span / xlim span), which shrinks them;
    ``columns``: side-by-side axes (as `draw_svg` lays them out), the legend in one."""
    width, height = size
    axes_width = (width - margins.left - margins.right - margins.between * (columns - 1)) / columns
    axes_height = height - margins.bottom - margins.top
    if square is not None:
        axes_width = min(axes_width, axes_height / square)
        axes_height = axes_width * square
    legend = legend_size(texts, fontsize)
    corner = legend_corner(segments, legend, (axes_width * 72, axes_height * 72),
                           corners=corners, fontsize=fontsize)
    if corner != BELOW:
        return LegendPlace(corner, fontsize, size, margins)
    extra = (legend[1] + fontsize) / 72 + BELOW_GAP  # the legend and its 0.5 font size above and below
    return LegendPlace(corner, fontsize, (width, height + extra),
                       Margins(margins.left, margins.bottom + extra, margins.right, margins.top,
                               margins.between))


def draw_legend(figure: Any, ax: Any, place: LegendPlace) -> Any:
    """The axes' legend where ``place`` says: in a corner, or centred under the axes
    at the foot of the figure (in the room `place_legend` added there)."""
    if place.corner != BELOW:
        return ax.legend(loc=place.corner, fontsize=place.fontsize)
    margins, (width, _) = place.margins, place.size
    centre = (margins.left + (width - margins.left - margins.right) / 2) / width
    return ax.legend(loc="lower center", bbox_to_anchor=(centre, 0.0), bbox_transform=figure.transFigure,
                     fontsize=place.fontsize)
