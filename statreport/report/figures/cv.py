"""The cross-validation plot of a penalized fit: held-out deviance over the alphas."""

from __future__ import annotations

import math
from typing import Any

from .. import formatting
from .legends import LegendPlace, Segment, draw_legend, place_legend, polyline
from .style import BLUE, GREY, ORANGE, Drawable, Margins, draw_svg
from .ticks import padded, plain_log_ticks

CV_SIZE = (6.0, 3.0)


def _cv_band(result: Drawable) -> tuple[list[float], list[float], list[str]]:
    """The CV plot's ±1 SE band (low and high edges) and its legend entries."""
    cv = result.method_details.cv  # a penalized fit's PenaltyInfo, alpha cross-validated
    low = [m - s for m, s in zip(cv.mean_deviance, cv.se_deviance, strict=True)]
    high = [m + s for m, s in zip(cv.mean_deviance, cv.se_deviance, strict=True)]
    labels = ["\u00b11 SE", "mean held-out deviance", f"minimum ({formatting.significant(cv.alpha_min, 3)})",
              f"one SE ({formatting.significant(cv.alpha_1se, 3)})"]
    return low, high, labels


def cv_legend(result: Drawable) -> LegendPlace:
    """Where the CV plot's legend goes: a corner clear of the band and both chosen
    alphas, upper first (deviance rises at the large alphas), else below."""
    cv = result.method_details.cv  # a penalized fit's PenaltyInfo, alpha cross-validated
    low, high, labels = _cv_band(result)
    (x0, x1), (y0, y1) = padded([math.log10(a) for a in cv.alphas]), padded([*low, *high])

    def fx(alpha: float) -> float:  # the axis runs from strong to weak penalty, as the path's
        return (x1 - math.log10(alpha)) / (x1 - x0)

    def fy(v: float) -> float:
        return (v - y0) / (y1 - y0)

    segments: list[Segment] = [(fx(a), fy(lo), fx(a), fy(hi))
                               for a, lo, hi in zip(cv.alphas, low, high, strict=True)]
    for edge in (low, high):
        segments += polyline([fx(a) for a in cv.alphas], [fy(v) for v in edge])
    segments += [(fx(a), 0.0, fx(a), 1.0) for a in (cv.alpha_min, cv.alpha_1se)]
    return place_legend(labels, segments, CV_SIZE, Margins(),
                        corners=("upper left", "upper right", "lower left", "lower right"))


def cv_plot(result: Drawable) -> bytes:
    cv = result.method_details.cv  # a penalized fit's PenaltyInfo, alpha cross-validated
    low, high, (band, mean, minimum, one_se) = _cv_band(result)
    place = cv_legend(result)

    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        ax.fill_between(cv.alphas, low, high, color=BLUE, alpha=0.18, linewidth=0, label=band)
        ax.plot(cv.alphas, cv.mean_deviance, color=BLUE, marker="o", markersize=3, linewidth=1.3,
                label=mean)
        ax.axvline(cv.alpha_min, color=ORANGE, linewidth=1.2, label=minimum)
        ax.axvline(cv.alpha_1se, color=GREY, linewidth=1.2, linestyle="--", label=one_se)
        ax.set_xscale("log")
        plain_log_ticks(ax, list(cv.alphas))
        ax.set_xlim(*(10.0**v for v in reversed(padded([math.log10(a) for a in cv.alphas]))))
        ax.set_ylim(*padded([*low, *high]))
        ax.set_xlabel("alpha (log scale, decreasing)")
        ax.set_ylabel("Deviance per observation")
        draw_legend(figure, ax, place)

    return draw_svg(draw, place.size, place.margins)
