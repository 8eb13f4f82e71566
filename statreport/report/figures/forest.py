"""The forest plot: each term's odds ratio with its interval, on a log scale."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ...result import Coefficient
from .. import labels
from .style import BLUE, GREY, ORANGE, Drawable, Margins, draw_svg
from .text import fit_label, term_labels, text_width
from .ticks import plain_log_ticks

#: The forest plot's term labels take at most this width (inches, of the figure's 6.4)
#: and this many lines; a longer label is wrapped, then shortened in the middle.
FOREST_LABEL_WIDTH = 3.0
FOREST_LABEL_LINES = 2


@dataclass(frozen=True)
class ForestLabels:
    """The forest plot's tick labels as drawn, and the space they need."""

    labels: tuple[str, ...]  # in table order; lines joined by newlines
    width: float  # the widest line, inches
    lines: int  # the most lines any label takes


def forest_labels(result: Drawable) -> ForestLabels:
    """The forest plot's labels, each fitted within `FOREST_LABEL_WIDTH` by `fit_label`."""
    names = term_labels(result)
    fitted = tuple(fit_label(names[r.term], FOREST_LABEL_WIDTH, lines=FOREST_LABEL_LINES)
                   for r in _forest_rows(result))
    lines = [line for label in fitted for line in label.split("\n")]
    most = max((label.count("\n") + 1 for label in fitted), default=1)
    return ForestLabels(fitted, text_width(lines), most)


def _forest_rows(result: Drawable) -> list[Coefficient]:
    return [r for r in result.coefficient_rows if r.term != "Intercept" and not r.separated]


def _has_interval(row: Coefficient) -> bool:
    return all(math.isfinite(v) and v > 0 for v in (row.or_ci_low, row.or_ci_high))


def forest_withheld(result: Drawable) -> str | None:
    """Why the report shows no forest plot, as a sentence; None when it shows one.

    Like the coefficient table, which then shows no standard errors, p-values
    or intervals: a fit that did not converge has estimates only where the
    optimizer stopped, and plotting them would present them as results.
    """
    intervals = result.inference.intervals != "none"
    if not result.fit.converged:
        if result.inference.shrunk:
            return ("the penalized fit did not reach its optimum (its optimality conditions are "
                    "violated), so the estimates are where the solver stopped")
        return "the fit did not converge, so the estimates are where the optimizer stopped"
    rows = _forest_rows(result)
    if not rows:
        if any(r.term != "Intercept" for r in result.coefficient_rows):
            return "every term is separated: its estimate is infinite"
        return "the model has no term besides the intercept"
    if intervals and not any(_has_interval(r) for r in result.coefficient_rows):
        return ("no term has a valid standard error (see the warnings), so the estimates "
                "have no intervals")
    return None


def forest_plot(result: Drawable) -> bytes:
    rows = _forest_rows(result)
    ticks = forest_labels(result)
    # a second line of 9-point text needs 0.15 in more between rows; past 40 rows they
    # close up to 0.2 in (9-point text is 0.125 in), so that a page holds the plot at width
    spacing = 0.28 if len(rows) <= 40 or ticks.lines > 1 else 0.2
    height = 0.9 + (spacing + 0.15 * (ticks.lines - 1)) * max(len(rows), 1)

    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        positions = list(range(len(rows)))[::-1]  # table order, top to bottom
        for y, row in zip(positions, rows, strict=True):
            finite = _has_interval(row)
            without = result.inference.intervals == "none"  # none to show: a square, not a diamond
            if finite:
                ax.plot([row.or_ci_low, row.or_ci_high], [y, y], color=BLUE, linewidth=1.4)
            if math.isfinite(row.odds_ratio) and row.odds_ratio > 0:
                ax.plot([row.odds_ratio], [y], marker="s" if finite or without else "D",
                        markersize=5, color=BLUE if finite or without else ORANGE, linestyle="none")
        ax.axvline(1.0, color=GREY, linewidth=0.9, linestyle="--")
        ax.set_xscale("log")
        plain_log_ticks(ax, [v for r in rows for v in (r.or_ci_low, r.or_ci_high, r.odds_ratio)],
                         around_one=True)
        ax.set_yticks(positions, ticks.labels)
        if result.inference.intervals != "none":
            ax.set_xlabel(f"Odds ratio ({labels.ci_label(result.ci_level)} CI, log scale)")
        else:
            ax.set_xlabel("Penalized odds ratio (log scale; no intervals after a penalty)"
                          if result.inference.shrunk else "Odds ratio (log scale; no intervals)")
        ax.set_ylim(-0.7, len(rows) - 0.3)

    return draw_svg(draw, (6.4, height), Margins(left=ticks.width + 0.2))


def forest_caption(result: Drawable) -> str:
    """What the forest plot shows, and which terms it leaves out or cannot show apart from 1."""
    from ..per_unit import small_unit_terms

    rows = _forest_rows(result)
    intervals = result.inference.intervals != "none"
    caption = (("Odds ratios with their confidence intervals, log scale"
                if intervals else "Penalized odds ratios (no intervals), log scale")
               + "; the dashed line marks no effect (odds ratio 1). The intercept and separated "
               "terms are not shown.")
    if intervals and not all(_has_interval(r) for r in rows):
        caption += " A diamond marks an odds ratio without a valid interval."
    small = [u.term for u in small_unit_terms(result)]
    if small:
        names = term_labels(result)
        listed = ", ".join(names.get(t, t) for t in small)
        caption += (f" Per unit of {listed} the odds ratio is too close to 1 to show apart from "
                    "the line; the note under the coefficient table gives it per a larger unit.")
    return caption
