"""The coefficient path of a penalized fit, its lines labelled at their ends."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from .. import formatting
from .legends import LegendPlace, draw_legend, place_legend, polyline
from .style import GREY, ORANGE, Drawable, Margins, draw_svg
from .text import fit_label, term_labels, text_width
from .ticks import plain_log_ticks


def _alpha_used(alpha: float) -> str:
    return f"alpha used ({formatting.significant(alpha, 3)})"


def spread_labels(targets: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label centres (same units as ``targets``) at least ``gap`` apart within
    [``low``, ``high``], each as close to its target as the others let it.

    Labels in order of target; a run of labels that would come closer than
    ``gap`` is set ``gap`` apart, centred on its targets' mean, then moved
    inside the bounds, and merged with the run below when it reaches it. The
    order of the targets is kept (ties by position in ``targets``). When
    ``gap`` does not fit, the labels share the room evenly.
    """
    if len(targets) > 1 and (len(targets) - 1) * gap > high - low:
        gap = (high - low) / (len(targets) - 1)
    runs: list[tuple[list[int], float]] = []  # indices in order of target, centre of the first
    for index in sorted(range(len(targets)), key=lambda i: (targets[i], i)):
        members, first = [index], targets[index]
        while True:
            span = (len(members) - 1) * gap
            first = min(max(first, low), high - span)
            if not runs or runs[-1][1] + len(runs[-1][0]) * gap <= first:
                break
            previous, _ = runs.pop()
            members = previous + members
            first = sum(targets[i] for i in members) / len(members) - (len(members) - 1) * gap / 2
        runs.append((members, first))
    placed = [0.0] * len(targets)
    for members, first in runs:
        for k, index in enumerate(members):
            placed[index] = first + k * gap
    return placed


#: The coefficient path's end labels: font size, and centres at least this far apart (points).
PATH_LABEL_SIZE = 7.0
PATH_LABEL_GAP = 8.5
#: How far (points) right of its line's end a label starts; farther when a leader line leads to it.
PATH_LABEL_OFFSET = 3.0
PATH_LEADER_OFFSET = 12.0
#: matplotlib's ten default colours, dealt out in the order of the end labels, so that
#: lines of one colour end at least ten labels apart.
PATH_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


@dataclass(frozen=True)
class PathLayout:
    """The coefficient path's limits, end labels and legend, decided before drawing."""

    xlim: tuple[float, float]  # alphas, left (strong penalty) to right
    ylim: tuple[float, float]
    labels: tuple[str, ...]  # in path_terms order
    ends: tuple[float, ...]  # each path's last value, axes points from the bottom
    placed: tuple[float, ...]  # each label's centre, axes points from the bottom
    colours: tuple[int, ...]  # index into `PATH_COLOURS`: neighbouring labels never share one
    offset: float  # points right of the lines' ends
    end_x: float  # where the lines end, axes fraction
    axes: tuple[float, float]  # axes width and height, points
    legend: LegendPlace


def path_layout(result: Drawable) -> PathLayout:
    """Where the coefficient path puts its end labels (spread apart by `spread_labels`
    within the axes' height, the figure taller when they need it) and its legend."""
    cv = result.method_details.cv  # a penalized fit's PenaltyInfo, alpha cross-validated
    names = term_labels(result)
    # one line each at the lines' ends, shortened in the middle beyond 2.3 in
    texts = tuple(fit_label(names.get(term, term), 2.3, lines=1, size=PATH_LABEL_SIZE)
                  for term in cv.path_terms)
    values = [v for row in cv.path for v in row if math.isfinite(v)] + [0.0]
    low, high = min(values), max(values)
    pad = (high - low) * 0.05 or 1.0
    ylim = (low - pad, high + pad)
    strong, weak = max(cv.alphas), min(cv.alphas)
    ratio = (strong / weak) ** 0.05 if weak > 0 else 1.05  # matplotlib's 5% margin, on the log axis
    xlim = (strong * max(ratio, 1.05 ** 0.5), weak / max(ratio, 1.05 ** 0.5))

    # room on the left for signed tick labels ("−0.75") beside the axis label
    margins = Margins(left=0.78, right=text_width(list(texts), size=PATH_LABEL_SIZE) + 0.2
                      + (PATH_LEADER_OFFSET - PATH_LABEL_OFFSET) / 72)
    height = max(3.4, len(texts) * PATH_LABEL_GAP / 72 + margins.bottom + margins.top)
    axes_height = (height - margins.bottom - margins.top) * 72
    last = cv.path[-1] if cv.path else ()
    ends = tuple((v - ylim[0]) / (ylim[1] - ylim[0]) * axes_height for v in last)
    placed = tuple(spread_labels(list(ends), PATH_LABEL_GAP, 0.0, axes_height))
    moved = any(abs(p - e) > 0.5 for p, e in zip(placed, ends, strict=True))
    if not moved:
        margins = dataclasses.replace(
            margins, right=margins.right - (PATH_LEADER_OFFSET - PATH_LABEL_OFFSET) / 72)

    def x(alpha: float) -> float:  # axes fraction; the axis runs from strong to weak penalty
        return math.log(xlim[0] / alpha) / math.log(xlim[0] / xlim[1])

    def y(value: float) -> float:
        return (value - ylim[0]) / (ylim[1] - ylim[0])

    segments = [s for j in range(len(texts))
                for s in polyline([x(a) for a in cv.alphas], [y(row[j]) for row in cv.path])]
    segments += [(0.0, y(0.0), 1.0, y(0.0)), (x(cv.alpha), 0.0, x(cv.alpha), 1.0)]
    legend = place_legend([_alpha_used(cv.alpha)], segments, (6.4, height), margins,
                          corners=("upper left", "lower left", "upper right", "lower right"))
    axes_width = (6.4 - margins.left - margins.right) * 72
    by_height = sorted(range(len(placed)), key=lambda j: placed[j])
    colours = tuple(by_height.index(j) % len(PATH_COLOURS) for j in range(len(placed)))
    return PathLayout(xlim, ylim, texts, ends, placed, colours,
                      PATH_LEADER_OFFSET if moved else PATH_LABEL_OFFSET,
                      x(cv.alphas[-1]) if cv.alphas else 1.0, (axes_width, axes_height), legend)


def path_plot(result: Drawable) -> bytes:
    cv = result.method_details.cv  # a penalized fit's PenaltyInfo, alpha cross-validated
    layout = path_layout(result)

    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        # labels and leaders in axes fractions, all known before drawing (an annotation's
        # arrow measures its text at draw time, and took the figure 15% longer to draw)
        (width, height), x = layout.axes, layout.end_x
        for j, label in enumerate(layout.labels):
            line = ax.plot(cv.alphas, [row[j] for row in cv.path], linewidth=1.2,
                           color=PATH_COLOURS[layout.colours[j]])[0]
            end, placed = layout.ends[j] / height, layout.placed[j] / height
            ax.text(x + layout.offset / width, placed, label, fontsize=PATH_LABEL_SIZE, va="center",
                    color=line.get_color(), transform=ax.transAxes, clip_on=False)
            if abs(placed - end) * height > 0.5:  # a thin line from the path's end to its moved label
                ax.plot([x + 1 / width, x + (layout.offset - 1.5) / width], [end, placed],
                        color=line.get_color(), linewidth=0.6, transform=ax.transAxes, clip_on=False,
                        label="_leader")
        ax.axhline(0.0, color=GREY, linewidth=0.8)
        ax.axvline(cv.alpha, color=ORANGE, linewidth=1.2, label=_alpha_used(cv.alpha))
        ax.set_xscale("log")
        plain_log_ticks(ax, list(cv.alphas))
        ax.set_xlim(*layout.xlim)  # inverted: weaker penalty to the right, as coefficients grow
        ax.set_ylim(*layout.ylim)
        ax.set_xlabel("alpha (log scale, decreasing)")
        ax.set_ylabel("Coefficient (penalized)")
        draw_legend(figure, ax, layout.legend)

    return draw_svg(draw, layout.legend.size, layout.legend.margins)
